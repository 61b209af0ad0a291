"""The home page lists the invitations waiting for the signed-in person's
verified addresses, each with a Join button that needs no link."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Invitation, Participant
from programs.selectors import invitations
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def invitation_to(world, email: str, program=None, **fields) -> Invitation:
    values = {
        "name": "Someone",
        "role": "mentor",
        "invited_by": world.admin,
        "expires_at": timezone.now() + datetime.timedelta(days=14),
    }
    invitation = Invitation(program=program or world.program, email=email, **(values | fields))
    invitation.new_token()
    invitation.save()
    return invitation


def join_url(invitation: Invitation) -> str:
    return reverse("programs:invitation_join", args=[invitation.pk])


def test_home_offers_a_waiting_invitation_and_join_joins(client, world):
    person = UserFactory(email="rtl@example.org")
    invitation = invitation_to(world, "RTL@example.org")
    client.force_login(person)
    page = client.get(reverse("home:home")).text
    assert "Invitations waiting for you" in page
    assert f"Ada Admin invited you to {world.program.name} as mentor." in page
    assert f'action="{join_url(invitation)}"' in page
    assert "Nothing here yet" not in page

    response = client.post(join_url(invitation), follow=True)
    assert response.redirect_chain == [(reverse("home:home"), 302)]
    assert f"Welcome to {world.program.name}. You joined as mentor." in response.text
    assert "Invitations waiting for you" not in response.text
    assert Participant.objects.get(program=world.program, user=person).role == "mentor"
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


@pytest.mark.parametrize(
    "fields",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
)
def test_home_leaves_out_revoked_and_expired_invitations(client, world, fields):
    person = UserFactory(email="rtl@example.org")
    invitation_to(world, person.email, **fields)
    assert invitations.invitations_waiting_for(person, now=timezone.now()) == []
    client.force_login(person)
    assert "Invitations waiting for you" not in client.get(reverse("home:home")).text


def test_an_invitation_to_an_unverified_address_is_not_offered_nor_joinable(client, world):
    person = UserFactory(email="rtl@example.org")
    EmailAddress.objects.create(user=person, email="second@example.org", verified=False)
    invitation = invitation_to(world, "second@example.org")
    client.force_login(person)
    assert "Invitations waiting for you" not in client.get(reverse("home:home")).text
    assert client.post(join_url(invitation)).status_code == 404
    assert not Participant.objects.filter(user=person).exists()


def test_join_permissions(client, world):
    invitation = invitation_to(world, "rtl@example.org")
    invitee = UserFactory(email="rtl@example.org")
    # Anonymous: sent to sign in, back to the home page after.
    response = client.post(join_url(invitation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    # Someone else, even the program's admin: 404, nothing joined.
    for other in (world.outsider, world.admin):
        client.force_login(other)
        assert client.post(join_url(invitation)).status_code == 404
    assert not Participant.objects.filter(
        program=world.program, user__in=[world.outsider, world.admin]
    ).exists()
    # The invitee: joins once; a second click says they are in already.
    client.force_login(invitee)
    assert client.post(join_url(invitation)).status_code == 302
    response = client.post(join_url(invitation), follow=True)
    assert "This invitation has already been used." in response.text


def test_home_lists_invitations_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    person = UserFactory(email="rtl@example.org")
    client.force_login(person)
    invitation_to(world, person.email)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home:home"))
    for _ in range(3):  # each changes the page: it is built again, not served as kept
        invitation_to(world, person.email, program=ProgramFactory(admins=[UserFactory()]))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("home:home")).text
    assert page.count("invited you to") == 4
