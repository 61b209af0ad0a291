"""Reads for a program admin's survey pages: the list with each survey's
asked and answered counts, one survey of the program, and the words for
when a survey is sent. A fixed number of queries whatever the data size."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext, ngettext

from mentoring.percent import share
from programs.models import Program

from ..models import Survey, SurveyKind, SurveyQuestion, SurveyResponse
from ..scores import published


def when_text(survey: Survey) -> str:
    """When ``survey`` is sent, in words: "30 days after the match, then
    every 60 days", "Once, 30 days after the match", "When a partnership ends"."""
    if survey.kind == SurveyKind.CLOSING or survey.first_after_days is None:
        return gettext("When a partnership ends")
    first = ngettext(
        "%(days)d day after the match", "%(days)d days after the match", survey.first_after_days
    ) % {"days": survey.first_after_days}
    if not survey.every_days:
        return gettext("Once, %(first)s") % {"first": first}
    return ngettext(
        "%(first)s, then every %(days)d day", "%(first)s, then every %(days)d days", survey.every_days
    ) % {"first": first, "days": survey.every_days}


@dataclass(frozen=True)
class SurveyListing:
    """One survey on the program's list: ``asked`` people-rounds, ``answered``
    of them in the published steps of five (``scores.published``: 0 while fewer
    than five have answered), ``rate`` that share in per cent (None below five)."""

    survey: Survey
    when: str
    asked: int
    answered: int

    @property
    def rate(self) -> int | None:
        return share(self.answered, self.asked) if self.answered else None


def surveys_of(program: Program) -> list[SurveyListing]:
    """The program's surveys, oldest first, with their counts: one query. The
    answered count moves in steps of ``FLOOR``, as every survey figure does, so
    the list never tells when one more person answered."""
    surveys = Survey.objects.filter(program=program).annotate(
        asked_count=Count("responses"),
        answered_count=Count("responses", filter=Q(responses__submitted_at__isnull=False)),
    )
    return [
        SurveyListing(survey=s, when=when_text(s), asked=s.asked_count, answered=published(s.answered_count))
        for s in surveys
    ]


def survey_of(program: Program, survey_id: int) -> Survey | None:
    """The survey ``survey_id`` of ``program`` with ``locked`` (True once any
    response was submitted), or None when the program has no such survey. One query."""
    return (
        Survey.objects.filter(program=program, pk=survey_id)
        .annotate(
            locked=Exists(SurveyResponse.objects.filter(survey=OuterRef("pk"), submitted_at__isnull=False))
        )
        .first()
    )


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    """The survey's questions in their order: one query."""
    return list(SurveyQuestion.objects.filter(survey=survey).order_by("position", "pk"))
