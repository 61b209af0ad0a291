"""Requests pages: a person's own (/me/requests/: withdraw, accept, decline with
a kind word) and a program's for its admins (/programs/<slug>/requests/:
approve, refuse, who waits too long); who may use them, refusals beside the
field, and queries that do not grow with the requests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from programs.models import MatchingMode, Participant
from programs.models.requests import MentorRequest, RequestStatus
from programs.services import requests as services
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import MentorFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world):
    """An open request from a new protégé of the world's program to a mentor with a free place."""
    program = world.program
    program.matching_mode = MatchingMode.BOTH
    program.save()
    protege = ParticipantFactory(program=program, user__display_name="Sam Seeker")
    mentor = MentorFactory(program=program, user__display_name="Mina Mentor", capacity=1)
    return services.request_send(protege=protege, mentor=mentor, note="Hello <you>")


def get_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- /me/requests/ ---


def test_anonymous_is_sent_to_sign_in(client, asked):
    response = client.get(reverse("partnerships:my_requests"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_everyone_signed_in_sees_only_their_own_requests(client, world, asked):
    client.force_login(world.outsider)
    page = client.get(reverse("partnerships:my_requests")).content.decode()
    assert "Sam Seeker" not in page and "No earlier requests." in page
    client.force_login(asked.mentor.user)
    page = client.get(reverse("partnerships:my_requests")).content.decode()
    assert "Sam Seeker asks you to be their mentor" in page and "Hello &lt;you&gt;" in page


@pytest.mark.parametrize("action", ["request_withdraw", "request_accept", "request_decline"])
@pytest.mark.parametrize("who", ["outsider", "admin", "mentor", "protege"])
def test_someone_elses_request_is_404(client, world, asked, action, who):
    client.force_login(getattr(world, who))
    assert client.post(reverse(f"partnerships:{action}", args=[asked.pk])).status_code == 404


def test_the_mentor_cannot_withdraw_and_the_protege_cannot_accept(client, asked):
    client.force_login(asked.mentor.user)
    assert client.post(reverse("partnerships:request_withdraw", args=[asked.pk])).status_code == 404
    client.force_login(asked.protege.user)
    assert client.post(reverse("partnerships:request_accept", args=[asked.pk])).status_code == 404


def test_the_protege_withdraws(client, asked):
    client.force_login(asked.protege.user)
    response = client.post(reverse("partnerships:request_withdraw", args=[asked.pk]))
    assert response.status_code == 303
    asked.refresh_from_db()
    assert asked.status == RequestStatus.WITHDRAWN


def test_the_mentor_accepts_and_lands_on_the_new_partnership(client, asked):
    client.force_login(asked.mentor.user)
    response = client.post(reverse("partnerships:request_accept", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.status == RequestStatus.MATCHED
    assert response.url == reverse("home:partnership", args=[asked.partnership_id])
    assert Partnership.objects.get(pk=asked.partnership_id).protege == asked.protege


def test_the_mentor_declines_with_a_chosen_kind_word(client, asked):
    client.force_login(asked.mentor.user)
    response = client.post(reverse("partnerships:request_decline", args=[asked.pk]), {"kind_word": "0"})
    assert response.status_code == 303
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == (RequestStatus.DECLINED, "My places are full for now.")


def test_the_mentor_declines_in_their_own_words(client, asked):
    client.force_login(asked.mentor.user)
    client.post(
        reverse("partnerships:request_decline", args=[asked.pk]),
        {"kind_word": "own", "own_words": "Try Bo, who knows this best."},
    )
    asked.refresh_from_db()
    assert asked.answer == "Try Bo, who knows this best."


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "Choose a kind word or write your own."),
        ({"kind_word": "own", "own_words": ""}, "Write your kind word, or choose one above."),
        ({"kind_word": "own", "own_words": "x" * 301}, "300 characters or fewer"),
        ({"kind_word": "9"}, "Choose one of the options shown."),
    ],
)
def test_a_decline_without_a_fit_word_is_refused_beside_it(client, asked, data, words):
    client.force_login(asked.mentor.user)
    response = client.post(reverse("partnerships:request_decline", args=[asked.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "error-summary" in page
    if data.get("own_words"):
        assert data["own_words"] in page  # what was typed is kept
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN


def test_my_requests_runs_the_same_queries_with_more_requests(
    client, world, asked, django_assert_num_queries
):
    mentor = asked.mentor
    Participant.objects.filter(pk=mentor.pk).update(capacity=10)
    client.force_login(mentor.user)
    few = get_count(client, reverse("partnerships:my_requests"))
    for _ in range(4):
        services.request_send(protege=ParticipantFactory(program=world.program), mentor=mentor)
    closed = services.request_send(protege=ParticipantFactory(program=world.program), mentor=mentor)
    services.request_decline(request=closed, by=mentor.user, answer="No places")
    with django_assert_num_queries(few):
        assert client.get(reverse("partnerships:my_requests")).status_code == 200


# --- /programs/<slug>/requests/ ---


def program_url(world):
    return reverse("partnerships:program_requests", args=[world.program.slug])


@pytest.mark.parametrize(("who", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_its_requests(client, world, asked, who, status):
    client.force_login(getattr(world, who))
    assert client.get(program_url(world)).status_code == status


def test_anonymous_is_sent_to_sign_in_from_the_programs_requests(client, world, asked):
    assert client.get(program_url(world)).status_code == 302


@pytest.fixture
def accepted(world, asked):
    world.program.requests_need_approval = True
    world.program.save()
    from partnerships import services_requests

    return services_requests.request_accept(request=asked, by=asked.mentor.user)


@pytest.mark.parametrize("action", ["request_approve", "request_refuse"])
@pytest.mark.parametrize(("who", "status"), [(w, s) for w, s in PROGRAM_ADMIN_ONLY.items() if w != "admin"])
def test_only_the_programs_admins_approve_or_refuse(client, world, accepted, action, who, status):
    client.force_login(getattr(world, who))
    response = client.post(reverse(f"partnerships:{action}", args=[world.program.slug, accepted.pk]))
    assert response.status_code == status
    accepted.refresh_from_db()
    assert accepted.status == RequestStatus.ACCEPTED


def test_the_admin_approves(client, world, accepted):
    client.force_login(world.admin)
    page = client.get(program_url(world)).content.decode()
    assert "Sam Seeker with Mina Mentor" in page
    response = client.post(reverse("partnerships:request_approve", args=[world.program.slug, accepted.pk]))
    assert response.status_code == 303
    accepted.refresh_from_db()
    assert accepted.status == RequestStatus.MATCHED
    assert Partnership.objects.get(pk=accepted.partnership_id).matched_by == world.admin


def test_a_refusal_needs_a_line_and_keeps_what_was_typed(client, world, accepted):
    client.force_login(world.admin)
    url = reverse("partnerships:request_refuse", args=[world.program.slug, accepted.pk])
    response = client.post(url, {"answer": ""})
    assert response.status_code == 400
    assert "Say in a line why" in response.content.decode()
    response = client.post(url, {"answer": "Mina moves on next month."})
    assert response.status_code == 303
    accepted.refresh_from_db()
    assert (accepted.status, accepted.answer) == (RequestStatus.REFUSED, "Mina moves on next month.")


def test_who_waits_too_long(client, world, asked):
    now = timezone.now()  # a seven-day request with two days left: past half its life
    MentorRequest.objects.filter(pk=asked.pk).update(
        created_at=now - datetime.timedelta(days=5), expires_at=now + datetime.timedelta(days=2)
    )
    long_ago = ParticipantFactory(program=world.program, user__display_name="Lee Longwait")
    Participant.objects.filter(pk=long_ago.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    ParticipantFactory(program=world.program, user__display_name="Nia New")
    client.force_login(world.admin)
    page = client.get(program_url(world)).content.decode()
    section = page[page.index('id="waiting-too-long"') :]
    assert "Sam Seeker" in section and "Lee Longwait" in section and "Nia New" not in section
    assert "overdue" in page


def test_the_programs_requests_run_the_same_queries_at_two_sizes(
    client, world, accepted, django_assert_num_queries
):
    client.force_login(world.admin)
    few = get_count(client, program_url(world))
    from partnerships import services_requests

    for _ in range(3):
        mentor = MentorFactory(program=world.program)
        request = services.request_send(protege=ParticipantFactory(program=world.program), mentor=mentor)
        services_requests.request_accept(request=request, by=mentor.user)
        services.request_send(
            protege=ParticipantFactory(program=world.program), mentor=MentorFactory(program=world.program)
        )
    with django_assert_num_queries(few):
        assert client.get(program_url(world)).status_code == 200


# --- the matching board ---


def test_the_board_counts_open_requests_and_who_waits_too_long_with_a_link(client, world, asked):
    long_ago = ParticipantFactory(program=world.program)
    Participant.objects.filter(pk=long_ago.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    client.force_login(world.admin)
    page = client.get(reverse("partnerships:matching_board", args=[world.program.slug])).content.decode()
    assert "1 request for a mentor is open." in page
    assert "1 protégé has waited too long" in page
    assert reverse("partnerships:program_requests", args=[world.program.slug]) in page
