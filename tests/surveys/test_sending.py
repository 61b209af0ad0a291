"""Surveys go through the reminder ledger: each round once to each person of
its audience, at 10:00 on their own clock, opt-out and quiet hours respected,
and one reminder to those who have not answered."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from partnerships.models import Partnership
from programs.models.questions import Audience
from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.rules import surveys as rule
from reminders.services.scan import reminders_scan
from surveys.models import Survey, SurveyKind, SurveyResponse
from tests.factories import PartnershipFactory
from tests.reminders.conftest import at, rows
from tests.reminders.surveys import a_survey, scan_and_send

pytestmark = pytest.mark.django_db


def emails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_a_pulse_round_goes_once_to_each_person_at_ten_on_their_clock(world):
    survey = a_survey(world)  # started 15 September: round 1 on 15 October
    reminders_scan(now=at(2026, 10, 14, 9, 0))  # 23:00 on the 14th at UTC+14: not yet anywhere
    assert rows(kind=Kind.SURVEY) == []
    reminders_scan(now=at(2026, 10, 14, 12, 0))  # 02:00 on the 15th in UTC+14: decided, waiting
    decided = rows(kind=Kind.SURVEY)
    assert [(r.object_key, r.due_at, r.send_at) for r in decided] == [
        (f"survey-{survey.pk}-1", at(2026, 10, 15), at(2026, 10, 15, 9, 0)),  # 10:00 BST
        (f"survey-{survey.pk}-1", at(2026, 10, 15), at(2026, 10, 15, 9, 0)),
    ]
    for now in (at(2026, 10, 15, 9, 0), at(2026, 10, 15, 9, 0), at(2026, 10, 15, 12, 0)):
        scan_and_send(now)  # twice at the same moment, and again later
    assert len(emails_to(world.mentor)) == 1
    assert len(emails_to(world.protege)) == 1
    assert SurveyResponse.objects.filter(survey=survey, round="1").count() == 2
    mentor_response = SurveyResponse.objects.get(respondent=world.mentor)
    assert (mentor_response.role, mentor_response.asked_at) == ("mentor", at(2026, 10, 15, 9, 0))


def test_the_email_names_program_partner_length_privacy_close_date_and_the_signed_link(world):
    survey = a_survey(world)
    scan_and_send(at(2026, 10, 15, 9, 0))
    [message] = emails_to(world.protege)
    response = SurveyResponse.objects.get(respondent=world.protege)
    assert (
        message.subject
        == f"[Mentoring] A short survey from {world.program.name} about your mentoring with Morgan Mentor"
    )
    assert (
        f"{world.program.name} would like to know how your mentoring with Morgan Mentor is going."
        in message.body
    )
    assert "It is 4 questions, about 2 minutes." in message.body
    assert (
        "the program team sees only totals, and only once at least five people have answered" in message.body
    )
    assert "You can answer until Thursday 29 October 2026." in message.body
    assert f"/surveys/{response.pk}/a/" in message.body
    assert "Stop this kind of reminder" in message.body
    [(html, _)] = message.alternatives
    assert f"/surveys/{response.pk}/a/" in html
    assert survey.title  # the survey exists as set


def test_only_the_latest_round_within_a_week_goes_and_none_before_the_survey_opened(world):
    survey = a_survey(world)  # rounds on 15 Oct, 14 Nov, 14 Dec…
    reminders_scan(now=at(2026, 11, 20, 12, 0))  # round 2 six days ago: caught up; round 1 skipped
    assert {r.object_key for r in rows(kind=Kind.SURVEY)} == {f"survey-{survey.pk}-2"}
    Reminder.objects.all().delete()
    reminders_scan(now=at(2026, 11, 22, 12, 0))  # eight days after round 2: too late
    assert rows(kind=Kind.SURVEY) == []
    Survey.objects.filter(pk=survey.pk).update(opened_on=datetime.date(2026, 11, 15))
    reminders_scan(now=at(2026, 11, 16, 12, 0))  # round 2 came before the survey opened
    assert rows(kind=Kind.SURVEY) == []


def test_the_audience_is_respected(world):
    survey = a_survey(world, audience=Audience.PROTEGES)
    reminders_scan(now=at(2026, 10, 15, 12, 0))
    assert [r.recipient for r in rows(kind=Kind.SURVEY)] == [world.protege]
    Survey.objects.filter(pk=survey.pk).update(audience=Audience.MENTORS)
    Reminder.objects.all().delete()
    reminders_scan(now=at(2026, 10, 15, 12, 0))
    assert [r.recipient for r in rows(kind=Kind.SURVEY)] == [world.mentor]


def test_a_paused_survey_sends_nothing_not_even_what_was_already_decided(world):
    survey = a_survey(world)
    reminders_scan(now=at(2026, 10, 15, 8, 0))  # decided for 09:00 UTC
    assert len(rows(kind=Kind.SURVEY)) == 2
    Survey.objects.filter(pk=survey.pk).update(paused_at=at(2026, 10, 15, 8, 30))
    scan_and_send(at(2026, 10, 15, 9, 0))
    assert mail.outbox == []
    assert {r.state for r in rows(kind=Kind.SURVEY)} == {Reminder.State.CANCELLED}
    assert not SurveyResponse.objects.exists()
    Reminder.objects.all().delete()
    reminders_scan(now=at(2026, 10, 16, 12, 0))
    assert rows(kind=Kind.SURVEY) == []


def test_a_person_who_stopped_survey_emails_gets_none(world):
    a_survey(world)
    ReminderOptOut.objects.create(user=world.mentor, kind=Kind.SURVEY)
    scan_and_send(at(2026, 10, 15, 12, 0))
    assert emails_to(world.mentor) == []
    assert len(emails_to(world.protege)) == 1


def test_quiet_hours_hold_a_caught_up_round_until_eight(world):
    a_survey(world)
    User.objects.filter(pk=world.protege.pk).update(time_zone="America/New_York")
    reminders_scan(now=at(2026, 10, 17, 3, 0))  # 23:00 in New York on the 16th
    protege_row = Reminder.objects.get(kind=Kind.SURVEY, recipient=world.protege)
    assert protege_row.send_at == at(2026, 10, 17, 12, 0)  # 08:00 EDT
    scan_and_send(at(2026, 10, 17, 3, 0))
    assert emails_to(world.protege) == []


def test_a_round_across_a_change_of_the_clocks_goes_at_ten_local_once(world):
    # Started 26 September: round 1 on 26 October, the day after BST ended.
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=datetime.date(2026, 9, 26))
    a_survey(world)
    for now in (
        at(2026, 10, 25, 10, 0),
        at(2026, 10, 26, 10, 0),
        at(2026, 10, 26, 10, 0),
        at(2026, 10, 27, 10),
    ):
        scan_and_send(now)
    [row] = Reminder.objects.filter(kind=Kind.SURVEY, recipient=world.protege)
    assert row.send_at == at(2026, 10, 26, 10, 0)  # 10:00 GMT
    assert len(emails_to(world.protege)) == 1


def test_the_earliest_and_latest_zones_each_get_theirs_at_ten_their_time_once(world):
    a_survey(world)  # round 1 on 15 October
    User.objects.filter(pk=world.mentor.pk).update(time_zone="Pacific/Kiritimati")  # UTC+14
    User.objects.filter(pk=world.protege.pk).update(time_zone="Pacific/Pago_Pago")  # UTC−11
    moments = [at(2026, 10, 14, 10, 0) + datetime.timedelta(hours=h) for h in range(0, 48, 3)]
    for now in moments + moments:
        scan_and_send(now)
    mentor_row = Reminder.objects.get(kind=Kind.SURVEY, recipient=world.mentor)
    protege_row = Reminder.objects.get(kind=Kind.SURVEY, recipient=world.protege)
    assert mentor_row.send_at == at(2026, 10, 14, 20, 0)  # 10:00 on the 15th at UTC+14
    assert protege_row.send_at == at(2026, 10, 15, 21, 0)  # 10:00 on the 15th at UTC−11
    assert len(emails_to(world.mentor)) == len(emails_to(world.protege)) == 1


def test_a_closing_survey_goes_once_the_day_after_a_pair_ends(world):
    survey = a_survey(world, kind=SurveyKind.CLOSING)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status=Partnership.Status.ENDED, ended_at=at(2026, 10, 20, 15, 0)
    )
    for now in (at(2026, 10, 20, 16, 0), at(2026, 10, 21, 9, 0), at(2026, 10, 21, 9, 0), at(2026, 10, 22, 9)):
        scan_and_send(now)
    decided = rows(kind=Kind.SURVEY)
    assert {(r.object_key, r.due_at, r.send_at) for r in decided} == {
        (f"survey-{survey.pk}-end", at(2026, 10, 21), at(2026, 10, 21, 9, 0))
    }
    [message] = emails_to(world.protege)
    assert "Your mentoring with Morgan Mentor has come to an end." in message.body
    assert len(emails_to(world.mentor)) == 1


def test_a_closing_survey_skips_pairs_that_ended_long_ago_or_before_it_opened(world):
    survey = a_survey(world, kind=SurveyKind.CLOSING, opened_on=datetime.date(2026, 10, 19))
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status=Partnership.Status.COMPLETED, ended_at=at(2026, 10, 18, 15, 0)
    )
    reminders_scan(now=at(2026, 10, 19, 12, 0))
    assert rows(kind=Kind.SURVEY) == []
    Survey.objects.filter(pk=survey.pk).update(opened_on=datetime.date(2026, 9, 1))
    reminders_scan(now=at(2026, 10, 26, 12, 0))  # eight days on
    assert rows(kind=Kind.SURVEY) == []


def test_a_pulse_first_ask_is_cancelled_when_the_pair_ended_before_it_went(world):
    a_survey(world)
    reminders_scan(now=at(2026, 10, 15, 8, 0))
    Partnership.objects.filter(pk=world.partnership.pk).update(
        status=Partnership.Status.ENDED, ended_at=at(2026, 10, 15, 8, 30)
    )
    scan_and_send(at(2026, 10, 15, 9, 0))
    assert mail.outbox == []


def test_one_reminder_five_days_on_to_who_has_not_answered(world):
    survey = a_survey(world)
    scan_and_send(at(2026, 10, 15, 9, 0))
    SurveyResponse.objects.filter(respondent=world.mentor).update(submitted_at=at(2026, 10, 16, 9, 0))
    mail.outbox.clear()
    for day in range(16, 31):
        for hour in (8, 9, 9, 15):
            scan_and_send(at(2026, 10, day, hour, 0))
    assert emails_to(world.mentor) == []
    [reminder] = emails_to(world.protege)
    assert reminder.subject.startswith("[Mentoring] Reminder: your survey from")
    assert "A reminder: you have not answered" in reminder.body
    again = Reminder.objects.get(object_key=f"survey-{survey.pk}-1-again")
    assert (again.recipient, again.send_at, again.due_at) == (
        world.protege,
        at(2026, 10, 20, 9, 0),
        at(2026, 10, 20),
    )


def test_no_reminder_once_answered_or_paused(world):
    survey = a_survey(world)
    scan_and_send(at(2026, 10, 15, 9, 0))
    reminders_scan(now=at(2026, 10, 20, 8, 0))  # both reminders decided for 09:00
    SurveyResponse.objects.filter(respondent=world.mentor).update(submitted_at=at(2026, 10, 20, 8, 30))
    mail.outbox.clear()
    scan_and_send(at(2026, 10, 20, 9, 0))
    assert emails_to(world.mentor) == []
    assert len(emails_to(world.protege)) == 1
    Survey.objects.filter(pk=survey.pk).update(paused_at=at(2026, 10, 21))
    SurveyResponse.objects.all().update(asked_at=at(2026, 10, 16, 9, 0))
    Reminder.objects.filter(object_key__endswith="-again").delete()
    mail.outbox.clear()
    scan_and_send(at(2026, 10, 21, 12, 0))
    assert mail.outbox == []


def test_the_rule_reads_in_one_query_per_kind_of_round_whatever_the_number_of_pairs(world):
    a_survey(world)
    a_survey(world, kind=SurveyKind.CLOSING)
    now = at(2026, 10, 15, 12, 0)
    with CaptureQueriesContext(connection) as few:
        list(rule.survey(now))
    PartnershipFactory.create_batch(5, program=world.program)
    with CaptureQueriesContext(connection) as more:
        decided = list(rule.survey(now))
    assert len(few) == len(more) == 2
    assert len(decided) == 12


def test_the_round_key_reads_back():
    assert rule.parse_round_key(rule.round_key(12, "3")) == (12, "3", False)
    assert rule.parse_round_key(rule.round_key(12, "end", again=True)) == (12, "end", True)
    assert rule.parse_round_key("homework-1-ahead") is None
    assert rule.parse_round_key("survey-x-1") is None
