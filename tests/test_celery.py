"""A task's round trip through the real Redis broker and a real worker process."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import ping
from mentoring.celery import app

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process():
    """A worker of the project's app, on a queue of this test's own, so that no
    other worker on the machine can take the task instead."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.test_settings",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_the_broker_and_result_backend_are_the_real_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.task_acks_late is True
    # A retry must come back well before Redis would redeliver the unacknowledged task.
    assert app.conf.broker_transport_options["visibility_timeout"] > settings.CELERY_MAX_RETRY_DELAY * 3


def test_a_task_goes_through_redis_to_a_real_worker_and_back(celery_worker_process):
    result = ping.apply_async(args=["hello"], queue=celery_worker_process)
    assert result.get(timeout=60) == "pong: hello"


def test_tasks_are_found_in_each_app_and_beat_has_its_schedule():
    app.loader.import_default_modules()
    assert "accounts.tasks.ping" in app.tasks
    assert "accounts.tasks.clear_expired_sessions" in app.tasks
    assert app.conf.beat_schedule["clear-expired-sessions"]["task"] in app.tasks
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_the_reminder_scan_has_a_queue_of_its_own_and_sends_keep_the_default():
    app.loader.import_default_modules()
    scan = app.amqp.router.route({}, "reminders.tasks.scan_reminders")["queue"].name
    send = app.amqp.router.route({}, "reminders.tasks.send_reminders")["queue"].name
    assert scan == settings.CELERY_SCAN_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
    assert send == settings.CELERY_TASK_DEFAULT_QUEUE
    assert app.conf.beat_schedule["scan-reminders"]["task"] == "reminders.tasks.scan_reminders"


def test_smtp_waits_a_bounded_time_for_the_server(settings):
    from mentoring import settings as configured

    assert configured._smtp_options["timeout"] == int(os.environ.get("EMAIL_TIMEOUT", 30))


@pytest.mark.django_db(transaction=True)
def test_a_scan_runs_on_its_own_worker_while_the_send_queue_is_busy():
    """A worker that listens to the scan queue alone runs beat's scan even
    when nothing takes the sends (a wedged relay holding every send worker)."""
    from reminders.tasks import scan_reminders

    database = settings.DATABASES["default"]
    scans = f"test-scans-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.test_settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_TASK_DEFAULT_QUEUE": f"test-sends-{uuid.uuid4().hex[:8]}",  # no one listens
        "CELERY_SCAN_QUEUE": scans,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", scans],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        result = scan_reminders.apply_async(queue=scans)
        assert result.get(timeout=60) == {"decided": 0, "enqueued": 0}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
