"""A program's partnerships as a CSV report, and its outcome report (page and
CSV), for its admins."""

from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from mentoring.http import HtmxHttpRequest
from mentoring.spreadsheets import csv_response
from partnerships.models import Partnership
from programs.access import get_program_for_admin
from programs.models import Program

from . import outcomes, services
from .selectors import report


@login_required
@require_safe
def program_report(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    """Every partnership of the program, one CSV row each, streamed: memory stays
    flat at any size. Numbers and dates only (ISO 8601, times in UTC)."""
    program = get_program_for_admin(request.user, slug)
    services.refresh_stale_numbers(program)
    return csv_response(report.program_report_rows(program), filename=f"{program.slug}-partnerships.csv")


def _cohort(request: HtmxHttpRequest, slug: str) -> tuple[Program, list[outcomes.ProgramOutcome]]:
    """The outcome figures of the program at ``slug`` and of its cohort that the
    viewer runs (404 unless they run it), their stored health numbers
    brought up to today first, as the overview and the report do."""
    program = get_program_for_admin(request.user, slug)
    cohort = outcomes.cohort_of(program, request.user)
    services.refresh_stale(Partnership.objects.filter(program__in=cohort))
    return program, outcomes.program_outcomes(cohort)


@login_required
@require_safe
def program_outcomes(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    """What changed for the protégés, by Kumar's categories: the program and
    its cohort side by side, aggregates only."""
    program, cohort = _cohort(request, slug)
    return TemplateResponse(
        request,
        "health/outcomes.html",
        {
            "program": program,
            "cohort": cohort,
            "nothing_yet": not any(outcome.pairs for outcome in cohort),
            "as_of": timezone.now(),
            "calls_window": outcomes.CALLS_WINDOW_DAYS,
            "categories": outcomes.category_rows(cohort),
            "band_labels": outcomes.band_labels(),
            "survey_columns": [(outcome, outcomes.surveys_page(outcome.program)) for outcome in cohort],
            "scale_rows": outcomes.survey_rows(cohort),
            "below_floor": outcomes.below_floor(),
        },
    )


def _outcome_rows(cohort: list[outcomes.ProgramOutcome]) -> Iterator[list]:
    yield [gettext("program"), gettext("category"), gettext("measure"), gettext("value"), gettext("reason")]
    yield from (list(row) for row in outcomes.measure_rows(cohort))


@login_required
@require_safe
def program_outcomes_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    """The outcome report as a CSV: one row per program, category and measure."""
    program, cohort = _cohort(request, slug)
    return csv_response(_outcome_rows(cohort), filename=f"{program.slug}-outcomes.csv")
