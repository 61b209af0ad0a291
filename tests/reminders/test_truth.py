"""True when they arrive: what a reminder says and when it lands is checked
again at sending time, on the recipient's clock as it is then. The clock
cases walk London, New York and Adelaide (a half-hour zone) across both
changes of each."""

import datetime
import logging
import signal
import socket
import time
import zoneinfo

import pytest
from django.core import mail
from django.db import connection

from accounts.models import User
from partnerships.models import Partnership
from reminders import rules
from reminders.models import Kind, Reminder
from reminders.services.scan import reminders_scan
from reminders.services.send import reminders_send
from reminders.timing import QUIET_FROM, at_local, outside_quiet_hours
from tests.partnerships.agreement_helpers import agree

from .conftest import a_reminder, at, rows, send

ZONES = ["Europe/London", "America/New_York", "Australia/Adelaide"]
# The day each zone's clocks change in 2026, forward (a 23-hour day) and back (25 hours).
CHANGES = [
    ("Europe/London", datetime.date(2026, 3, 29)),
    ("Europe/London", datetime.date(2026, 10, 25)),
    ("America/New_York", datetime.date(2026, 3, 8)),
    ("America/New_York", datetime.date(2026, 11, 1)),
    ("Australia/Adelaide", datetime.date(2026, 4, 5)),
    ("Australia/Adelaide", datetime.date(2026, 10, 4)),
]


def live_in(zone: str, *people) -> None:
    User.objects.filter(pk__in=[person.pk for person in people]).update(time_zone=zone)


def set_call(world, when: datetime.datetime, zone: str = "Europe/London") -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=when, next_call_time_zone=zone)


# --- inactive accounts ---------------------------------------------------------


def test_no_reminder_is_decided_for_a_deactivated_account(world):
    User.objects.filter(pk=world.protege.pk).update(is_active=False)
    set_call(world, at(2026, 10, 6, 15, 0))
    reminders_scan(now=at(2026, 10, 5, 16, 0))
    assert {r.recipient for r in rows(kind=Kind.CHECK_IN)} == {world.mentor}


def test_an_account_deactivated_after_the_decision_is_not_sent_to(world):
    reminder = a_reminder(world)
    User.objects.filter(pk=world.admin.pk).update(is_active=False)
    assert send(reminder, now=at(2026, 10, 5, 12, 0)) == "cancelled"
    assert mail.outbox == []


# --- quiet hours, at sending time ---------------------------------------------


def test_a_person_who_moved_zone_gets_it_at_eight_on_their_new_clock(world):
    """Decided for 08:00 in London; they moved to New York, where 07:00 UTC
    is 03:00: it waits for 08:00 there, then goes, the try not counted."""
    reminder = a_reminder(world, send_at=at(2026, 10, 5, 7, 0))  # 08:00 BST
    live_in("America/New_York", world.admin)
    assert send(reminder, now=at(2026, 10, 5, 7, 0)) == "postponed"
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.PENDING
    assert reminder.send_at == at(2026, 10, 5, 12, 0)  # 08:00 EDT
    assert (reminder.attempts, reminder.enqueued_at) == (0, None)
    assert mail.outbox == []
    assert send(reminder, now=at(2026, 10, 5, 12, 0)) == "sent"


@pytest.mark.parametrize(("zone", "change"), CHANGES)
def test_a_send_delayed_into_the_quiet_hours_waits_for_the_morning(world, zone, change):
    """Due at 20:55 on the evening before a change of the clocks, and sent
    only after an outage that ended at 21:00: the worker claims it at
    21:00:31 and it waits for 08:00 on the new clock."""
    tz = zoneinfo.ZoneInfo(zone)
    live_in(zone, world.admin)
    evening = change - datetime.timedelta(days=1)
    reminder = a_reminder(world, send_at=at_local(evening, datetime.time(20, 55), tz))
    claimed = at_local(evening, QUIET_FROM, tz) + datetime.timedelta(seconds=31)
    assert send(reminder, now=claimed) == "postponed"
    reminder.refresh_from_db()
    assert reminder.send_at == at_local(change, datetime.time(8), tz)
    assert reminder.send_at.astimezone(tz).time() == datetime.time(8)


@pytest.mark.parametrize(("zone", "change"), CHANGES)
def test_quiet_hours_end_at_eight_local_across_each_change(zone, change):
    tz = zoneinfo.ZoneInfo(zone)
    for hour in (21, 23):
        evening = at_local(change - datetime.timedelta(days=1), datetime.time(hour, 30), tz)
        assert outside_quiet_hours(evening, tz) == at_local(change, datetime.time(8), tz)
    night = at_local(change, datetime.time(4, 30), tz)
    assert outside_quiet_hours(night, tz).astimezone(tz).replace(tzinfo=None) == datetime.datetime.combine(
        change, datetime.time(8)
    )


