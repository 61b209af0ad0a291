"""A program's partnerships as a CSV report, for its admins."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from mentoring.http import HtmxHttpRequest
from mentoring.spreadsheets import csv_response
from programs.access import get_program_for_admin

from . import selectors, services


@login_required
@require_GET
def program_report(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    """Every partnership of the program, one CSV row each, streamed: memory stays
    flat at any size. Numbers and dates only (ISO 8601, times in UTC)."""
    program = get_program_for_admin(request.user, slug)
    services.refresh_stale_numbers(program)
    return csv_response(selectors.program_report_rows(program), filename=f"{program.slug}-partnerships.csv")
