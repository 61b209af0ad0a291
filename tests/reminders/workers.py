"""What the delivery tests share: an SMTP sink that keeps what it accepted,
and a real Celery worker on a private queue of the real Redis broker, sending
through that sink to this test run's PostgreSQL database."""

import asyncio
import datetime
import os
import socket
import subprocess
import sys
import threading
import uuid
import zoneinfo
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction

from reminders.tasks import send_reminders

ROOT = Path(__file__).resolve().parent.parent.parent


def message_id_of(content: bytes) -> str:
    for line in content.decode(errors="replace").splitlines():
        if line.lower().startswith("message-id:"):
            return line.split(":", 1)[1].strip()
    return "?"


class Sink:
    """An SMTP server that keeps each message as soon as its content is in
    (on DATA's final "."), as real servers do, and counts it by Message-ID.
    What it does next can be set per message: answer "451" the first time
    (``refuse_first``), drop the connection without answering
    (``drop_after_data``), or take ``relay_seconds`` before answering "250",
    as a relay does; ``on_message`` is called with each Message-ID kept,
    before the answer, and ``holding`` is set while an answer is pending."""

    def __init__(self):
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.refuse_first: set[str] = set()
        self.refused: set[str] = set()
        self.drop_after_data: set[str] = set()
        self.relay_seconds = 0.0
        self.on_message = None
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message_id = message_id_of(envelope.content)
        with self.lock:
            if message_id in self.refuse_first and message_id not in self.refused:
                self.refused.add(message_id)
                return "451 4.3.0 Try again later"
            self.received[message_id] += 1
        if self.on_message:
            await asyncio.get_running_loop().run_in_executor(None, self.on_message, message_id)
        if message_id in self.drop_after_data:
            server.transport.abort()  # the line breaks: no answer at all
            return "250 OK"
        if self.relay_seconds:
            self.holding.set()
            await asyncio.sleep(self.relay_seconds)
            self.holding.clear()
        return "250 OK"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def copies(self) -> dict[str, int]:
        with self.lock:
            return dict(self.received)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkServer:
    """The sink listening on a fixed port of 127.0.0.1, which can stop
    listening (an unreachable server) and start again on the same port."""

    def __init__(self, sink: Sink, port: int | None = None):
        self.sink = sink
        self.port = port or free_port()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def worker_env(queue: str, smtp_port: int, **overrides) -> dict[str, str]:
    """The worker's environment: this run's database, Redis and settings, a
    private queue, the sink, and short delays so each fault plays out in seconds."""
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.test_settings",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "2",
        "REMINDER_CLAIM_LEASE": "3",
        "REMINDER_FIRST_RETRY_DELAY": "1",
        "CELERY_MAX_RETRY_DELAY": "2",
        **overrides,
    }


def start_worker(queue: str, smtp_port: int, **overrides) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue],
        cwd=ROOT, env=worker_env(queue, smtp_port, **overrides),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def stop(*processes) -> None:
    for process in processes:
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def private_queue(monkeypatch) -> str:
    """A queue of this test's own: what the scan enqueues goes there, and the
    retries the worker publishes follow (the worker's default queue)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        send_reminders,
        "delay_on_commit",
        lambda reminder_ids: transaction.on_commit(
            lambda: send_reminders.apply_async(args=[reminder_ids], queue=queue)
        ),
    )
    return queue


def zone_at(first_hour: int, last_hour: int, now: datetime.datetime | None = None) -> str:
    """A zone whose clock now shows an hour from ``first_hour`` to ``last_hour``."""
    now = now or datetime.datetime.now(datetime.UTC)
    for hours in range(-12, 15):
        name = f"Etc/GMT{-hours:+d}" if hours else "Etc/UTC"  # Etc/ zones' signs are inverted
        if first_hour <= now.astimezone(zoneinfo.ZoneInfo(name)).hour <= last_hour:
            return name
    raise AssertionError(f"no zone between {first_hour}:00 and {last_hour}:59")


def daytime_zone(now: datetime.datetime | None = None) -> str:
    """A zone where it is now the middle of the day, far from quiet hours, so
    that a test with a real worker (and the real clock) sends at once at any
    hour it runs."""
    return zone_at(11, 14, now)


def night_zone(now: datetime.datetime | None = None) -> str:
    """A zone where it is now the middle of the night, in quiet hours."""
    return zone_at(1, 4, now)