# --- the day before, on the recipient's clock ------------------------------------


@pytest.mark.parametrize(("zone", "change"), CHANGES)
def test_the_day_before_is_on_the_recipients_clock_across_each_change(world, zone, change):
    """A call at 09:00 on the day the clocks changed: "the day before" is
    09:00 the day before on the same clock, 23 or 25 hours earlier, and the
    morning one is 08:00 on the day."""
    tz = zoneinfo.ZoneInfo(zone)
    live_in(zone, world.mentor, world.protege)
    call = at_local(change, datetime.time(9), tz)
    set_call(world, call, zone)
    reminders_scan(now=call - datetime.timedelta(hours=25, minutes=30))
    got = {(r.recipient, r.object_key): r.send_at for r in rows(kind=Kind.CHECK_IN)}
    day_before = at_local(change - datetime.timedelta(days=1), datetime.time(9), tz)
    assert call - day_before != datetime.timedelta(hours=24)
    assert got == {
        (world.mentor, "day_before"): day_before,
        (world.protege, "day_before"): day_before,
        (world.mentor, "morning"): at_local(change, datetime.time(8), tz),
        (world.protege, "morning"): at_local(change, datetime.time(8), tz),
    }


# --- one check-in per call and day; "tomorrow" only the day before ----------------


def test_a_day_before_reminder_delayed_onto_the_call_day_is_dropped_the_morning_one_says_today(world):
    call = at(2026, 10, 6, 15, 0)  # Tuesday 16:00 BST
    set_call(world, call)
    reminders_scan(now=at(2026, 10, 5, 15, 5))
    day_before = Reminder.objects.get(recipient=world.mentor, object_key="day_before")
    morning = Reminder.objects.get(recipient=world.mentor, object_key="morning")
    # An outage: neither went until Tuesday 09:00 BST.
    tuesday = at(2026, 10, 6, 8, 0)
    delivery = reminders_send(reminder_ids=[day_before.pk, morning.pk], now=tuesday)
    assert delivery.outcomes == {day_before.pk: "cancelled", morning.pk: "sent"}
    [email] = mail.outbox
    assert "today" in email.subject and "tomorrow" not in email.subject + email.body


@pytest.mark.parametrize("zone", ZONES)
def test_a_late_evening_call_gets_one_check_in_on_its_day(world, zone):
    tz = zoneinfo.ZoneInfo(zone)
    live_in(zone, world.mentor, world.protege)
    call = at_local(datetime.date(2026, 10, 14), datetime.time(22, 30), tz)
    set_call(world, call, zone)
    for hours in range(27, 0, -1):  # the scan, hour by hour before the call
        reminders_scan(now=call - datetime.timedelta(hours=hours))
    sent = []
    for reminder in rows(kind=Kind.CHECK_IN):
        send(reminder, now=max(reminder.send_at, call - datetime.timedelta(hours=27)))
        sent.append(reminder)
    per_person_day = {(r.recipient, r.send_at.astimezone(tz).date()) for r in sent}
    assert len(per_person_day) == len(sent) == 2
    assert all("tomorrow" not in email.subject for email in mail.outbox)


# --- a check-in before every expected call ---------------------------------------


def test_a_weekly_pair_without_a_set_time_gets_a_check_in_before_the_expected_call(world):
    agree(world.partnership, cadence="weekly")
    last = at(2026, 10, 5, 10, 0)  # Monday 11:00 BST
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=last, next_call_at=None, next_call_time_zone="Europe/London"
    )
    expected = at(2026, 10, 12, 10, 0)
    assert reminders_scan(now=at(2026, 10, 10, 12, 0))["decided"] == 0  # two days ahead
    reminders_scan(now=at(2026, 10, 11, 9, 0))
    got = rows(kind=Kind.CHECK_IN)
    assert {(r.recipient, r.object_key, r.due_at) for r in got} == {
        (world.mentor, "expected", expected),
        (world.protege, "expected", expected),
    }
    assert {r.send_at for r in got} == {at(2026, 10, 11, 10, 0)}  # Sunday 11:00 BST
    assert reminders_scan(now=at(2026, 10, 11, 9, 30))["decided"] == 0
    mentor_reminder = next(r for r in got if r.recipient == world.mentor)
    assert send(mentor_reminder, now=at(2026, 10, 11, 10, 0)) == "sent"
    [email] = mail.outbox
    assert "expected tomorrow" in email.subject
    # The pair sets a time: the protégé's reminder of the expected call is no longer true.
    set_call(world, at(2026, 10, 13, 17, 0))
    protege_reminder = next(r for r in got if r.recipient == world.protege)
    assert send(protege_reminder, now=at(2026, 10, 11, 10, 0)) == "cancelled"


