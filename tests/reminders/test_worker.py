"""The fault test: a real worker on a private queue of the real Redis broker
sends reminders, a batch per task, to a real SMTP server; it is killed with
SIGKILL in the middle of a batch and a new one started. Every reminder
arrives, none twice."""

import datetime
import os
import signal
import time
from collections import Counter

import pytest

from accounts.models import User
from reminders.models import Kind, Reminder
from reminders.services import scan

from .conftest import at
from .workers import Sink, SinkServer, daytime_zone, private_queue, start_worker, stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
REMINDERS = 30
SEND_BATCH = 10  # three tasks
KILL_AFTER = 13  # in the middle of the second


class CarefulSink(Sink):
    """A server that keeps a message only if the client is still there to
    hear its "250 OK" (so this test isolates our side's doubles)."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "451 client went away"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_sink():
    sink = CarefulSink()
    server = SinkServer(sink)
    server.start()
    try:
        yield sink, server.port
    finally:
        server.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    world, smtp_sink, settings, monkeypatch
):
    sink, port = smtp_sink
    settings.REMINDER_CLAIM_LEASE = 3
    settings.REMINDER_REQUEUE_AFTER = 3  # the message the dead worker held but had not started
    monkeypatch.setattr(scan, "SEND_BATCH", SEND_BATCH)
    queue = private_queue(monkeypatch)  # what beat's scan enqueues goes to this test's queue
    User.objects.filter(pk=world.admin.pk).update(time_zone=daytime_zone())  # not in quiet hours
    past = at(2026, 1, 1)
    Reminder.objects.bulk_create(
        Reminder(
            kind=Kind.STALL,
            partnership=world.partnership,
            object_key=f"k{n}",
            due_at=past + datetime.timedelta(minutes=n),
            recipient=world.admin,
            send_at=past,
        )
        for n in range(REMINDERS)
    )
    scan.reminders_scan()  # enqueues them all, SEND_BATCH per task
    worker = start_worker(queue, port)
    second = None
    try:
        deadline = time.monotonic() + 60
        while sink.total < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sink.total >= KILL_AFTER, "the worker sent nothing"
        time.sleep(0.02)  # into the next message
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = sink.total
        assert killed_at < 2 * SEND_BATCH, "the second batch was over before the kill"

        second = start_worker(queue, port)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if not Reminder.objects.exclude(state=Reminder.State.SENT).exists():
                break
            scan.reminders_scan()  # beat, every few minutes in real life
            time.sleep(1)
    finally:
        stop(worker, second)

    assert dict(Counter(Reminder.objects.values_list("state", flat=True))) == {Reminder.State.SENT: REMINDERS}
    # What the worker had claimed and not recorded sent when it was killed (the
    # rest of its batch) was claimed again after the lease; nothing else was
    # tried twice, and nothing more than twice.
    assert 0 < Reminder.objects.filter(attempts=2).count() <= SEND_BATCH
    assert not Reminder.objects.filter(attempts__gt=2).exists()
    assert len(sink.received) == REMINDERS
    assert set(sink.received.values()) == {1}, f"sent twice: {[k for k, v in sink.received.items() if v > 1]}"
