"""The pair's pages: the partnership home, the agreement, accepting, the next
call. Only the pair gets in; the other side's action is refused with 403."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.agreements import agreement_propose
from partnerships.models import Agreement, Partnership
from tests.factories import PartnershipFactory

from .agreement_helpers import ENDS, agree, early_march_tuesday, form_data, terms

TUESDAY = early_march_tuesday()

pytestmark = pytest.mark.django_db

OUTSIDE = ["admin", "other_admin", "outsider"]  # program admins included: 404 like anyone outside the pair
PAIR = ["mentor", "protege"]


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.pk, *args])


def pair_requests(world):
    """Every view of the pair's pages: (method, url, data) with data a pair member may send."""
    p = world.partnership
    return [
        ("get", url("partnership_home", p), None),
        ("get", url("agreement", p), None),
        ("post", url("agreement", p), form_data(cadence="weekly")),
        ("post", url("next_call", p), {"at": f"{TUESDAY}T17:30"}),
        ("get", url("close", p), None),
        ("post", url("close", p), {"outcome": "completed", "reflection": "Thank you."}),
    ]


@pytest.mark.parametrize("index", range(6))
def test_anonymous_is_sent_to_sign_in(client, world, index):
    method, address, data = pair_requests(world)[index]
    response = getattr(client, method)(address, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", OUTSIDE)
@pytest.mark.parametrize("index", range(6))
def test_everyone_outside_the_pair_gets_404(client, world, persona, index):
    agree(world.partnership)
    method, address, data = pair_requests(world)[index]
    client.force_login(getattr(world, persona))
    assert getattr(client, method)(address, data or {}).status_code == 404


@pytest.mark.parametrize("persona", PAIR)
@pytest.mark.parametrize("index", range(6))
def test_the_mentor_and_the_protege_get_in(client, world, persona, index):
    agree(world.partnership)
    method, address, data = pair_requests(world)[index]
    client.force_login(getattr(world, persona))
    response = getattr(client, method)(address, data or {})
    assert response.status_code == (200 if method == "get" else 303), response.content[:2000]


@pytest.mark.parametrize("persona", [*OUTSIDE, *PAIR])
def test_accepting_belongs_to_the_side_the_proposal_waits_for(client, world, persona):
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())
    client.force_login(getattr(world, persona))
    response = client.post(url("agreement_accept", world.partnership, 1))
    expected = {"protege": 303, "mentor": 403}.get(persona, 404)
    assert response.status_code == expected
    in_force = Agreement.objects.filter(partnership=world.partnership, status="in_force").exists()
    assert in_force == (persona == "protege")


def test_anonymous_cannot_accept(client, world):
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())
    response = client.post(url("agreement_accept", world.partnership, 1))
    assert response.status_code == 302


def test_an_unknown_version_is_404(client, world):
    client.force_login(world.protege)
    assert client.post(url("agreement_accept", world.partnership, 7)).status_code == 404


@pytest.mark.parametrize("index", [2, 3, 4, 5])
def test_an_ended_partnership_can_be_read_but_not_changed(client, world, index):
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    client.force_login(world.mentor)
    for method, address, _data in pair_requests(world)[:2]:
        assert getattr(client, method)(address).status_code == 200
    method, address, data = pair_requests(world)[index]
    assert getattr(client, method)(address, data or {}).status_code == 403


# --- Proposing and accepting through the pages ---


def test_the_mentor_proposes_and_the_protege_accepts(client, world):
    pair = PartnershipFactory(program=world.program, status="proposed", started_on=None)
    client.force_login(pair.mentor.user)
    page = client.get(url("agreement", pair))
    assert "Propose your agreement" in page.text
    assert 'value="10"' in page.text and 'value="15"' in page.text  # default time boxes
    response = client.post(url("agreement", pair), form_data())
    assert response.status_code == 303
    follow = client.get(response["Location"])
    assert "Version 1 is proposed" in follow.text
    assert "waiting for" in follow.text

    client.force_login(pair.protege.user)
    home = client.get(reverse("home"))
    assert "Read and accept the agreement" in home.text
    response = client.post(url("agreement_accept", pair, 1))
    assert response["Location"] == url("partnership_home", pair)
    follow = client.get(response["Location"])
    assert "You both accepted version 1" in follow.text
    assert "active from today" in follow.text
    pair.refresh_from_db()
    assert pair.status == "active"


