"""A program admin's writes to its surveys: create, update, pause, resume.

Each write is one transaction: a survey is saved with all its questions or
not at all. The questions lock once anyone has submitted an answer to the
survey (``has_answers``): changing them would make the answers no longer
compare, so only the title, introduction, audience and timing change then."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from programs.models import Program

from ..models import QUESTIONS_MAX, QuestionKind, Survey, SurveyKind, SurveyQuestion, SurveyResponse

SURVEY_FIELDS = ("title", "kind", "audience", "first_after_days", "every_days", "intro")
# What says when a survey's rounds fall: changing one of them renumbers the rounds.
TIMING_FIELDS = ("kind", "first_after_days", "every_days")


def has_answers(survey: Survey) -> bool:
    """Whether any response to ``survey`` was submitted (its questions are locked)."""
    return SurveyResponse.objects.filter(survey=survey, submitted_at__isnull=False).exists()


def has_asked(survey: Survey) -> bool:
    """Whether any round of ``survey`` was sent to anyone (a response exists, answered or not)."""
    return SurveyResponse.objects.filter(survey=survey).exists()


def _check(fields: dict, questions: Sequence[dict] | None) -> None:
    if fields["kind"] == SurveyKind.CLOSING and (fields.get("first_after_days") or fields.get("every_days")):
        raise ValidationError(_("A closing survey goes when a partnership ends: it takes no days."))
    if fields["kind"] == SurveyKind.PULSE and not fields.get("first_after_days"):
        raise ValidationError(_("A pulse survey needs the days after the match for its first round."))
    if questions is not None and not 1 <= len(questions) <= QUESTIONS_MAX:
        raise ValidationError(
            _("A survey has 1 to %(max)s questions.") % {"max": QUESTIONS_MAX}, code="questions_count"
        )


def _clean_fields(fields: dict) -> dict:
    data = {name: fields.get(name) for name in SURVEY_FIELDS}
    data["intro"] = data["intro"] or ""
    if data["kind"] == SurveyKind.CLOSING:
        data["first_after_days"] = data["every_days"] = None
    return data


def _question(survey: Survey, position: int, row: dict) -> SurveyQuestion:
    choices = row.get("choices") or []
    return SurveyQuestion(
        survey=survey,
        position=position,
        kind=row["kind"],
        text=row["text"],
        choices="\n".join(choices) if row["kind"] == QuestionKind.CHOICE else "",
        required=bool(row.get("required")),
    )


def _save_questions(survey: Survey, questions: Sequence[dict]) -> None:
    """Writes ``questions`` in their order over the survey's own: the first
    stored questions keep their ids (an answer page open on them still fits),
    the rest are added or deleted."""
    stored = list(survey.questions.order_by("position", "pk"))
    fresh = [_question(survey, position, row) for position, row in enumerate(questions, start=1)]
    for old, new in zip(stored, fresh, strict=False):
        new.pk = old.pk
    kept = [q for q in fresh if q.pk]
    if kept:
        SurveyQuestion.objects.bulk_update(kept, ["position", "kind", "text", "choices", "required"])
    SurveyQuestion.objects.bulk_create([q for q in fresh if not q.pk])
    SurveyQuestion.objects.filter(pk__in=[q.pk for q in stored[len(fresh) :]]).delete()


@transaction.atomic
def survey_create(
    *,
    program: Program,
    by: User | None,
    fields: dict,
    questions: Sequence[dict],
    today: datetime.date | None = None,
) -> Survey:
    """A new survey of ``program`` with ``questions`` (each a dict of ``kind``,
    ``text``, ``choices`` (a list of labels, a choice question only) and
    ``required``; 1 to ``QUESTIONS_MAX``), opened on ``today`` (default: today
    in the site's active zone), so no round due before it is ever sent.
    ``fields``: title, kind, audience, first_after_days, every_days, intro.
    Raises ``ValidationError`` when the timing does not fit the kind or the
    number of questions is out of range; nothing is saved then."""
    data = _clean_fields(fields)
    _check(data, questions)
    survey = Survey(program=program, created_by=by, opened_on=today or timezone.localdate(), **data)
    survey.full_clean(exclude=["program", "created_by"])
    survey.save()
    _save_questions(survey, questions)
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    fields: dict,
    questions: Sequence[dict] | None = None,
    today: datetime.date | None = None,
) -> Survey:
    """Saves ``fields`` (as ``survey_create``) and, when given, ``questions``
    over the survey's own. Once an answer was submitted the questions and the
    kind are locked: giving ``questions`` or another kind raises
    ``ValidationError`` (code ``locked``) and nothing is saved. The survey's
    row is locked for the check, so an answer submitted meanwhile waits.

    New timing (kind, first_after_days or every_days) of a survey that has
    asked anyone starts from ``today`` (default: today in the site's active
    zone): ``opened_on`` moves to it, as ``survey_resume`` does, so no round
    the new timing dates before the change is sent. Without it, "30 days, then
    every 30" changed to "31, then every 14" the day round 4 went would send
    round 7 (dated five days earlier, inside the reminder rule's
    ``CATCH_UP_DAYS``) that same day. Rounds already sent stay as they are."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    data = _clean_fields(fields)
    _check(data, questions)
    if has_answers(survey) and (questions is not None or data["kind"] != survey.kind):
        raise ValidationError(
            _(
                "Someone has answered this survey, so its questions and kind can no longer change: "
                "the answers would no longer compare."
            ),
            code="locked",
        )
    retimed = any(data[name] != getattr(survey, name) for name in TIMING_FIELDS)
    for name, value in data.items():
        setattr(survey, name, value)
    if retimed and has_asked(survey):
        survey.opened_on = max(survey.opened_on, today or timezone.localdate())
        data["opened_on"] = survey.opened_on
    survey.full_clean(exclude=["program", "created_by"])
    survey.save(update_fields=list(data))
    if questions is not None:
        _save_questions(survey, questions)
    return survey


def survey_pause(*, survey: Survey, now: datetime.datetime | None = None) -> bool:
    """Stops new rounds and reminders of ``survey`` (sets ``paused_at`` to
    ``now``). Idempotent: True when this call paused it, False when it was paused already."""
    return bool(
        Survey.objects.filter(pk=survey.pk, paused_at__isnull=True).update(paused_at=now or timezone.now())
    )


def survey_resume(*, survey: Survey, today: datetime.date | None = None) -> bool:
    """Sends ``survey`` again from ``today`` (default: today in the site's
    active zone): clears ``paused_at`` and moves ``opened_on`` to today, so
    the rounds that fell due while it was paused are not sent in a burst.
    Idempotent: True when this call resumed it, False when it was sending already."""
    return bool(
        Survey.objects.filter(pk=survey.pk, paused_at__isnull=False).update(
            paused_at=None, opened_on=today or timezone.localdate()
        )
    )
