"""Rating prompts: to the protégé when a rating point is due (the goals app's
rule: baseline, a check-in rating a cadence after the last, the end rating on
the planned end), once per point, in their zone and outside quiet hours."""

import datetime

import pytest
from django.core import mail

from goals.models import RatingRound
from partnerships.models import Partnership
from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.services.scan import reminders_scan
from tests.goals.factories import GoalFactory

from .conftest import at, rows, send


@pytest.fixture
def goal(world):
    """An active goal; the program's default cadence is every two weeks."""
    return GoalFactory(partnership=world.partnership)


def rated(world, when: datetime.datetime, point=RatingRound.Point.CHECK_IN) -> RatingRound:
    return RatingRound.objects.create(partnership=world.partnership, point=point, created_at=when)


def test_a_protege_with_goals_and_no_rating_yet_is_prompted_for_the_baseline(world, goal):
    reminders_scan(now=at(2026, 10, 5, 12, 0))
    [prompt] = rows(kind=Kind.RATING)
    assert (prompt.recipient, prompt.object_key) == (world.protege, "baseline")
    assert prompt.due_at == at(2026, 9, 15)  # the partnership's start
    assert prompt.send_at == at(2026, 10, 5, 12, 0)


def test_a_check_in_rating_is_prompted_once_a_cadence_after_the_last_at_eight_local(world, goal):
    rated(world, at(2026, 10, 1, 10, 0), RatingRound.Point.BASELINE)  # due again on 15 October
    reminders_scan(now=at(2026, 10, 14, 22, 30))  # 23:30 BST on the 14th
    assert rows(kind=Kind.RATING) == []
    reminders_scan(now=at(2026, 10, 14, 23, 30))  # 00:30 BST on the 15th
    reminders_scan(now=at(2026, 10, 15, 9, 0))
    [prompt] = rows(kind=Kind.RATING)
    assert (prompt.object_key, prompt.due_at) == ("check_in", at(2026, 10, 15))
    assert prompt.send_at == at(2026, 10, 15, 7, 0)  # 08:00 BST


def test_after_rating_the_next_point_is_prompted_again(world, goal):
    rated(world, at(2026, 10, 1, 10, 0), RatingRound.Point.BASELINE)
    reminders_scan(now=at(2026, 10, 15, 9, 0))
    rated(world, at(2026, 10, 16, 10, 0))
    reminders_scan(now=at(2026, 10, 20, 9, 0))  # next due on the 30th
    assert len(rows(kind=Kind.RATING)) == 1
    reminders_scan(now=at(2026, 10, 30, 9, 0))
    assert sorted(r.due_at for r in rows(kind=Kind.RATING, object_key="check_in")) == [
        at(2026, 10, 15),
        at(2026, 10, 30),
    ]


def test_the_end_rating_is_prompted_on_the_planned_end_even_after_an_unanswered_prompt(world, goal):
    Partnership.objects.filter(pk=world.partnership.pk).update(planned_end_on=datetime.date(2026, 10, 20))
    rated(world, at(2026, 10, 1, 10, 0), RatingRound.Point.BASELINE)
    reminders_scan(now=at(2026, 10, 15, 9, 0))
    reminders_scan(now=at(2026, 10, 20, 9, 0))
    reminders_scan(now=at(2026, 10, 21, 9, 0))
    assert [(r.object_key, r.due_at) for r in rows(kind=Kind.RATING)] == [
        ("check_in", at(2026, 10, 15)),
        ("end", at(2026, 10, 20)),
    ]


def test_no_prompt_without_active_goals_after_the_end_rating_or_for_a_protege_who_stopped_them(world, goal):
    ReminderOptOut.objects.create(user=world.protege, kind=Kind.RATING)
    reminders_scan(now=at(2026, 10, 5, 12, 0))
    assert rows(kind=Kind.RATING) == []
    ReminderOptOut.objects.all().delete()
    rated(world, at(2026, 10, 1, 10, 0), RatingRound.Point.END)
    reminders_scan(now=at(2026, 11, 5, 12, 0))
    assert rows(kind=Kind.RATING) == []


def test_a_pair_without_active_goals_is_not_prompted(world):
    reminders_scan(now=at(2026, 10, 5, 12, 0))
    assert rows(kind=Kind.RATING) == []


def test_a_prompt_answered_before_it_went_is_cancelled_and_one_that_goes_links_to_the_rating_form(
    world, goal
):
    reminders_scan(now=at(2026, 10, 5, 12, 0))
    [prompt] = rows(kind=Kind.RATING)
    assert send(prompt, now=at(2026, 10, 5, 12, 1)) == "sent"
    [email] = mail.outbox
    assert "Your baseline rating is due, from Tuesday 15 September 2026" in email.body
    assert f"/partnerships/{world.partnership.pk}/" in email.body
    Reminder.objects.all().delete()
    mail.outbox.clear()
    reminders_scan(now=at(2026, 10, 5, 12, 0))
    [prompt] = rows(kind=Kind.RATING)
    rated(world, at(2026, 10, 5, 12, 30), RatingRound.Point.BASELINE)
    assert send(prompt, now=at(2026, 10, 5, 13, 0)) == "cancelled"
    assert mail.outbox == []
