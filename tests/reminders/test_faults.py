"""Delivery under faults, with a real worker on the real Redis and PostgreSQL
and an SMTP sink that keeps what it received, as a real server does: nothing
is lost while the server comes back within the retry horizon, and nothing is
sent twice but the one message a worker killed mid-send may leave."""

import datetime
import os
import signal
import time
import zoneinfo
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from reminders.models import Kind, Reminder
from reminders.services import scan
from reminders.timing import at_local

from .workers import (
    Sink,
    SinkServer,
    daytime_zone,
    free_port,
    night_zone,
    private_queue,
    start_worker,
    stop,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def due_reminders(world, count: int) -> list[Reminder]:
    """``count`` reminders due a minute ago, to the program admin, in a zone
    where it is the middle of the day (not their quiet hours)."""
    User.objects.filter(pk=world.admin.pk).update(time_zone=daytime_zone())
    due = timezone.now() - datetime.timedelta(minutes=1)
    return Reminder.objects.bulk_create(
        Reminder(
            kind=Kind.STALL,
            partnership=world.partnership,
            object_key=f"k{n}",
            due_at=due - datetime.timedelta(minutes=n),
            recipient=world.admin,
            send_at=due,
        )
        for n in range(count)
    )


def message_id(reminder: Reminder) -> str:
    return f"<reminder-{reminder.pk}@127.0.0.1>"


def scan_until_settled(seconds: float) -> None:
    """What beat does every few minutes, every second: until no reminder waits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not Reminder.objects.filter(state__in=[Reminder.State.PENDING, Reminder.State.SENDING]).exists():
            return
        scan.reminders_scan()
        time.sleep(1)


def states() -> dict[str, int]:
    return dict(Counter(Reminder.objects.values_list("state", flat=True)))


@pytest.fixture
def sink():
    sink = Sink()
    server = SinkServer(sink)
    server.start()
    try:
        yield sink, server
    finally:
        server.stop()


@pytest.fixture
def fast_leases(settings):
    settings.REMINDER_CLAIM_LEASE = 3
    settings.REMINDER_REQUEUE_AFTER = 3


def test_a_server_unreachable_for_longer_than_all_the_tries_loses_nothing(world, monkeypatch, fast_leases):
    """Down for 15 seconds while beat goes on scanning, with tries a second
    or two apart: the five tries would all have been spent on the outage.
    None is; all arrive once when the server is back."""
    reminders = due_reminders(world, 12)
    sink = Sink()
    server = SinkServer(sink, free_port())  # not listening yet
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        outage_ends = time.monotonic() + 15
        while time.monotonic() < outage_ends:
            scan.reminders_scan()
            time.sleep(1)
        assert sink.total == 0
        assert Reminder.objects.filter(last_error__contains="Connection refused").exists()
        assert Reminder.objects.filter(state=Reminder.State.FAILED).count() == 0
        server.start()
        scan_until_settled(30)
    finally:
        stop(worker)
        server.stop()
    assert states() == {Reminder.State.SENT: len(reminders)}
    assert sink.copies() == {message_id(r): 1 for r in reminders}
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


def test_database_connections_lost_after_the_servers_250_are_recorded_not_resent(
    world, monkeypatch, sink, fast_leases
):
    """The worker's PostgreSQL connections are terminated while the server
    holds a message: the worker knows it got the "250", and records it once
    the database answers again, instead of leaving it to be sent again."""
    smtp, server = sink
    reminders = due_reminders(world, 10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    database = settings.DATABASES["default"]
    cut_at = {message_id(reminders[2]), message_id(reminders[6])}

    def cut_the_database(message: str) -> None:
        if message not in cut_at:
            return
        with psycopg.connect(
            host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
        ) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
                [database["NAME"], own_pid],
            )

    smtp.on_message = cut_the_database
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        scan.reminders_scan()
        scan_until_settled(40)
    finally:
        stop(worker)
    assert states() == {Reminder.State.SENT: len(reminders)}
    assert smtp.copies() == {message_id(r): 1 for r in reminders}


def test_a_line_dropped_after_the_message_is_written_is_not_resent_but_shown(
    world, monkeypatch, sink, fast_leases
):
    """The server has the message and never says so: a second copy would be
    ours. It ends "unknown", for the program admin to look at; the rest go."""
    smtp, server = sink
    reminders = due_reminders(world, 8)
    dropped = {reminders[1], reminders[5]}
    smtp.drop_after_data = {message_id(r) for r in dropped}
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        scan.reminders_scan()
        scan_until_settled(30)
        time.sleep(4)  # past the lease: nothing comes back for them
        scan.reminders_scan()
        time.sleep(2)
    finally:
        stop(worker)
    assert smtp.copies() == {message_id(r): 1 for r in reminders}
    assert states() == {Reminder.State.SENT: 6, Reminder.State.UNKNOWN: 2}
    assert set(Reminder.objects.filter(state=Reminder.State.UNKNOWN)) == dropped


def test_a_message_answered_4xx_comes_back_and_arrives_once(world, monkeypatch, sink, fast_leases):
    smtp, server = sink
    reminders = due_reminders(world, 6)
    refused = {reminders[0], reminders[3]}
    smtp.refuse_first = {message_id(r) for r in refused}
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        scan.reminders_scan()
        scan_until_settled(30)
    finally:
        stop(worker)
    assert states() == {Reminder.State.SENT: 6}
    assert smtp.copies() == {message_id(r): 1 for r in reminders}
    assert {r.pk: r.attempts for r in Reminder.objects.all()} == {
        r.pk: 2 if r in refused else 1 for r in reminders
    }


def test_a_worker_killed_mid_send_makes_at_most_one_extra_copy_per_kill(
    world, monkeypatch, sink, fast_leases
):
    """The one double no one can prevent: the server has the message, the
    worker dies before it hears "250" and records it. Killed three times
    right then, with a relay that takes a moment to answer: at most three
    extra copies, and every reminder arrives."""
    smtp, server = sink
    smtp.relay_seconds = 0.3
    monkeypatch.setattr(scan, "SEND_BATCH", 4)
    reminders = due_reminders(world, 12)
    queue = private_queue(monkeypatch)
    kills, worker = 0, None
    try:
        scan.reminders_scan()
        for _ in range(3):
            worker = start_worker(queue, server.port)
            assert smtp.holding.wait(timeout=30), "the worker sent nothing"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            kills += 1
        worker = start_worker(queue, server.port)
        scan_until_settled(60)
    finally:
        stop(worker)
    copies = smtp.copies()
    assert states() == {Reminder.State.SENT: len(reminders)}
    assert set(copies) == {message_id(r) for r in reminders}
    extra = sum(copies.values()) - len(reminders)
    assert extra <= kills
    assert all(count <= 2 for count in copies.values())


def test_a_send_that_comes_due_in_the_recipients_night_waits_for_their_morning(world, monkeypatch, sink):
    """Quiet hours are checked when the worker claims a row, in the zone the
    recipient has then: due before an outage, or decided before they moved
    to a zone where it is now night, it waits for 08:00 there."""
    smtp, server = sink
    reminders = due_reminders(world, 3)
    zone = night_zone()
    User.objects.filter(pk=world.admin.pk).update(time_zone=zone)
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        scan.reminders_scan()
        deadline = time.monotonic() + 30
        postponed = Reminder.objects.filter(state=Reminder.State.PENDING, enqueued_at__isnull=True)
        while postponed.count() != len(reminders):  # claimed, then handed back to wait
            assert time.monotonic() < deadline, states()
            time.sleep(0.5)
    finally:
        stop(worker)
    assert smtp.total == 0
    tz = zoneinfo.ZoneInfo(zone)
    morning = at_local(timezone.now().astimezone(tz).date(), datetime.time(8), tz)
    assert set(Reminder.objects.values_list("send_at", "attempts")) == {(morning, 0)}
