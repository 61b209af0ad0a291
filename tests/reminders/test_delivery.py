"""Exactly once: scanning twice records once; two senders of one row send one
email; a batch goes out over one connection in a fixed number of queries; a
failed message retries alone with backoff and ends as "failed"; a dead
worker's claim is taken over, and ends "failed" when its workers keep dying."""

import datetime
import re
import smtplib
import threading
import types
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.models import Partnership
from reminders import tasks
from reminders.models import Kind, Reminder, ReminderOptOut
from reminders.services import limits, scan
from reminders.services.scan import reminders_scan
from reminders.services.send import reminders_send

from .conftest import a_reminder, at, send

NOW = at(2026, 10, 5, 15, 5)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def check_ins(world, keys: range) -> list[Reminder]:
    """Check-in reminders of the world's pair (one per key), for a call still ahead."""
    call = at(2026, 10, 6, 15, 0)
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=call)
    return [
        a_reminder(
            world, kind=Kind.CHECK_IN, object_key=f"day_before-{i}", due_at=call, recipient=world.mentor
        )
        for i in keys
    ]


def enqueued_ids(callbacks) -> list[int]:
    """The reminder ids the captured on-commit callbacks would publish, one task per batch."""
    batches = []
    with mock.patch.object(tasks.send_reminders, "apply_async", lambda args, kwargs: batches.append(*args)):
        for callback in callbacks:
            callback()
    return [reminder_id for batch in batches for reminder_id in batch]


def test_scanning_twice_records_each_reminder_once_and_enqueues_it_once(
    world, django_capture_on_commit_callbacks
):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    with django_capture_on_commit_callbacks() as first:
        reminders_scan(now=NOW)
    with django_capture_on_commit_callbacks() as second:
        reminders_scan(now=NOW + datetime.timedelta(minutes=5))
    assert Reminder.objects.count() == 4  # day before and morning, for each of the pair
    # The day-before reminders, in one task; the morning ones wait for 08:00.
    assert len(first) == 1
    assert set(enqueued_ids(first)) == set(
        Reminder.objects.filter(object_key="day_before").values_list("pk", flat=True)
    )
    assert len(second) == 0
    # The worker sent the day-before ones; the next morning only the morning ones go.
    Reminder.objects.filter(object_key="day_before").update(state=Reminder.State.SENT, sent_at=NOW)
    with django_capture_on_commit_callbacks() as morning:
        reminders_scan(now=at(2026, 10, 6, 7, 1))
    assert Reminder.objects.count() == 4
    assert set(enqueued_ids(morning)) == set(
        Reminder.objects.filter(object_key="morning").values_list("pk", flat=True)
    )


def test_the_scan_enqueues_at_most_a_batch_per_task(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(scan, "SEND_BATCH", 2)
    for n in range(5):
        a_reminder(world, object_key=f"k{n}")
    with django_capture_on_commit_callbacks() as enqueued:
        assert reminders_scan(now=NOW)["enqueued"] == 5
    assert len(enqueued) == 3
    assert sorted(enqueued_ids(enqueued)) == sorted(Reminder.objects.values_list("pk", flat=True))


def test_sending_twice_sends_once(world):
    reminder = a_reminder(world)
    assert send(reminder, now=NOW) == "sent"
    assert send(reminder, now=NOW) == "not claimed"
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT and reminder.attempts == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [1, 20])
def test_two_concurrent_sends_of_the_same_rows_send_each_email_once(world, size):
    """Two workers given the same batch at the same moment, each in its own
    PostgreSQL connection: each row is claimed by one of them, one email each."""
    batch = [a_reminder(world, object_key=f"k{n}").pk for n in range(size)]
    start = threading.Barrier(2)
    deliveries = []

    def work():
        try:
            start.wait()
            # At a fixed moment: the clock at 21:00 or later in the recipient's zone postponed every send.
            deliveries.append(reminders_send(reminder_ids=batch, now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for reminder_id in batch:
        assert sorted(d.outcomes[reminder_id] for d in deliveries) == ["not claimed", "sent"]
    assert sorted(email.extra_headers["Message-ID"] for email in mail.outbox) == sorted(
        f"<reminder-{reminder_id}@127.0.0.1>" for reminder_id in batch
    )


def test_a_batch_costs_one_query_per_message_beyond_a_fixed_few(world):
    """Claim, load, opt-outs and what the emails say are read once per batch;
    each message then costs only the UPDATE that records it sent."""
    small, large = check_ins(world, range(2)), check_ins(world, range(2, 8))
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            delivery = reminders_send(reminder_ids=[r.pk for r in batch], now=NOW)
        assert set(delivery.outcomes.values()) == {"sent"}
        counts.append(len(queries))
    assert counts[1] - counts[0] == len(large) - len(small)
    assert counts[0] == 6 + len(small)  # claim, load, opt-outs, agreement, agenda, homework
    assert len(mail.outbox) == len(small) + len(large)


def test_a_batch_goes_over_one_smtp_connection(world, settings, monkeypatch):
    connections = []

    class Server:
        def __init__(self, host, port, **options):
            self.messages = []
            connections.append(self)

        def sendmail(self, from_addr, to_addrs, msg):
            self.messages.append(msg)
            return {}

        def quit(self):
            pass

    monkeypatch.setattr("django.core.mail.backends.smtp.smtplib.SMTP", Server)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "mail.test"},
        }
    }
    batch = check_ins(world, range(5))
    delivery = reminders_send(reminder_ids=[r.pk for r in batch], now=NOW)
    assert set(delivery.outcomes.values()) == {"sent"}
    [server] = connections
    assert len(server.messages) == 5


