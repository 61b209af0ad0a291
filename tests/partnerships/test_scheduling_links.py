"""The signed link in the times-offered email: it works signed out for the
person it was sent to, shows before it picks, refuses anyone else signed in,
and says plainly what happened when it can no longer pick."""

import datetime
import time as wall_clock
import zoneinfo

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from partnerships import scheduling
from partnerships.models import Partnership, TimeOffer
from partnerships.models.scheduling import OFFER_LINK_VALID
from tests.partnerships.scheduling_fixtures import (
    offered,
    scheduling_pair,  # noqa: F401 (the pair fixture)
)

pytestmark = pytest.mark.django_db


def link_for(offer, world, n: int = 0) -> str:
    time = offer.times.all()[n]
    return reverse("partnerships:schedule_link", args=[scheduling.pick_token(time, world.protege)])


def test_opening_the_link_signed_out_shows_the_time_and_never_picks(client, world, pair):
    offer = offered(pair, world.mentor)
    response = client.get(link_for(offer, world))
    assert response.status_code == 200
    assert "Confirm your next call" in response.text
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.OPEN
    pair.refresh_from_db()
    assert pair.next_call_at is None


def test_confirming_from_the_link_signed_out_sets_the_call(client, world, pair):
    offer = offered(pair, world.mentor)
    url = link_for(offer, world, 1)
    response = client.post(url)
    assert response.status_code == 200
    assert "Your next call is set" in response.text
    pair.refresh_from_db()
    assert pair.next_call_at == offer.times.all()[1].starts_at
    assert pair.next_call_set_by == world.protege


def test_a_used_link_says_so(client, world, pair):
    offer = offered(pair, world.mentor)
    client.post(link_for(offer, world, 0))
    for response in (client.get(link_for(offer, world, 1)), client.post(link_for(offer, world, 1))):
        assert response.status_code == 200
        assert "This link cannot be used any more" in response.text
    pair.refresh_from_db()
    assert pair.next_call_at == offer.times.all()[0].starts_at


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_a_page_saying_it_is_not_valid(client, world, pair, method):
    offer = offered(pair, world.mentor)
    url = link_for(offer, world)[:-4] + "xyz/"
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert "This link is not valid" in response.text


def test_an_expired_link_says_so_and_how_to_ask_again(client, world, pair, monkeypatch):
    offer = offered(pair, world.mentor)
    long_ago = wall_clock.time() - OFFER_LINK_VALID.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    url = link_for(offer, world)
    monkeypatch.undo()
    response = client.post(url)
    assert response.status_code == 410
    assert "These times have expired" in response.text
    assert "Sign in and ask for new times" in response.text
    pair.refresh_from_db()
    assert pair.next_call_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_to_times_that_expired_says_so(client, world, pair, method):
    offer = offered(pair, world.mentor)
    TimeOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = getattr(client, method)(link_for(offer, world))
    assert response.status_code == 410
    assert "These times have expired" in response.text
    assert reverse("partnerships:schedule", args=[pair.pk]) in response.text
    pair.refresh_from_db()
    assert pair.next_call_at is None


def test_the_link_shows_the_time_in_the_zone_of_the_one_it_was_sent_to(client, world, pair):
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    offer = offered(pair, world.mentor)
    time = offer.times.first()
    page = client.get(link_for(offer, world)).text  # signed out: no zone of the viewer's own
    new_york = time.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    london = time.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    assert f"{new_york:%H:%M}, your time" in page
    assert f"{london:%H:%M} for Morgan Mentor" in page


# --- Whose link it is, and what happened to its times ---

NOT_YOURS = "This link is for Sam Protégé. Sign out to use it, or open your own schedule page."


@pytest.mark.parametrize("who", ["mentor", "outsider", "admin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_opened_signed_in_as_someone_else_is_refused_and_picks_nothing(
    client, world, pair, who, method
):
    offer = offered(pair, world.mentor)
    client.force_login(getattr(world, who))
    response = getattr(client, method)(link_for(offer, world))
    assert response.status_code == 403
    assert NOT_YOURS in response.text
    own_page = reverse("partnerships:schedule", args=[pair.pk]) if who == "mentor" else reverse("home:home")
    assert f'href="{own_page}"' in response.text
    offer.refresh_from_db()
    assert offer.status == TimeOffer.Status.OPEN
    pair.refresh_from_db()
    assert pair.next_call_at is None


def test_the_one_the_link_is_for_may_confirm_it_signed_in(client, world, pair):
    offer = offered(pair, world.mentor)
    client.force_login(world.protege)
    response = client.post(link_for(offer, world, 1))
    assert "Your next call is set" in response.text
    pair.refresh_from_db()
    assert pair.next_call_at == offer.times.all()[1].starts_at


def _withdraw(pair, world, offer):
    scheduling.time_offer_withdraw(offer=offer, by=world.mentor)


def _replace(pair, world, offer):
    scheduling.time_offer_create(partnership=pair, by=world.protege)


def _pick(pair, world, offer):
    scheduling.time_offer_pick(offered_time=offer.times.all()[2], by=world.protege)


def _end(pair, world, offer):
    from partnerships.services import partnership_unmatch

    partnership_unmatch(partnership=pair, reason="Moved teams", by=world.admin)


@pytest.mark.parametrize(
    ("happened", "says"),
    [
        (_withdraw, "Morgan Mentor withdrew these times."),
        (_replace, "You offered Morgan Mentor other times instead, so these can no longer be picked."),
        (_pick, "A time was picked: your next call with Morgan Mentor is "),
        (_end, "Your partnership with Morgan Mentor has ended, so its calls can no longer be scheduled."),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_to_answered_times_says_what_happened(client, world, pair, happened, says, method):
    offer = offered(pair, world.mentor)
    happened(pair, world, offer)
    response = getattr(client, method)(link_for(offer, world))
    assert response.status_code == 200
    assert "This link cannot be used any more" in response.text
    assert says in response.text
    assert "already answered" not in response.text


def test_confirming_from_the_link_says_a_call_set_ahead_moves(client, world, pair):
    offer = offered(pair, world.mentor)
    page = client.get(link_for(offer, world)).text
    assert "picking a time moves it" not in page
    Partnership.objects.filter(pk=pair.pk).update(next_call_at=timezone.now() + datetime.timedelta(days=2))
    page = client.get(link_for(offer, world)).text
    assert "Your next call is set for" in page and "your time: picking a time moves it." in page
