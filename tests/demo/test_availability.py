"""The demo pair keeps weekly hours that overlap across the Atlantic, and
Priya's days away keep the times offered for their next call off those days."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.selectors import availability_of
from partnerships.models import Partnership
from partnerships.scheduling import time_offer_create
from partnerships.slots import fits

pytestmark = pytest.mark.django_db


def test_the_demo_pair_has_hours_and_priya_is_away_and_seeding_again_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    mentor, protege = (User.objects.get(email=e) for e in ("mentor@example.com", "protege@example.com"))
    hours = availability_of([mentor, protege])
    assert not hours[mentor.pk].is_default and not hours[protege.pk].is_default
    assert hours[mentor.pk].weekly_hours[4] == (datetime.time(9), datetime.time(13))
    assert [note for note in protege.days_away.values_list("note", flat=True)] == ["Team offsite"]
    before = (mentor.availability_set_at, protege.days_away.count())
    call_command("seed_demo", stdout=io.StringIO())
    mentor.refresh_from_db()
    assert (mentor.availability_set_at, protege.days_away.count()) == before


def test_times_offered_to_priya_fit_both_and_miss_her_days_away():
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.with_people().get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    mentor, protege = pair.mentor.user, pair.protege.user
    offer = time_offer_create(partnership=pair, by=mentor, now=timezone.now())
    times = list(offer.times.all())
    hours = availability_of([mentor, protege])
    away = protege.days_away.get()
    assert 3 <= len(times) <= 5 and offer.fits_both
    for time in times:
        assert fits(time.starts_at, time.minutes, hours[mentor.pk])
        assert fits(time.starts_at, time.minutes, hours[protege.pk])
        day = time.starts_at.astimezone(hours[protege.pk].tz).date()
        assert not away.first_day <= day <= away.last_day
