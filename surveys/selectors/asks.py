"""Reads of the surveys people are asked: the signed answer link of the email,
the answer page of one response, and what a batch of survey emails needs."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User

from ..models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

# The signed link in a survey email: its own salt, so no other signed value of
# the site (a stop link, a pick link) opens a survey.
ANSWER_SALT = "surveys.answer-link"
# About how long one question takes to answer, for the email's "about N minutes".
SECONDS_PER_QUESTION = 30


def answer_token(response: SurveyResponse) -> str:
    """The token of the signed link that opens ``response`` for its respondent."""
    return signing.dumps({"r": response.pk, "u": response.respondent_id}, salt=ANSWER_SALT)


def _with_page_relations():
    return SurveyResponse.objects.select_related(
        "respondent",
        "survey__program",
        "partnership__mentor__user",
        "partnership__protege__user",
    )


def answer_link_read(token: str, response_id: int) -> SurveyResponse | None:
    """The response a signed link opens, loaded as the answer page needs it;
    None when the token is forged or damaged, names another response than the
    address does, or its respondent is no longer active. One query."""
    try:
        payload = signing.loads(token, salt=ANSWER_SALT)
        named, respondent = int(payload["r"]), int(payload["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if named != response_id:
        return None
    return (
        _with_page_relations()
        .filter(pk=response_id, respondent_id=respondent, respondent__is_active=True)
        .first()
    )


def get_response_for(user: User, response_id: int) -> SurveyResponse:
    """The response ``response_id`` when ``user`` is its respondent, loaded as
    the answer page needs it; Http404 for anyone else. One query."""
    response = _with_page_relations().filter(pk=response_id, respondent=user).first()
    if response is None:
        raise Http404("No such survey.")
    return response


@dataclass(frozen=True)
class AnswerPage:
    """What the answer page shows: the response (with its survey, program and
    pair), the partner's name, the questions in order, and the answers given
    (by question id; empty until submitted)."""

    response: SurveyResponse
    partner: str
    questions: list[SurveyQuestion]
    answers: dict[int, SurveyAnswer]


def answer_page(response: SurveyResponse) -> AnswerPage:
    """The page of ``response`` (loaded by ``get_response_for`` or
    ``answer_link_read``): two queries whatever the number of questions, one
    more once it is answered."""
    partnership = response.partnership
    mentor, protege = partnership.mentor.user, partnership.protege.user
    partner = protege if response.respondent_id == mentor.pk else mentor
    questions = list(SurveyQuestion.objects.filter(survey_id=response.survey_id).order_by("position", "pk"))
    answers = {}
    if response.submitted_at is not None:
        answers = {answer.question_id: answer for answer in SurveyAnswer.objects.filter(response=response)}
    return AnswerPage(response=response, partner=partner.name, questions=questions, answers=answers)


@dataclass(frozen=True)
class SurveyFacts:
    """What a survey email needs of its survey: whether it is a pulse, paused,
    and how many questions it asks."""

    pk: int
    is_pulse: bool
    paused: bool
    questions: int

    @property
    def minutes(self) -> int:
        """About how long it takes, in whole minutes (at least one)."""
        return max(1, round(self.questions * SECONDS_PER_QUESTION / 60))


def survey_facts(survey_ids: Iterable[int]) -> dict[int, SurveyFacts]:
    """``SurveyFacts`` of these surveys (those that still exist), by id. One query."""
    counted = (
        SurveyQuestion.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Survey.objects.filter(pk__in=set(survey_ids))
        .annotate(question_count=Coalesce(Subquery(counted), 0))
        .values_list("pk", "kind", "paused_at", "question_count")
    )
    return {
        pk: SurveyFacts(pk=pk, is_pulse=kind == "pulse", paused=paused_at is not None, questions=count)
        for pk, kind, paused_at, count in rows
    }


#: A person asked a round: (survey id, partnership id, respondent id, round).
type AskKey = tuple[int, int, int, str]


def responses_of(keys: Iterable[AskKey]) -> dict[AskKey, SurveyResponse]:
    """The responses of these asks that exist, by their key. One query."""
    keys = set(keys)
    if not keys:
        return {}
    wanted = Q()
    for survey_id, partnership_id, respondent_id, round_name in keys:
        wanted |= Q(
            survey_id=survey_id, partnership_id=partnership_id, respondent_id=respondent_id, round=round_name
        )
    return {
        (r.survey_id, r.partnership_id, r.respondent_id, r.round): r
        for r in SurveyResponse.objects.filter(wanted).only(
            "pk", "survey_id", "partnership_id", "respondent_id", "round", "asked_at", "submitted_at"
        )
    }


def closes_on(response: SurveyResponse, tz) -> datetime.date:
    """The day the round closes for the respondent, on the calendar of ``tz``."""
    return response.closes_at.astimezone(tz).date()
