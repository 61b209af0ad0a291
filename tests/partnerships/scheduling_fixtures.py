"""What the scheduling tests share: a pair whose next call is due in four days,
its offered times, and a weekday inside its window. Times are counted from the
moment each test runs, so nothing depends on the hour the tests run at.

The fixture is named ``pair`` but defined as ``scheduling_pair``: a module
imports ``scheduling_pair`` to use it, and its tests take ``pair``."""

import datetime

import pytest
from django.utils import timezone

from partnerships import scheduling
from partnerships.models import Partnership, TimeOffer
from partnerships.selectors.scheduling import window_of
from tests.partnerships.agreement_helpers import agree


def due_in_four_days(partnership: Partnership) -> Partnership:
    """``partnership`` agreed to meet every two weeks for 30 minutes, its last
    call ten days ago (the next is expected in four days), read with its people."""
    agree(partnership)
    Partnership.objects.filter(pk=partnership.pk).update(
        last_call_at=timezone.now() - datetime.timedelta(days=10)
    )
    return fresh(partnership)


def fresh(pair: Partnership) -> Partnership:
    """The pair read again, with its people as they are now saved."""
    return Partnership.objects.with_people().get(pk=pair.pk)


@pytest.fixture(name="pair")
def scheduling_pair(world) -> Partnership:
    """The world's pair, due its next call in four days (``due_in_four_days``)."""
    return due_in_four_days(world.partnership)


def offered(pair: Partnership, by, **kwargs) -> TimeOffer:
    """Times offered to the other side by ``by`` (a user of the pair); ``kwargs``
    go to ``time_offer_create`` (``times``, ``note``, ``now``)."""
    return scheduling.time_offer_create(partnership=pair, by=by, **kwargs)


def a_day_in_the_window(pair: Partnership, tz: datetime.tzinfo, now: datetime.datetime) -> datetime.date:
    """The first weekday in ``tz`` after the day the pair's window starts on."""
    window = window_of(pair, in_force=pair.agreements.get(status="in_force"), now=now).window
    day = window.starts_at.astimezone(tz).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day
