"""Exactly once: scanning twice records once; two senders of one row send one
email; failures retry with backoff and end as "failed"; a dead worker's claim
is taken over."""

import datetime
import re
import threading
import types

import pytest
from django.core import mail
from django.db import connection

from partnerships.models import Partnership
from reminders import services
from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.services import reminder_send, reminders_scan

from .conftest import at

NOW = at(2026, 10, 5, 15, 5)


def a_reminder(world, **fields) -> Reminder:
    values = {
        "kind": Kind.STALL,
        "partnership": world.partnership,
        "object_key": "stall",
        "due_at": at(2026, 10, 1),
        "recipient": world.admin,
        "send_at": at(2026, 10, 1),
    } | fields
    return Reminder.objects.create(**values)


def test_scanning_twice_records_each_reminder_once_and_enqueues_it_once(
    world, django_capture_on_commit_callbacks
):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    with django_capture_on_commit_callbacks() as first:
        reminders_scan(now=NOW)
    with django_capture_on_commit_callbacks() as second:
        reminders_scan(now=NOW + datetime.timedelta(minutes=5))
    assert Reminder.objects.count() == 4  # day before and morning, for each of the pair
    assert len(first) == 2  # the day-before reminders; the morning ones wait for 08:00
    assert len(second) == 0
    # The worker sent the day-before ones; the next morning only the morning ones go.
    Reminder.objects.filter(object_key="day_before").update(state=Reminder.State.SENT, sent_at=NOW)
    with django_capture_on_commit_callbacks() as morning:
        reminders_scan(now=at(2026, 10, 6, 7, 1))
    assert Reminder.objects.count() == 4
    assert len(morning) == 2


def test_sending_twice_sends_once(world):
    reminder = a_reminder(world)
    assert reminder_send(reminder_id=reminder.pk, now=NOW) == "sent"
    assert reminder_send(reminder_id=reminder.pk, now=NOW) == "not claimed"
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT and reminder.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_of_one_row_send_one_email(world):
    """Two workers given the same row at the same moment, each in its own
    PostgreSQL connection and transaction: one claims it, one email goes."""
    reminder = a_reminder(world)
    start = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            start.wait()
            outcomes.append(reminder_send(reminder_id=reminder.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not claimed", "sent"]
    assert len(mail.outbox) == 1


def test_a_failed_send_retries_with_growing_delay_then_ends_failed(world, settings, monkeypatch):
    def refuse(self, messages):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    reminder = a_reminder(world)
    delays = []
    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(services.RetryLater) as retry:
            reminder_send(reminder_id=reminder.pk, now=NOW)
        delays.append(retry.value.delay)
    assert delays == [30, 60, 120, 240]
    assert all(d <= settings.CELERY_MAX_RETRY_DELAY for d in delays)
    assert reminder_send(reminder_id=reminder.pk, now=NOW) == "failed"
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert "connection refused" in reminder.last_error
    assert services.retry_delay(20) == settings.CELERY_MAX_RETRY_DELAY


def test_a_dead_workers_claim_is_taken_over_after_the_lease_and_not_before(world, settings):
    settings.REMINDER_CLAIM_LEASE = 60
    reminder = a_reminder(world, state=Reminder.State.SENDING, claimed_at=NOW, attempts=1)
    assert reminder_send(reminder_id=reminder.pk, now=NOW + datetime.timedelta(seconds=30)) == "not claimed"
    assert reminder_send(reminder_id=reminder.pk, now=NOW + datetime.timedelta(seconds=61)) == "sent"
    assert len(mail.outbox) == 1


def test_the_scan_re_enqueues_a_lost_message_and_a_stale_claim(
    world, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_CLAIM_LEASE = 60
    lost = a_reminder(world, enqueued_at=NOW - datetime.timedelta(hours=1))
    stale = a_reminder(
        world,
        object_key="other",
        state=Reminder.State.SENDING,
        claimed_at=NOW - datetime.timedelta(minutes=5),
    )
    fresh = a_reminder(world, object_key="third", enqueued_at=NOW - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as enqueued:
        assert reminders_scan(now=NOW)["enqueued"] == 2
    assert len(enqueued) == 2
    assert {lost.pk, stale.pk} == set(Reminder.objects.filter(enqueued_at=NOW).values_list("pk", flat=True))
    assert fresh.pk not in Reminder.objects.filter(enqueued_at=NOW).values_list("pk", flat=True)


def test_a_reminder_for_a_call_that_moved_is_cancelled_not_sent(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 8, 15, 0))
    reminder = a_reminder(
        world,
        kind=Kind.CHECK_IN,
        object_key="day_before",
        due_at=at(2026, 10, 6, 15, 0),
        recipient=world.mentor,
    )
    assert reminder_send(reminder_id=reminder.pk, now=NOW) == "cancelled"
    assert mail.outbox == []


def test_opting_out_after_the_decision_cancels_the_send(world):
    reminder = a_reminder(world)
    ReminderOptOut.objects.create(user=world.admin, kind=Kind.STALL)
    assert reminder_send(reminder_id=reminder.pk, now=NOW) == "cancelled"
    assert mail.outbox == []


def test_the_email_has_text_and_html_the_name_the_thing_due_a_link_and_a_stop_link(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    reminder = a_reminder(
        world,
        kind=Kind.CHECK_IN,
        object_key="day_before",
        due_at=at(2026, 10, 6, 15, 0),
        recipient=world.mentor,
    )
    reminder_send(reminder_id=reminder.pk, now=NOW)
    [email] = mail.outbox
    assert email.to == [world.mentor.email]
    assert "Morgan Mentor" in email.body and "Sam Protégé" in email.body
    assert "Tuesday 6 October 2026, 16:00" in email.body  # the mentor's London time
    assert f"/partnerships/{world.partnership.pk}/" in email.body
    assert re.search(r"/me/notifications/stop/\S+/", email.body)
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "Sam Protégé" in html
    assert email.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@127.0.0.1>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_portable_ledger_path_of_make_run_also_records_once_and_enqueues_once(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # `make run` on its embedded SQLite cannot use PostgreSQL's unnest(); the
    # portable path must keep the same promise.
    monkeypatch.setattr(services, "connection", types.SimpleNamespace(vendor="sqlite"))
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    with django_capture_on_commit_callbacks() as first:
        reminders_scan(now=NOW)
    with django_capture_on_commit_callbacks() as second:
        reminders_scan(now=NOW + datetime.timedelta(minutes=5))
    assert Reminder.objects.count() == 4
    assert len(first) == 2
    assert len(second) == 0