def test_a_message_refused_for_now_retries_with_growing_delay_then_ends_failed(world, settings, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPDataError(451, b"Try again later")

    monkeypatch.setattr(f"{LOCMEM}.send_messages", refuse)
    reminder = a_reminder(world)
    delays = []
    for _ in range(limits.MAX_ATTEMPTS - 1):
        delivery = reminders_send(reminder_ids=[reminder.pk], now=NOW)
        assert delivery.outcomes == {reminder.pk: "retry"}
        [(delay, ids)] = delivery.retries.items()
        assert ids == [reminder.pk]
        delays.append(delay)
    assert delays == [30, 60, 120, 240]
    assert all(d <= settings.CELERY_MAX_RETRY_DELAY for d in delays)
    assert send(reminder, now=NOW) == "failed"
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert "Try again later" in reminder.last_error
    assert limits.retry_delay(20) == settings.CELERY_MAX_RETRY_DELAY


@pytest.mark.parametrize(("code", "outcome"), [(450, "retry"), (550, "failed")])
def test_a_refused_message_ends_alone_and_the_rest_of_its_batch_is_sent(world, monkeypatch, code, outcome):
    """A 4xx answer is "not now": the message comes back. A 5xx is "never":
    trying again would only be refused again, so it fails at once, for admins."""
    from django.core.mail.backends.locmem import EmailBackend

    deliver = EmailBackend.send_messages

    def refuse_the_mentor(self, messages):
        if messages[0].to == [world.mentor.email]:
            raise smtplib.SMTPRecipientsRefused({world.mentor.email: (code, b"No such mailbox")})
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_mentor)
    batch = [a_reminder(world, object_key=key, recipient=getattr(world, key)) for key in ("admin", "mentor")]
    batch.append(a_reminder(world, object_key="other_admin", recipient=world.other_admin))
    delivery = reminders_send(reminder_ids=[r.pk for r in batch], now=NOW)
    refused = batch[1]
    assert delivery.outcomes == {batch[0].pk: "sent", refused.pk: outcome, batch[2].pk: "sent"}
    assert delivery.retries == ({30: [refused.pk]} if outcome == "retry" else {})
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [world.admin.email, world.other_admin.email]
    )
    refused.refresh_from_db()
    state = Reminder.State.PENDING if outcome == "retry" else Reminder.State.FAILED
    assert refused.state == state and "No such mailbox" in refused.last_error


def test_without_a_mail_server_the_batch_comes_back_without_spending_its_tries(world, monkeypatch):
    """An outage is not the message's fault: ten failed connections later the
    reminder still has all its tries, waiting longer each time; past the
    retry horizon (two days after its time) it fails."""

    def unreachable(self):
        raise ConnectionRefusedError("no server on port 25")

    monkeypatch.setattr(f"{LOCMEM}.open", unreachable)
    due = NOW - datetime.timedelta(minutes=1)
    batch = [a_reminder(world, object_key=f"k{n}", send_at=due) for n in range(3)]
    delays = []
    for minutes in (1, 2, 5, 10, 30, 60, 120, 240, 1440, 1500):  # never in quiet hours
        delivery = reminders_send(
            reminder_ids=[r.pk for r in batch], now=due + datetime.timedelta(minutes=minutes)
        )
        assert set(delivery.outcomes.values()) == {"retry"}
        [(delay, ids)] = delivery.retries.items()
        assert ids == [r.pk for r in batch]
        delays.append(delay)
    assert delays == sorted(delays) and delays[0] == 60 and delays[-1] == 600
    assert set(Reminder.objects.values_list("state", "attempts")) == {(Reminder.State.PENDING, 0)}
    delivery = reminders_send(
        reminder_ids=[r.pk for r in batch], now=due + datetime.timedelta(days=2, minutes=1)
    )
    assert set(delivery.outcomes.values()) == {"failed"}
    assert "no server on port 25" in Reminder.objects.first().last_error


