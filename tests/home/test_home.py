import pytest
from django.urls import reverse

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/"


def test_mentor_sees_their_protege(client, world):
    client.force_login(world.mentor)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    assert "People you mentor" in response.text
    assert "Sam Protégé" in response.text
    assert world.program.name in response.text


def test_protege_sees_their_mentor(client, world):
    client.force_login(world.protege)
    response = client.get(reverse("home:home"))
    assert "Your mentor" in response.text
    assert "Morgan Mentor" in response.text
    assert "People you mentor" not in response.text


def test_program_admin_sees_programs_they_run_with_counts(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("home:home"))
    assert "Programs you run" in response.text
    assert "2 people&nbsp;· 1 active partnership" in response.text


def test_outsider_sees_an_empty_state_and_no_one_elses_partnership(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    assert "Nothing here yet" in response.text
    assert "Sam Protégé" not in response.text
    assert "Morgan Mentor" not in response.text


def test_home_runs_the_same_queries_for_one_or_many_partnerships(client, world, django_assert_num_queries):
    client.force_login(world.mentor)
    mentor_participant = world.partnership.mentor
    mentor_participant.capacity = 10
    mentor_participant.save()
    # savepoint, user, the page's scope (home.scopes: "runs a program?", for the header
    # too, and the partnerships' and invitations' versions), partnerships (with what is
    # to do and their stage), their current agreement versions, programs run, invitations
    # waiting, requests for a mentor (home.selectors.requests), programs open to my domain
    # (programs.selectors.join), release
    with django_assert_num_queries(10):
        client.get(reverse("home:home"))
    for _ in range(6):
        PartnershipFactory(program=world.program, mentor=mentor_participant)
    with django_assert_num_queries(10):
        response = client.get(reverse("home:home"))
    assert response.text.count('class="card"') == 7
