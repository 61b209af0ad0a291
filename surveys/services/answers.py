"""Writes of asking and answering: the response made when a round's first
email goes, and the answers, saved once."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import ANSWER_DAYS, QuestionKind, SurveyAnswer, SurveyQuestion, SurveyResponse


@dataclass(frozen=True)
class Ask:
    """One person asked one round of a survey about one partnership, as
    ``SurveyResponse`` records it."""

    survey_id: int
    partnership_id: int
    respondent_id: int
    round: str
    role: str


def survey_responses_ask(*, asks: Iterable[Ask], now: datetime.datetime) -> None:
    """Makes the response (asked at ``now``, unanswered) of each of these asks
    that has none yet: one INSERT that skips those that exist
    (survey_response_once_per_round), so a batch sent twice asks once and the
    first ``asked_at`` stands. The caller names surveys that exist. Called by
    the reminders app when it sends a round's first email."""
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey_id=ask.survey_id,
                partnership_id=ask.partnership_id,
                respondent_id=ask.respondent_id,
                round=ask.round,
                role=ask.role,
                asked_at=now,
            )
            for ask in asks
        ],
        ignore_conflicts=True,
    )


#: One answer as the answer form cleans it: a number (scale 1–5, NPS 0–10),
#: a choice offered, or text (at most 1,000 characters); None or "" when skipped.
type Answer = int | str | None


def _answer_of(question: SurveyQuestion, value: Answer, response: SurveyResponse) -> SurveyAnswer | None:
    if value is None or value == "":
        return None
    answer = SurveyAnswer(response=response, question=question)
    if question.kind in (QuestionKind.SCALE, QuestionKind.NPS):
        answer.number = int(value)
    elif question.kind == QuestionKind.CHOICE:
        answer.choice = str(value)
    else:
        answer.text = str(value)
    return answer


def survey_answer(
    *,
    response: SurveyResponse,
    by,
    answers: Mapping[int, Answer],
    shared: bool,
    questions: Iterable[SurveyQuestion],
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    """Saves ``by``'s answers to ``response`` (by question id, as the answer
    form cleans them) and whether they share their written answers, once: in
    one transaction, the conditional UPDATE of ``submitted_at`` (still NULL,
    the round still open) comes first, so a second submission or a race saves
    nothing more. ``questions`` are the survey's. Raises ValidationError with
    code ``"answered"`` or ``"closed"`` (or ``"not_yours"`` for anyone but the
    respondent); returns the response, submitted."""
    now = now or timezone.now()
    if by.pk != response.respondent_id:
        raise ValidationError(gettext("Only the person asked can answer this survey."), code="not_yours")
    with transaction.atomic():
        taken = SurveyResponse.objects.filter(
            pk=response.pk,
            respondent_id=by.pk,
            submitted_at__isnull=True,
            asked_at__gt=now - datetime.timedelta(days=ANSWER_DAYS),
        ).update(submitted_at=now, shared=shared)
        if taken != 1:
            current = (
                SurveyResponse.objects.filter(pk=response.pk).values_list("submitted_at", flat=True).first()
            )
            if current is not None:
                raise ValidationError(gettext("You have answered this survey already."), code="answered")
            raise ValidationError(gettext("This survey has closed."), code="closed")
        rows = [_answer_of(question, answers.get(question.pk), response) for question in questions]
        SurveyAnswer.objects.bulk_create([row for row in rows if row is not None])
    response.submitted_at, response.shared = now, shared
    return response
