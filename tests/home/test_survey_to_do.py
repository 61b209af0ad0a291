"""A program survey asked of a person waits on their home's to-do list (and the
partnership's home) until they answer it or its round closes: someone who
missed the email still finds it, and the kept page shows it as soon as it is asked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from surveys.models import ANSWER_DAYS, Survey, SurveyQuestion, SurveyResponse

from .test_to_do import started, to_do_items

pytestmark = pytest.mark.django_db

ASKS = "asks how your partnership is going"


def ask(world, person, role, *, days_ago: float = 1, round_key: str = "1") -> SurveyResponse:
    survey, _ = Survey.objects.get_or_create(
        program=world.program, title="Monthly pulse", defaults={"kind": "pulse", "first_after_days": 30}
    )
    SurveyQuestion.objects.get_or_create(survey=survey, kind="scale", text="Our calls are worth it")
    return SurveyResponse.objects.create(
        survey=survey,
        partnership=world.partnership,
        respondent=person,
        role=role,
        round=round_key,
        asked_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def survey_items(client) -> list[str]:
    page = client.get(reverse("home:home")).text
    return [item for item in to_do_items(page) if ASKS in item] if "to-do-list" in page else []


def test_an_asked_round_waits_for_its_respondent_alone_until_answered(client, world):
    started(world.partnership, 40)
    client.force_login(world.protege)
    assert survey_items(client) == []  # and the page is now kept

    asked = ask(world, world.protege, "protege")

    items = survey_items(client)
    assert len(items) == 1 and "Answer the survey" in items[0]
    page = client.get(reverse("home:home")).text
    assert reverse("surveys:answer", args=[asked.pk]) in page
    pair_page = client.get(reverse("home:partnership", args=[world.partnership.pk])).text
    assert reverse("surveys:answer", args=[asked.pk]) in pair_page
    client.force_login(world.mentor)
    assert survey_items(client) == []  # the protégé's round is not the mentor's

    SurveyResponse.objects.filter(pk=asked.pk).update(submitted_at=timezone.now())
    client.force_login(world.protege)
    assert survey_items(client) == []


def test_a_closed_round_is_not_offered(client, world):
    started(world.partnership, 40)
    ask(world, world.mentor, "mentor", days_ago=ANSWER_DAYS + 0.1)
    client.force_login(world.mentor)
    assert survey_items(client) == []


def test_the_closing_survey_waits_after_the_partnership_ended(client, world):
    started(world.partnership, 40)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status=Partnership.Status.COMPLETED, ended_at=timezone.now()
    )
    asked = ask(world, world.mentor, "mentor", round_key="end")
    client.force_login(world.mentor)
    items = survey_items(client)
    assert len(items) == 1
    assert reverse("surveys:answer", args=[asked.pk]) in client.get(reverse("home:home")).text
