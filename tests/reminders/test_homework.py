"""Homework reminders: to the protégé two days before an item is due and once
when it becomes overdue, in their own zone, never in their quiet hours; none
for an item done (and one decided before it was done is cancelled)."""

import datetime
import re

import pytest
from django.core import mail

from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.services.scan import reminders_scan
from sessions_log.models import Homework, Session
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

from .conftest import at, rows, send

DUE = datetime.date(2026, 10, 8)  # a Thursday; London is on BST (UTC+1)


@pytest.fixture
def item(world) -> Homework:
    """Set at a call on 1 October, due on Thursday 8 October."""
    session = SessionFactory(partnership=world.partnership, starts_at=at(2026, 10, 1, 16, 0))
    homework = HomeworkFactory(session=session, description="Read chapter 3 of Getting to Yes", due_on=DUE)
    Homework.objects.filter(pk=homework.pk).update(created_at=at(2026, 10, 1, 17, 0))
    return homework


def test_two_days_before_it_is_due_the_protege_is_reminded_at_eight_local(world, item):
    reminders_scan(now=at(2026, 10, 5, 22, 30))  # 23:30 BST on Monday the 5th: three days ahead
    assert rows(kind=Kind.HOMEWORK) == []
    reminders_scan(now=at(2026, 10, 5, 23, 30))  # 00:30 BST on Tuesday the 6th: quiet hours
    [reminder] = rows(kind=Kind.HOMEWORK)
    assert reminder.recipient == world.protege
    assert reminder.object_key == f"homework-{item.pk}-ahead"
    assert reminder.due_at == at(2026, 10, 8)
    assert reminder.send_at == at(2026, 10, 6, 7, 0)  # 08:00 BST, not 00:30


def test_an_open_item_past_its_day_is_reminded_once_as_overdue(world, item):
    reminders_scan(now=at(2026, 10, 8, 22, 30))  # 23:30 BST on the 8th: due today, not overdue
    assert rows(kind=Kind.HOMEWORK, object_key__endswith="overdue") == []
    reminders_scan(now=at(2026, 10, 9, 11, 0))
    reminders_scan(now=at(2026, 10, 9, 11, 5))
    [overdue] = rows(kind=Kind.HOMEWORK, object_key__endswith="overdue")
    assert overdue.recipient == world.protege
    assert overdue.send_at == at(2026, 10, 9, 11, 0)
    assert overdue.due_at == at(2026, 10, 8)


def test_the_overdue_reminder_waits_for_the_morning_in_the_proteges_zone(world, item):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    reminders_scan(now=at(2026, 10, 9, 2, 0))  # 22:00 EDT on the 8th: still due today there
    assert rows(kind=Kind.HOMEWORK, object_key__endswith="overdue") == []
    reminders_scan(now=at(2026, 10, 9, 5, 0))  # 01:00 EDT on the 9th: overdue, but night
    [overdue] = rows(kind=Kind.HOMEWORK, object_key__endswith="overdue")
    assert overdue.send_at == at(2026, 10, 9, 12, 0)  # 08:00 EDT


def test_an_item_set_less_than_two_days_before_it_is_due_gets_no_ahead_reminder(world, item):
    Homework.objects.filter(pk=item.pk).update(created_at=at(2026, 10, 7, 9, 0))
    reminders_scan(now=at(2026, 10, 7, 12, 0))
    assert rows(kind=Kind.HOMEWORK) == []


def test_a_protege_who_stopped_homework_reminders_gets_none(world, item):
    ReminderOptOut.objects.create(user=world.protege, kind=Kind.HOMEWORK)
    reminders_scan(now=at(2026, 10, 6, 12, 0))
    reminders_scan(now=at(2026, 10, 9, 12, 0))
    assert rows(kind=Kind.HOMEWORK) == []


def test_a_done_item_is_not_reminded(world, item):
    Homework.objects.filter(pk=item.pk).update(status=Homework.Status.DONE, done_at=at(2026, 10, 2))
    reminders_scan(now=at(2026, 10, 6, 12, 0))
    reminders_scan(now=at(2026, 10, 9, 12, 0))
    assert rows(kind=Kind.HOMEWORK) == []


def test_homework_of_a_draft_log_is_not_reminded(world, item):
    Session.objects.filter(pk=item.session_id).update(is_draft=True)
    reminders_scan(now=at(2026, 10, 6, 12, 0))
    assert rows(kind=Kind.HOMEWORK) == []


def test_a_reminder_decided_before_the_item_was_done_is_cancelled_when_it_is_sent(world, item):
    reminders_scan(now=at(2026, 10, 6, 12, 0))
    [reminder] = rows(kind=Kind.HOMEWORK)
    Homework.objects.filter(pk=item.pk).update(status=Homework.Status.DONE, done_at=at(2026, 10, 6, 12, 30))
    assert send(reminder, now=at(2026, 10, 6, 13, 0)) == "cancelled"
    assert mail.outbox == []
    assert Reminder.objects.get(pk=reminder.pk).state == Reminder.State.CANCELLED


def test_a_reminder_for_a_due_date_since_moved_is_cancelled(world, item):
    reminders_scan(now=at(2026, 10, 6, 12, 0))
    [reminder] = rows(kind=Kind.HOMEWORK)
    Homework.objects.filter(pk=item.pk).update(due_on=datetime.date(2026, 10, 15))
    assert send(reminder, now=at(2026, 10, 6, 13, 0)) == "cancelled"


@pytest.mark.parametrize(
    ("now", "words"),
    [(at(2026, 10, 6, 12, 0), "is due on Thursday 8 October 2026"),
     (at(2026, 10, 9, 12, 0), "was due on Thursday 8 October 2026 and is still open")],
)  # fmt: skip
def test_the_email_names_the_item_and_its_due_date_and_links_to_the_homework_page(
    client, world, item, now, words
):
    reminders_scan(now=now)
    [reminder] = rows(kind=Kind.HOMEWORK)
    assert send(reminder, now=now) == "sent"
    [email] = mail.outbox
    assert "“Read chapter 3 of Getting to Yes”" in email.body and words in email.body
    assert "Read chapter 3 of Getting to Yes" in email.subject
    path = re.search(r"http://127\.0\.0\.1:8000(/\S+)", email.body).group(1)
    assert path == f"/partnerships/{world.partnership.pk}/homework/"
    for persona in ["admin", "mentor", "protege", "outsider"]:
        client.force_login(getattr(world, persona))
        expected = 200 if persona in {"mentor", "protege"} else 404
        assert client.get(path).status_code == expected, persona


def test_the_check_in_email_lists_the_agenda_so_far_and_the_homework_due_by_the_call(world, item):
    from partnerships.models import Partnership
    from tests.sessions_log.factories import AgendaItemFactory

    AgendaItemFactory(partnership=world.partnership, text="How to say no to my manager")
    AgendaItemFactory(partnership=world.partnership, text="Someday: a career change", someday=True)
    HomeworkFactory(session=item.session, description="Later reading", due_on=datetime.date(2026, 11, 1))
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 8, 16, 0))
    reminders_scan(now=at(2026, 10, 7, 16, 30))
    reminder = Reminder.objects.get(kind=Kind.CHECK_IN, object_key="day_before", recipient=world.protege)
    assert send(reminder, now=at(2026, 10, 7, 16, 31)) == "sent"
    [email] = mail.outbox
    assert "The agenda so far: How to say no to my manager." in email.body
    assert "career change" not in email.body
    assert (
        "Homework due by the call: “Read chapter 3 of Getting to Yes” (due Thursday 8 October)." in email.body
    )
    assert "Later reading" not in email.body
