"""The partnership home and the actions that show it again: the next call,
closing. Only the pair gets in (404 for everyone else, program admins
included); a partnership that has ended can be read, not changed. And my home,
which lists each partnership."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnerships import schedule
from partnerships.agreements import agreement_propose
from partnerships.models import Partnership
from programs.rhythms import Rhythm
from tests.factories import PartnershipFactory
from tests.partnerships.agreement_helpers import agree, early_march_tuesday, grow_history, terms

TUESDAY = early_march_tuesday()

pytestmark = pytest.mark.django_db

OUTSIDE = ["admin", "other_admin", "outsider"]  # program admins included: 404 like anyone outside the pair
PAIR = ["mentor", "protege"]


def url(name, partnership, *args):
    return reverse(f"home:{name}", args=[partnership.pk, *args])


def pair_requests(world):
    """Every view of the partnership home: (method, url, data) with data a pair member may send."""
    p = world.partnership
    return [
        ("get", url("partnership", p), None),
        ("post", url("next_call", p), {"at": f"{TUESDAY}T17:30"}),
        ("get", url("close", p), None),
        ("post", url("close", p), {"outcome": "completed", "reflection": "Thank you."}),
    ]


@pytest.mark.parametrize("index", range(4))
def test_anonymous_is_sent_to_sign_in(client, world, index):
    method, address, data = pair_requests(world)[index]
    response = getattr(client, method)(address, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", OUTSIDE)
@pytest.mark.parametrize("index", range(4))
def test_everyone_outside_the_pair_gets_404(client, world, persona, index):
    agree(world.partnership)
    method, address, data = pair_requests(world)[index]
    client.force_login(getattr(world, persona))
    assert getattr(client, method)(address, data or {}).status_code == 404


@pytest.mark.parametrize("persona", PAIR)
@pytest.mark.parametrize("index", range(4))
def test_the_mentor_and_the_protege_get_in(client, world, persona, index):
    agree(world.partnership)
    method, address, data = pair_requests(world)[index]
    client.force_login(getattr(world, persona))
    response = getattr(client, method)(address, data or {})
    assert response.status_code == (200 if method == "get" else 303), response.content[:2000]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_an_ended_partnership_can_be_read_but_not_changed(client, world, index):
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    client.force_login(world.mentor)
    for method, address, _data in pair_requests(world)[:1]:
        assert getattr(client, method)(address).status_code == 200
    method, address, data = pair_requests(world)[index]
    assert getattr(client, method)(address, data or {}).status_code == 403


# --- The next call ---


def test_the_next_call_is_typed_in_my_time_zone_stored_in_utc_and_shown_in_theirs(client, world):
    agree(world.partnership)
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    client.force_login(world.protege)
    response = client.post(url("next_call", world.partnership), {"at": f"{TUESDAY}T17:30"})
    assert response.status_code == 303
    world.partnership.refresh_from_db()
    assert world.partnership.next_call_at == datetime.datetime.combine(
        TUESDAY, datetime.time(22, 30), tzinfo=datetime.UTC
    )
    assert world.partnership.next_call_time_zone == "America/New_York"
    assert f"Tuesday {TUESDAY.day} March, 17:30" in client.get(response["Location"]).text
    client.force_login(world.mentor)  # Europe/London
    page = client.get(url("partnership", world.partnership)).text
    assert f"Tuesday {TUESDAY.day} March, 22:30" in page
    assert "Set by Sam Protégé, who sees it in their own time zone." in page
    assert f"Tuesday {TUESDAY.day} March, 22:30" in client.get(reverse("home:home")).text


def test_a_next_call_in_the_past_is_refused_and_keeps_what_was_typed(client, world):
    client.force_login(world.mentor)
    response = client.post(url("next_call", world.partnership), {"at": "2020-01-01T09:00"})
    assert response.status_code == 200
    assert "Choose a date and time in the future." in response.text
    assert 'value="2020-01-01T09:00"' in response.text
    world.partnership.refresh_from_db()
    assert world.partnership.next_call_at is None


def test_with_htmx_setting_the_next_call_swaps_only_its_panel(client, world):
    agree(world.partnership)
    client.force_login(world.mentor)
    response = client.post(
        url("next_call", world.partnership), {"at": f"{TUESDAY}T17:30"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="next-call"')
    assert "<html" not in response.text
    assert f"Your next call is set for Tuesday {TUESDAY.day} March, 17:30." in response.text
    # What needs my action is swapped too: setting the call is done.
    assert '<div id="to-do" hx-swap-oob="true">' in response.text
    assert "Set the date and time of your next call" not in response.text
    bad = client.post(
        url("next_call", world.partnership), {"at": "not a date"}, headers={"HX-Request": "true"}
    )
    assert "Enter a real date and time" in bad.text and "<html" not in bad.text


def test_with_htmx_what_else_needs_my_action_comes_back_with_its_links(client, world):
    agreement_propose(partnership=world.partnership, by=world.protege, terms=terms())
    client.force_login(world.mentor)
    response = client.post(
        url("next_call", world.partnership), {"at": f"{TUESDAY}T17:30"}, headers={"HX-Request": "true"}
    )
    agreement = reverse("partnerships:agreement", args=[world.partnership.pk])
    assert '<div id="to-do" hx-swap-oob="true">' in response.text
    assert "Sam Protégé proposed how you will work together." in response.text
    assert f'href="{agreement}#proposal"' in response.text and ">Read and accept</a>" in response.text


def test_the_next_call_can_be_cleared(client, world):
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=timezone.now() + datetime.timedelta(days=3), next_call_time_zone="Europe/London"
    )
    client.force_login(world.protege)
    client.post(url("next_call", world.partnership), {"clear": "1"})
    world.partnership.refresh_from_db()
    assert world.partnership.next_call_at is None and world.partnership.next_call_time_zone == ""


def test_without_a_set_time_the_home_shows_when_the_next_call_is_expected_and_when_it_is_late(client, world):
    agree(world.partnership, cadence="weekly")
    last = timezone.now() - datetime.timedelta(days=20)
    Partnership.objects.filter(pk=world.partnership.pk).update(last_call_at=last)
    client.force_login(world.mentor)
    page = client.get(url("partnership", world.partnership)).text
    assert "Expected by" in page
    assert "You meet weekly, counted from your last call" in page
    assert "It is past that now, and that happens." in page
    # A gentle note at the top, against the rhythm the pair agreed, with the way to fix it.
    assert "Your last call was 2 weeks ago; you agreed to meet weekly." in page
    assert '<a href="#next-call">Set a time?</a>' in page


# --- What the partnership home shows ---


def test_the_home_shows_the_agreement_summary_the_call_structure_and_places_for_what_comes_later(
    client, world
):
    agree(world.partnership)
    client.force_login(world.protege)
    page = client.get(url("partnership", world.partnership)).text
    assert "You and Morgan Mentor" in page
    assert "Every two weeks" in page and "30 minutes, video" in page
    assert "10 min</span> Check-in and homework recap" in page
    assert "15 min</span> Deeper topic" in page
    assert "I negotiate scope without escalating." in page  # the pair sees what success means
    for section in ('id="goals-panel"', 'id="homework"', 'id="last-call"'):
        assert section in page


def test_my_home_lists_each_partnership_with_its_next_call_and_what_needs_my_action(client, world):
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())
    client.force_login(world.protege)
    page = client.get(reverse("home:home")).text
    assert "Morgan Mentor proposed how you will work together." in page
    assert ">Read and accept</a>" in page
    client.force_login(world.mentor)
    page = client.get(reverse("home:home")).text
    assert "Read and accept" not in page
    assert "Your proposed agreement waits for Sam Protégé." in page


# --- A fixed number of queries, whatever the data size ---


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # savepoint, user, the page version, partnership, its current versions, what is to do
        # and the stage and times offered waiting (home.selectors.facts), the last call, the open
        # homework, the agenda, "runs a program?" for the header, release
        ("partnership", 13),  # with goals and trends: +2 (no active goals) or +3
    ],
)
def test_the_partnership_home_runs_the_same_queries_for_small_and_large_histories(
    client, world, django_assert_num_queries, name, queries
):
    agree(world.partnership)
    client.force_login(world.mentor)
    with django_assert_num_queries(queries):
        assert client.get(url(name, world.partnership)).status_code == 200
    grow_history(world, versions=6, partnerships=4)
    with django_assert_num_queries(queries):
        response = client.get(url(name, world.partnership))
    assert response.status_code == 200


def test_my_home_runs_the_same_queries_with_agreements_proposals_and_ended_partnerships(
    client, world, django_assert_num_queries
):
    agree(world.partnership)
    client.force_login(world.mentor)
    # savepoint, user, the page's scope (home.scopes: "runs a program?", for the header
    # too, and the partnerships' and invitations' versions), partnerships (with what is
    # to do and their stage), current versions, programs run, invitations waiting,
    # requests for a mentor (home.selectors.requests), programs open to my domain
    # (programs.selectors.join), release
    with django_assert_num_queries(10):
        client.get(reverse("home:home"))
    grow_history(world, versions=3, partnerships=5)
    PartnershipFactory(program=world.program, mentor=world.partnership.mentor, status="ended")
    with django_assert_num_queries(10):
        page = client.get(reverse("home:home")).text
    assert page.count('class="card"') == 6
    assert "Earlier partnerships" in page


def test_both_sides_read_the_same_late_day_in_the_pairs_zone(client, world):
    """Found with the demo: the mentor (London) read "late after Sunday 6
    December", the protégé (New York) "Saturday 5 December", for a call that
    turns late at 00:00 London time on 6 December."""
    agree(world.partnership, cadence="weekly")
    last = timezone.now() - datetime.timedelta(days=2)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=last, next_call_time_zone="Europe/London"
    )
    world.protege.time_zone = "America/New_York"
    world.protege.save()
    call = schedule.next_call(
        rhythm=Rhythm("weekly"),
        set_at=None,
        last_call_at=last,
        started_on=None,
        tz=zoneinfo.ZoneInfo("Europe/London"),
        now=timezone.now(),
    )
    assert call is not None and call.late_from is not None and call.late_on is not None
    late = f"It counts as late from {date_format(call.late_on, 'l j F')} (Europe/London time)"
    client.force_login(world.mentor)  # Europe/London
    mine = client.get(url("partnership", world.partnership)).text
    assert f"{late}." in mine and "late after" not in mine
    client.force_login(world.protege)
    theirs = client.get(url("partnership", world.partnership)).text
    in_new_york = call.late_from.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert f"{late}, which is {date_format(in_new_york, 'l j F, H:i')} your time." in theirs
    expected = f'Expected by <time datetime="{call.expected_on:%Y-%m-%d}">'
    assert expected in mine and expected in theirs


def test_a_set_time_that_has_passed_is_not_called_the_last_call(client, world):
    """Found with the demo: before the mentor finished the log of the 17
    November call, Priya read "counted from your last call on 17 November"
    above "Your last call · Tuesday 3 November"."""
    agree(world.partnership, cadence="every_two_weeks")
    logged = timezone.now() - datetime.timedelta(days=16)
    set_for = timezone.now() - datetime.timedelta(days=2)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        last_call_at=logged, next_call_at=set_for, next_call_time_zone="Europe/London"
    )
    client.force_login(world.protege)
    page = client.get(url("partnership", world.partnership)).text
    assert "counted from your last call" not in page
    assert f"counted from the call set for {date_format(timezone.localtime(set_for), 'j F')}." in page


def test_the_next_call_button_says_set_the_time_when_none_is_ahead(client, world):
    """Found with the demo: "Change the time" while no upcoming time was set
    (the set one had passed) and the to-do said "Set a time"."""
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=timezone.now() - datetime.timedelta(days=2), next_call_time_zone="Europe/London"
    )
    client.force_login(world.mentor)
    page = client.get(url("partnership", world.partnership)).text
    assert ">Set the time</button>" in page and "Change the time" not in page


def test_the_close_page_has_the_pairs_tab_bar(client, world):
    """Found with the demo: /partnerships/<id>/close/ had no tab bar."""
    agree(world.partnership)
    client.force_login(world.mentor)
    page = client.get(reverse("home:close", args=[world.partnership.pk])).text
    assert '<nav class="pair-tabs"' in page
    assert f'href="{reverse("home:partnership", args=[world.partnership.pk])}" aria-current="page"' in page
