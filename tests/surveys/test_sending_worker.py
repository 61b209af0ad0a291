"""A survey round through the real machinery: beat's scan run twice, a real
Celery worker on the real Redis sending to an SMTP sink; each person gets the
round once, and their response is recorded once."""

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership
from reminders.models import Kind, Reminder
from reminders.services import scan
from surveys.models import SurveyResponse
from tests.reminders.surveys import a_survey
from tests.reminders.workers import Sink, SinkServer, daytime_zone, private_queue, start_worker, stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_round_sent_by_a_real_worker_reaches_each_person_once(world, monkeypatch):
    zone = daytime_zone()  # past 10:00 there, and far from quiet hours
    User.objects.filter(pk__in=[world.mentor.pk, world.protege.pk]).update(time_zone=zone)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=today - datetime.timedelta(days=30))
    survey = a_survey(world, opened_on=today - datetime.timedelta(days=60))
    sink = Sink()
    server = SinkServer(sink)
    server.start()
    queue = private_queue(monkeypatch)
    worker = start_worker(queue, server.port)
    try:
        scan.reminders_scan()
        scan.reminders_scan()  # a second beat: nothing more
        deadline = time.monotonic() + 60
        rows = Reminder.objects.filter(kind=Kind.SURVEY)
        while rows.exclude(state=Reminder.State.SENT).exists() or not rows.exists():
            assert time.monotonic() < deadline, list(rows.values_list("state", "last_error"))
            time.sleep(0.3)
        scan.reminders_scan()
        time.sleep(1)
    finally:
        stop(worker)
        server.stop()
    assert rows.count() == 2
    assert sorted(sink.copies().values()) == [1, 1]
    assert SurveyResponse.objects.filter(survey=survey, round="1").count() == 2
