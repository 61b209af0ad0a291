"""Setting the next call keeps what the pair's rhythm counts from: a set call
whose time has passed counts as held until the call log says otherwise, so
setting the following one (typed, picked or from a log) keeps it as the last
call; a log that says it was missed takes it back. Times keep the minute only."""

import datetime

import pytest
from django.utils import timezone

from partnerships.agreements import partnership_set_next_call
from partnerships.models import Partnership
from sessions_log.models import Session
from sessions_log.services import session_log
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world) -> Partnership:
    """A pair on a two-week rhythm: a call held 30 days ago, and a set call 3
    days ago, not logged yet."""
    agree(world.partnership)
    now = timezone.now()
    held = SessionFactory(partnership=world.partnership, starts_at=now - datetime.timedelta(days=30))
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=held.starts_at, next_call_at=now - datetime.timedelta(days=3)
    )
    return Partnership.objects.with_people().get(pk=world.partnership.pk)


def test_setting_the_next_call_keeps_the_passed_one_as_the_last_call(pair, world):
    passed = pair.next_call_at
    partnership_set_next_call(
        partnership=pair, by=world.protege, at=timezone.now() + datetime.timedelta(days=9)
    )
    pair.refresh_from_db()
    assert pair.last_call_at == passed
    # Clearing the new one leaves the rhythm counted from the passed call, not a month back.
    partnership_set_next_call(partnership=pair, by=world.mentor, at=None)
    pair.refresh_from_db()
    assert pair.last_call_at == passed and pair.next_call_at is None


def test_a_log_that_says_the_passed_call_was_missed_takes_it_back(pair, world):
    passed, held_before = pair.next_call_at, pair.last_call_at
    partnership_set_next_call(
        partnership=pair, by=world.protege, at=timezone.now() + datetime.timedelta(days=9)
    )
    session_log(
        partnership=pair,
        by=world.mentor,
        data={"status": Session.Status.MISSED, "starts_at": passed, "minutes": 30, "method": "video"},
        homework=[],
    )
    pair.refresh_from_db()
    assert pair.last_call_at == held_before


def test_seconds_typed_are_dropped(pair, world):
    at = (timezone.now() + datetime.timedelta(days=5)).replace(second=30, microsecond=999)
    partnership_set_next_call(partnership=pair, by=world.mentor, at=at)
    pair.refresh_from_db()
    assert pair.next_call_at == at.replace(second=0, microsecond=0)
