"""The pair's agreement: reading it, proposing, accepting. Only the pair gets
in; the other side's action is refused with 403. (The partnership home and the
next call: tests/home/test_partnership.py.)"""

import datetime
import re

import pytest
from django.urls import reverse

from partnerships.agreements import agreement_propose
from partnerships.models import Agreement, Partnership
from tests.factories import PartnershipFactory

from .agreement_helpers import ENDS, agree, form_data, grow_history, terms

pytestmark = pytest.mark.django_db

OUTSIDE = ["admin", "other_admin", "outsider"]  # program admins included: 404 like anyone outside the pair
PAIR = ["mentor", "protege"]


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.pk, *args])


def pair_requests(world):
    """Every view of the agreement: (method, url, data) with data a pair member may send."""
    p = world.partnership
    return [
        ("get", url("agreement", p), None),
        ("post", url("agreement", p), form_data(cadence="weekly")),
    ]


@pytest.mark.parametrize("index", range(2))
def test_anonymous_is_sent_to_sign_in(client, world, index):
    method, address, data = pair_requests(world)[index]
    response = getattr(client, method)(address, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", OUTSIDE)
@pytest.mark.parametrize("index", range(2))
def test_everyone_outside_the_pair_gets_404(client, world, persona, index):
    agree(world.partnership)
    method, address, data = pair_requests(world)[index]
    client.force_login(getattr(world, persona))
    assert getattr(client, method)(address, data or {}).status_code == 404


@pytest.mark.parametrize("persona", PAIR)
@pytest.mark.parametrize("index", range(2))
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


@pytest.mark.parametrize("index", [1])
def test_an_ended_partnership_can_be_read_but_not_changed(client, world, index):
    agree(world.partnership)
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    client.force_login(world.mentor)
    for method, address, _data in pair_requests(world)[:1]:
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
    home = client.get(reverse("home:home"))
    assert "proposed how you will work together." in home.text and ">Read and accept</a>" in home.text
    response = client.post(url("agreement_accept", pair, 1))
    assert response["Location"] == reverse("home:partnership", args=[pair.pk])
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
    assert "What changes from version 1" in page and "30 minutes</del>" in page and "45 minutes</ins>" in page
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


# --- A fixed number of queries, whatever the data size ---


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # savepoint, user, the page version, partnership, every version, header, release
        ("agreement", 7),
    ],
)
def test_the_agreement_page_runs_the_same_queries_for_small_and_large_histories(
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


def test_line_endings_sent_by_browsers_do_not_count_as_a_change(client, world):
    agree(world.partnership)
    client.force_login(world.protege)
    data = form_data(ground_rules="Be honest.\r\nSay whether calls help.\r\n")
    response = client.post(url("agreement", world.partnership), data)
    assert response.status_code == 200
    assert "Nothing changed from the agreement in force." in response.text