# --- a stored time beyond Python's range (issue 13) ---------------------------------


def store_far_call(partnership: Partnership) -> None:
    """31/12/9999 23:59 typed in New York: year 10000 in UTC. The database
    refuses it now (a check constraint); dropped here, inside this test's
    transaction, to hold a row written before."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' pending foreign-key checks, first
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'partnerships_partnership'::regclass "
            "AND contype = 'c' AND pg_get_constraintdef(oid) ~ '(next|last)_call_at'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE partnerships_partnership DROP CONSTRAINT "{name}"')
        cursor.execute(
            "UPDATE partnerships_partnership SET next_call_at = "
            "'9999-12-31 23:59'::timestamp AT TIME ZONE 'America/New_York' WHERE id = %s",
            [partnership.pk],
        )


def test_a_call_beyond_the_year_9999_neither_fails_the_scan_nor_the_batch(world, caplog):
    """Every rule reads the bad row safely (none of them fails and is
    skipped), and the batch holding a reminder about it is sent whole."""
    from tests.factories import PartnershipFactory

    agree(world.partnership, cadence="weekly")
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=at(2026, 9, 1))
    store_far_call(world.partnership)
    other = PartnershipFactory(program=world.program)
    Partnership.objects.filter(pk=other.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    reminders_scan(now=at(2026, 10, 5, 16, 0))  # the rules read the bad row: none fails
    assert {r.partnership_id for r in rows(kind=Kind.CHECK_IN)} == {other.pk}
    assert {r.partnership_id for r in rows(kind=Kind.STALL)} == {world.partnership.pk}
    now = at(2026, 10, 5, 16, 0)
    batch = [r.pk for r in rows(send_at__lte=now)]  # the stall flag about the bad pair among them
    assert Reminder.objects.filter(pk__in=batch, partnership=world.partnership).exists()
    delivery = reminders_send(reminder_ids=batch, now=now)
    assert set(delivery.outcomes.values()) == {"sent"}
    assert len(mail.outbox) == len(batch)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_rule_that_fails_is_logged_and_the_others_still_decide(world, monkeypatch, caplog):
    def broken(now):
        raise ValueError("year 10000 is out of range")
        yield

    monkeypatch.setattr(rules, "RULES", [broken, *rules.RULES])
    set_call(world, at(2026, 10, 6, 15, 0))
    reminders_scan(now=at(2026, 10, 5, 16, 0))
    assert len(rows(kind=Kind.CHECK_IN)) == 4
    assert "The reminder rule broken failed" in caplog.text


def test_a_row_that_cannot_be_read_fails_alone_and_its_batch_is_sent(world):
    """Should some other stored time be unreadable (here the reminder's own
    due time), the batch is read row by row and only that row ends failed."""
    good, bad = a_reminder(world, object_key="good"), a_reminder(world, object_key="bad")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reminders_reminder SET due_at = '9999-12-31 23:59'::timestamp AT TIME ZONE 'America/New_York' "
            "WHERE id = %s",
            [bad.pk],
        )
    delivery = reminders_send(reminder_ids=[good.pk, bad.pk], now=at(2026, 10, 5, 12, 0))
    assert delivery.outcomes == {good.pk: "sent", bad.pk: "failed"}
    assert Reminder.objects.filter(pk=bad.pk, state=Reminder.State.FAILED).exists()
    assert len(mail.outbox) == 1


# --- a wedged relay -------------------------------------------------------------


def test_a_relay_that_never_answers_holds_a_batch_for_the_timeout_not_the_task_limit(world, settings):
    """A server that takes the connection and never says a word: with the
    SMTP timeout the batch comes back for a retry within seconds."""
    wedged = socket.socket()
    wedged.bind(("127.0.0.1", 0))
    wedged.listen()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": wedged.getsockname()[1], "timeout": 1},
        }
    }
    reminder = a_reminder(world, send_at=at(2026, 10, 5, 11, 0))

    def waited_too_long(signum, frame):
        raise AssertionError("the batch waited on the relay")

    previous = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(15)
    started = time.monotonic()
    try:
        assert send(reminder, now=at(2026, 10, 5, 12, 0)) == "retry"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        wedged.close()
    assert time.monotonic() - started < 5