def test_a_rejected_time_box_form_keeps_what_was_typed_and_says_by_how_much_it_misses(client, world):
    client.force_login(world.protege)
    data = form_data(
        checkin_minutes=10, topic_minutes=10, prepare_minutes=5, success="Lead my peers with ease."
    )
    response = client.post(url("agreement", world.partnership), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The time boxes add up to 25 minutes, 5 minutes short of the 30-minute call." in response.text
    assert "Add 5 minutes to a box" in response.text
    assert 'href="#id_call_minutes"' in response.text  # the summary links to the field
    for name, value in [("checkin_minutes", 10), ("topic_minutes", 10), ("prepare_minutes", 5)]:
        assert re.search(rf'name="{name}" value="{value}"', response.text)
    assert "Lead my peers with ease." in response.text
    assert not Agreement.objects.exists()


def test_the_time_box_error_says_when_the_boxes_run_over(client, world):
    client.force_login(world.mentor)
    data = form_data(call_minutes=45, checkin_minutes=15, topic_minutes=30, prepare_minutes=10)
    response = client.post(url("agreement", world.partnership), data)
    assert "The time boxes add up to 55 minutes, 10 minutes over the 45-minute call." in response.text
    assert 'name="call_minutes" value="45"' in response.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"cadence": "every_n_weeks", "every_weeks": None},
            "Enter every how many weeks you meet, from 1 to 8.",
        ),
        ({"cadence": "every_n_weeks", "every_weeks": 9}, "Choose from 1 to 8 weeks, not 9"),
        (
            {"call_minutes": 10, "checkin_minutes": 3, "topic_minutes": 5, "prepare_minutes": 2},
            "Choose a call length from 15 to 120 minutes.",
        ),
        (
            {"first_review_on": ENDS + datetime.timedelta(days=1)},
            f"The first review must come before the end of the partnership ({ENDS:%-d %B %Y}).",
        ),
        ({"success": ""}, "Write what success means to the protégé"),
        (
            {"ends_on": datetime.date(2020, 1, 1), "first_review_on": datetime.date(2019, 1, 1)},
            "Choose an end date in the future.",
        ),
    ],
)
def test_the_agreement_form_says_exactly_what_to_fix(client, world, changes, message):
    client.force_login(world.mentor)
    response = client.post(url("agreement", world.partnership), form_data(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert not Agreement.objects.exists()


def test_proposing_a_change_shows_it_beside_the_version_in_force_and_keeps_history(client, world):
    agree(world.partnership)
    client.force_login(world.protege)
    data = form_data(call_minutes=45, topic_minutes=30, change_note="More room for the deeper topic.")
    response = client.post(url("agreement", world.partnership), data)
    assert response.status_code == 303
    client.force_login(world.mentor)
    page = client.get(url("agreement", world.partnership)).text
    assert "Version 2: waiting for you" in page
    assert "In force: version 1" in page
    assert "More room for the deeper topic." in page
    assert "Changes: call length, deeper-topic time." in page
    assert "Accept version 2" in page
    client.post(url("agreement_accept", world.partnership, 2))
    page = client.get(url("agreement", world.partnership)).text
    assert "In force: version 2" in page
    assert "Replaced by a later version" in page  # version 1, still readable
    assert page.count("accepted ") >= 4  # who accepted what and when, for both versions


def test_the_agreement_page_shows_times_in_the_viewers_time_zone(client, world):
    version = agree(world.partnership)
    at = datetime.datetime(2030, 1, 10, 23, 30, tzinfo=datetime.UTC)
    Agreement.objects.filter(pk=version.pk).update(
        created_at=at, mentor_accepted_at=at, protege_accepted_at=at
    )
    world.protege.time_zone = "Asia/Tokyo"
    world.protege.save()
    client.force_login(world.protege)
    assert "11 January 2030, 08:30" in client.get(url("agreement", world.partnership)).text
    client.force_login(world.mentor)  # Europe/London
    assert "10 January 2030, 23:30" in client.get(url("agreement", world.partnership)).text


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
    page = client.get(url("partnership_home", world.partnership)).text
    assert f"Tuesday {TUESDAY.day} March, 22:30" in page
    assert "Set by Sam Protégé, who sees it in their own time zone." in page
    assert f"Tuesday {TUESDAY.day} March, 22:30" in client.get(reverse("home")).text


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
    page = client.get(url("partnership_home", world.partnership)).text
    assert "Expected by" in page
    assert "You meet weekly, counted from your last call" in page
    assert "It is past that now, and that happens." in page
    assert "Set the date and time of your next call" in page  # what needs my action


# --- What the partnership home shows ---


def test_the_home_shows_the_agreement_summary_the_call_structure_and_places_for_what_comes_later(
    client, world
):
    agree(world.partnership)
    client.force_login(world.protege)
    page = client.get(url("partnership_home", world.partnership)).text
    assert "You and Morgan Mentor" in page
    assert "Every two weeks" in page and "30 minutes, video" in page
    assert "10 min</span> Check-in and homework recap" in page
    assert "15 min</span> Deeper topic" in page
    assert "I negotiate scope without escalating." in page  # the pair sees what success means
    for section in ('id="goals-panel"', 'id="homework"', 'id="timeline"'):
        assert section in page


def test_my_home_lists_each_partnership_with_its_next_call_and_what_needs_my_action(client, world):
    agreement_propose(partnership=world.partnership, by=world.mentor, terms=terms())
    client.force_login(world.protege)
    page = client.get(reverse("home")).text
    assert "Read and accept the agreement Morgan Mentor proposed" in page
    client.force_login(world.mentor)
    page = client.get(reverse("home")).text
    assert "Read and accept" not in page
    assert "Your proposed agreement waits for Sam Protégé." in page


# --- A fixed number of queries, whatever the data size ---


def _grow(world, versions: int, partnerships: int):
    for n in range(versions):
        agree(world.partnership, call_minutes=30 + 5 * (n + 1), topic_minutes=15 + 5 * (n + 1))
    agreement_propose(partnership=world.partnership, by=world.protege, terms=terms(cadence="monthly"))
    mentor = world.partnership.mentor
    mentor.capacity = 10
    mentor.save()
    for _ in range(partnerships):
        other = PartnershipFactory(program=world.program, mentor=mentor)
        agree(other)


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # savepoint, session, user, partnership, its current versions, the call
        # log's open homework, agenda and timeline count (sessions_log.selectors.home_calls;
        # with no calls logged, no page of calls to load), "runs a program?" for the header, release
        ("partnership_home", 12),  # with goals and trends: +2 (no active goals) or +3
        # savepoint, session, user, partnership, every version, header, release
        ("agreement", 7),
    ],
)
def test_pair_pages_run_the_same_queries_for_small_and_large_histories(
    client, world, django_assert_num_queries, name, queries
):
    agree(world.partnership)
    client.force_login(world.mentor)
    with django_assert_num_queries(queries):
        assert client.get(url(name, world.partnership)).status_code == 200
    _grow(world, versions=6, partnerships=4)
    with django_assert_num_queries(queries):
        response = client.get(url(name, world.partnership))
    assert response.status_code == 200


def test_my_home_runs_the_same_queries_with_agreements_proposals_and_ended_partnerships(
    client, world, django_assert_num_queries
):
    agree(world.partnership)
    client.force_login(world.mentor)
    # savepoint, session, user, partnerships, current versions, programs run, invitations
    # waiting, header, release
    with django_assert_num_queries(10):
        client.get(reverse("home"))
    _grow(world, versions=3, partnerships=5)
    PartnershipFactory(program=world.program, mentor=world.partnership.mentor, status="ended")
    with django_assert_num_queries(10):
        page = client.get(reverse("home")).text
    assert page.count('class="card"') == 6
    assert "Earlier partnerships" in page


def test_line_endings_sent_by_browsers_do_not_count_as_a_change(client, world):
    agree(world.partnership)
    client.force_login(world.protege)
    data = form_data(ground_rules="Be honest.\r\nSay whether calls help.\r\n")
    response = client.post(url("agreement", world.partnership), data)
    assert response.status_code == 200
    assert "Nothing changed from the agreement in force." in response.text