def test_a_batch_out_of_time_hands_what_it_has_not_tried_to_a_new_task(world, monkeypatch):
    monkeypatch.setattr("reminders.services.send.send_budget", lambda: -1)
    batch = [a_reminder(world, object_key=f"k{n}") for n in range(3)]
    delivery = reminders_send(reminder_ids=[r.pk for r in batch], now=NOW)
    assert set(delivery.outcomes.values()) == {"handed on"}
    assert delivery.retries == {0: [r.pk for r in batch]}
    assert mail.outbox == []
    assert set(Reminder.objects.values_list("state", "attempts")) == {(Reminder.State.PENDING, 0)}


def test_the_task_sends_its_batch_and_enqueues_only_the_failed_ids_again(world, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    deliver = EmailBackend.send_messages

    def refuse_the_mentor(self, messages):
        if messages[0].to == [world.mentor.email]:
            raise smtplib.SMTPDataError(451, b"Try again later")
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_mentor)
    published = []
    monkeypatch.setattr(
        tasks.send_reminders, "apply_async", lambda args, countdown: published.append((args, countdown))
    )
    # The task reads the clock: at a fixed moment, as in quiet hours every send waits for 08:00.
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    sent, refused = a_reminder(world), a_reminder(world, object_key="nudge", recipient=world.mentor)
    assert tasks.send_reminders([sent.pk, refused.pk]) == {"sent": 1, "retry": 1}
    assert published == [(([refused.pk],), 30)]


def test_a_dead_workers_claim_is_taken_over_after_the_lease_and_not_before(world, settings):
    settings.REMINDER_CLAIM_LEASE = 60
    reminder = a_reminder(world, state=Reminder.State.SENDING, claimed_at=NOW, attempts=1)
    assert send(reminder, now=NOW + datetime.timedelta(seconds=30)) == "not claimed"
    assert send(reminder, now=NOW + datetime.timedelta(seconds=61)) == "sent"
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
        attempts=1,
    )
    fresh = a_reminder(world, object_key="third", enqueued_at=NOW - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as enqueued:
        assert reminders_scan(now=NOW)["enqueued"] == 2
    assert sorted(enqueued_ids(enqueued)) == sorted([lost.pk, stale.pk])
    assert {lost.pk, stale.pk} == set(Reminder.objects.filter(enqueued_at=NOW).values_list("pk", flat=True))
    assert fresh.pk not in Reminder.objects.filter(enqueued_at=NOW).values_list("pk", flat=True)


def test_a_row_whose_workers_keep_dying_ends_failed_after_the_last_try(
    world, settings, django_capture_on_commit_callbacks
):
    """Each claim counts as a try: a reminder whose sending kills its worker
    (or whose workers keep being stopped) is not handed out for ever."""
    settings.REMINDER_CLAIM_LEASE = 60
    later = NOW + datetime.timedelta(minutes=5)
    reminder = a_reminder(
        world, state=Reminder.State.SENDING, claimed_at=NOW, attempts=limits.MAX_ATTEMPTS - 1
    )
    with django_capture_on_commit_callbacks() as enqueued:
        reminders_scan(now=later)
    assert enqueued_ids(enqueued) == [reminder.pk]
    # Its last try: a worker claims it, and dies too.
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=later, attempts=F("attempts") + 1)
    assert send(reminder, now=later + datetime.timedelta(minutes=5)) == "not claimed"
    with django_capture_on_commit_callbacks() as enqueued:
        assert reminders_scan(now=later + datetime.timedelta(minutes=5))["enqueued"] == 0
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED and reminder.claimed_at is None
    assert "Claimed 5 times" in reminder.last_error
    assert mail.outbox == []


def test_a_reminder_for_a_call_that_moved_is_cancelled_not_sent(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 8, 15, 0))
    reminder = a_reminder(
        world,
        kind=Kind.CHECK_IN,
        object_key="day_before",
        due_at=at(2026, 10, 6, 15, 0),
        recipient=world.mentor,
    )
    assert send(reminder, now=NOW) == "cancelled"
    assert mail.outbox == []


def test_opting_out_after_the_decision_cancels_the_send(world):
    reminder = a_reminder(world)
    ReminderOptOut.objects.create(user=world.admin, kind=Kind.STALL)
    assert send(reminder, now=NOW) == "cancelled"
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
    send(reminder, now=NOW)
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
    monkeypatch.setattr(scan, "connection", types.SimpleNamespace(vendor="sqlite"))
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    with django_capture_on_commit_callbacks() as first:
        reminders_scan(now=NOW)
    with django_capture_on_commit_callbacks() as second:
        reminders_scan(now=NOW + datetime.timedelta(minutes=5))
    assert Reminder.objects.count() == 4
    assert len(enqueued_ids(first)) == 2
    assert len(second) == 0
