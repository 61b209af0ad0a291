"""Changing a survey that is running (issue 21): new timing starts from the day
it changes, so no round dated before the change goes out; and the survey
form's days, which a pulse needs and a closing survey ignores."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Kind, Reminder
from reminders.services.scan import reminders_scan
from reminders.services.send import reminders_send
from surveys.models import Survey, SurveyKind, SurveyQuestion, SurveyResponse
from surveys.services.setup import survey_update
from tests.reminders.conftest import at
from tests.reminders.surveys import a_survey

pytestmark = pytest.mark.django_db

# The world's pair started on 15 September 2026: with "30 days, then every 30"
# its round 4 is on 13 January 2027.
ROUND_4_DAY = datetime.date(2027, 1, 13)


def scan_and_send(now: datetime.datetime) -> None:
    reminders_scan(now=now)
    due = Reminder.objects.filter(kind=Kind.SURVEY, state=Reminder.State.PENDING, send_at__lte=now)
    if ids := list(due.values_list("pk", flat=True)):
        reminders_send(reminder_ids=ids, now=now)


def survey_keys() -> set[str]:
    """The survey rounds in the ledger (their reminders left out)."""
    keys = Reminder.objects.filter(kind=Kind.SURVEY).values_list("object_key", flat=True)
    return {key for key in keys if not key.endswith("-again")}


def fields_of(survey: Survey, **changes) -> dict:
    names = ("title", "kind", "audience", "first_after_days", "every_days", "intro")
    return {name: getattr(survey, name) for name in names} | changes


def test_new_timing_after_a_round_went_out_sends_no_extra_round_that_day(world):
    survey = a_survey(world)
    scan_and_send(at(2027, 1, 13, 10, 0))  # 10:00 in London (GMT): round 4 goes
    assert survey_keys() == {f"survey-{survey.pk}-4"}
    assert SurveyResponse.objects.filter(survey=survey, round="4").count() == 2

    # "31 days, then every 14": round 7 would be dated 8 January, within the
    # scan's week of catch-up, had the new timing reached back before today.
    survey_update(
        survey=survey, fields=fields_of(survey, first_after_days=31, every_days=14), today=ROUND_4_DAY
    )
    survey.refresh_from_db()
    assert survey.opened_on == ROUND_4_DAY

    for now in (at(2027, 1, 13, 12, 0), at(2027, 1, 13, 20, 0)):
        scan_and_send(now)
    assert survey_keys() == {f"survey-{survey.pk}-4"}
    assert SurveyResponse.objects.filter(survey=survey).count() == 2

    # The new timing runs from today: round 8 is on 22 January (31 + 7 × 14 days).
    reminders_scan(now=at(2027, 1, 22, 12, 0))
    assert survey_keys() == {f"survey-{survey.pk}-4", f"survey-{survey.pk}-8"}


def test_a_change_of_words_or_audience_keeps_the_day_rounds_count_from(world):
    survey = a_survey(world)
    scan_and_send(at(2027, 1, 13, 10, 0))
    survey_update(
        survey=survey, fields=fields_of(survey, title="Renamed", audience="mentors"), today=ROUND_4_DAY
    )
    survey.refresh_from_db()
    assert survey.opened_on == datetime.date(2026, 9, 1)


def test_new_timing_of_a_survey_no_one_was_asked_keeps_its_opening_day(world):
    survey = a_survey(world)
    survey_update(survey=survey, fields=fields_of(survey, first_after_days=10), today=ROUND_4_DAY)
    survey.refresh_from_db()
    assert (survey.first_after_days, survey.opened_on) == (10, datetime.date(2026, 9, 1))


def test_new_timing_through_the_form_starts_from_today(client, world):
    survey = a_survey(world)
    SurveyResponse.objects.create(
        survey=survey, partnership=world.partnership, respondent=world.protege, role="protege", round="1"
    )
    client.force_login(world.admin)
    url = reverse("surveys:survey_edit", args=[world.program.slug, survey.pk])
    page = client.get(url).text
    assert (
        "Changing when it is sent starts the new timing from today; rounds already sent stay as they are."
        in page
    )
    assert client.post(url, fields_of(survey, every_days=60)).status_code == 303
    survey.refresh_from_db()
    assert (survey.every_days, survey.opened_on) == (60, timezone.localdate())


# --- the days on the form ---


def management() -> dict:
    return {
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "12",
        "questions-0-kind": "nps",
        "questions-0-text": "Would you recommend it?",
        "questions-0-required": "on",
    }


def test_the_days_after_the_match_are_not_marked_optional_and_say_a_closing_survey_leaves_them(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("surveys:survey_new", args=[world.program.slug]) + "?start=blank").text
    label = page.split('for="id_first_after_days"', 1)[1].split("</label>", 1)[0]
    assert label == ">Days after the match"
    assert "A closing survey leaves it empty." in page
    assert 'id="id_first_after_days" required' not in page


@pytest.mark.parametrize("days", [{"first_after_days": "30"}, {"first_after_days": "30", "every_days": "3"}])
def test_a_closing_survey_from_the_blank_start_ignores_the_days_filled_in(client, world, days):
    client.force_login(world.admin)
    data = {"title": "At the end", "kind": "closing", "audience": "both", "intro": "", **days, **management()}
    response = client.post(reverse("surveys:survey_new", args=[world.program.slug]) + "?start=blank", data)
    assert response.status_code == 303
    survey = Survey.objects.get()
    assert (survey.kind, survey.first_after_days, survey.every_days) == (SurveyKind.CLOSING, None, None)
    assert SurveyQuestion.objects.filter(survey=survey).count() == 1


def test_a_pulse_still_needs_the_days_after_the_match(client, world):
    client.force_login(world.admin)
    data = {"title": "Pulse", "kind": "pulse", "audience": "both", "first_after_days": "", **management()}
    response = client.post(reverse("surveys:survey_new", args=[world.program.slug]), data)
    assert response.status_code == 200
    assert 'id="id_first_after_days_error"' in response.text
    assert "Give the days after the match for the first round, from 1 to 365." in response.text
    assert not Survey.objects.exists()
