"""The fault test: a real worker on a private queue of the real Redis broker
sends reminders, a batch per task, to a real SMTP server; it is killed with
SIGKILL in the middle of a batch and a new one started. Every reminder
arrives, none twice."""

import asyncio
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction

from reminders import services
from reminders.models import Kind, Reminder
from reminders.tasks import send_reminders

from .conftest import at

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent
REMINDERS = 30
SEND_BATCH = 10  # three tasks
KILL_AFTER = 13  # in the middle of the second


class Sink:
    """An SMTP server that counts each message by Message-ID. It holds each
    message a moment before answering "250 OK" and keeps it only if the client
    is still there to hear the answer, as a real server whose client hung up
    before the end of DATA would."""

    def __init__(self):
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "451 client went away"
        message_id = next(
            (
                line.split(":", 1)[1].strip()
                for line in envelope.content.decode().splitlines()
                if line.lower().startswith("message-id:")
            ),
            "?",
        )
        with self.lock:
            self.received[message_id] += 1
        return "250 OK"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


def start_worker(queue: str, smtp_port: int) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.test_settings",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REMINDER_CLAIM_LEASE": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    world, smtp_sink, settings, monkeypatch
):
    sink, port = smtp_sink
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.REMINDER_CLAIM_LEASE = 3
    settings.REMINDER_REQUEUE_AFTER = 3  # the message the dead worker held but had not started
    monkeypatch.setattr(services, "SEND_BATCH", SEND_BATCH)
    # What beat's scan enqueues goes to this test's queue.
    monkeypatch.setattr(
        send_reminders,
        "delay_on_commit",
        lambda reminder_ids: transaction.on_commit(
            lambda: send_reminders.apply_async(args=[reminder_ids], queue=queue)
        ),
    )
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
    services.reminders_scan()  # enqueues them all, SEND_BATCH per task
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
            services.reminders_scan()  # beat, every few minutes in real life
            time.sleep(1)
    finally:
        for process in (worker, second):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)

    assert dict(Counter(Reminder.objects.values_list("state", flat=True))) == {Reminder.State.SENT: REMINDERS}
    # What the worker had claimed and not recorded sent when it was killed (the
    # rest of its batch) was claimed again after the lease; nothing else was
    # tried twice, and nothing more than twice.
    assert 0 < Reminder.objects.filter(attempts=2).count() <= SEND_BATCH
    assert not Reminder.objects.filter(attempts__gt=2).exists()
    assert len(sink.received) == REMINDERS
    assert set(sink.received.values()) == {1}, f"sent twice: {[k for k, v in sink.received.items() if v > 1]}"
