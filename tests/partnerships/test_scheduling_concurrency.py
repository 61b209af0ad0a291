"""Two picks of one offer at the same moment, in two real PostgreSQL
transactions: the offer's row lock lets one win; the other is told the times
were already picked, and the pair has one next call."""

import pytest
from django.core.exceptions import ValidationError

from partnerships import scheduling
from partnerships.models import Partnership, TimeOffer
from tests.factories import PartnershipFactory
from tests.partnerships.scheduling_fixtures import due_in_four_days, offered
from tests.partnerships.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_picks_at_once_one_wins_and_the_other_is_told():
    pair = due_in_four_days(PartnershipFactory())
    offer = offered(pair, pair.mentor.user)
    first, second = offer.times.all()[:2]

    def pick(time):
        return lambda: scheduling.time_offer_pick(offered_time=time, by=pair.protege.user)

    won, lost = race(pick(first), pick(second))
    assert isinstance(won, Partnership)
    assert isinstance(lost, ValidationError) and lost.code == "used"
    pair.refresh_from_db()
    assert pair.next_call_at == first.starts_at
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.PICKED
    assert list(offer.times.filter(picked=True)) == [first]
