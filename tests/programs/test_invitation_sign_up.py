"""Signing up from an invitation link: the address is the invited one and
cannot be changed, signing up joins the program and greets the person by name,
the time zone is asked (preselected from the browser by static/js/time-zone.js),
and allauth's emails come from "Mentoring", not from the host."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.forms import TIME_ZONE_FROM_BROWSER, TIME_ZONE_NOT_CHOSEN
from programs import invitation_session
from programs.models import Participant
from tests.factories import UserFactory
from tests.programs.test_invitations import invite

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def accept_url(token: str) -> str:
    return reverse("programs:invitation_accept", args=[token])


def sign_up(client, **fields):
    data = {"password1": "a long enough secret", "password2": "a long enough secret", "time_zone": "UTC"}
    return client.post(SIGNUP, data | fields)


def test_the_link_leads_to_a_sign_up_page_that_says_what_it_joins(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege")
    response = client.get(accept_url(token))
    assert response.status_code == 302 and response["Location"] == SIGNUP
    page = client.get(SIGNUP)
    assert f"Join {world.program.name} as a protégé" in page.text
    assert f"Sign up and join {world.program.name}" in page.text
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', page.text).group(0)
    assert 'value="new.person@example.org"' in email_input and "disabled" in email_input


def test_signing_up_joins_at_once_greets_by_name_and_lands_home(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="mentor", name="Rita Tull")
    client.get(accept_url(token))
    response = sign_up(client, email="new.person@example.org", time_zone="Pacific/Kiritimati")
    assert response.status_code == 302 and response["Location"] == reverse("home:home")
    participant = Participant.objects.select_related("user").get(user__email="new.person@example.org")
    person = participant.user
    assert participant.role == "mentor" and participant.status == Participant.Status.ACTIVE
    assert person.display_name == "Rita Tull" and person.time_zone == "Pacific/Kiritimati"
    assert [(a.email, a.verified) for a in EmailAddress.objects.filter(user=person)] == [
        ("new.person@example.org", True)
    ]
    assert mailoutbox == []  # the invitation proved the address
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any(m.startswith("Welcome") for m in shown)  # home's heading greets by name
    assert any(m.startswith(f"You joined {world.program.name} as a mentor.") for m in shown)
    assert not any("Successfully signed in" in m for m in shown)
    # Used up: the link says so and sign-up is closed again.
    assert invitation_session.SESSION_KEY not in client.session
    assert "You have already joined" in client.get(accept_url(token)).text


def test_a_changed_email_is_ignored_and_no_second_address_is_added(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    response = sign_up(client, email="someone.else@example.org")
    assert response.status_code == 302
    person = Participant.objects.get(program=world.program, user__email="new.person@example.org").user
    assert person.email == "new.person@example.org"
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [
        "new.person@example.org"
    ]
    assert not EmailAddress.objects.filter(email="someone.else@example.org").exists()


def test_a_rejected_sign_up_keeps_the_address_and_the_chosen_zone_and_saves_nothing(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    response = sign_up(client, password1="short", password2="short", time_zone="Asia/Tokyo")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'value="new.person@example.org"' in response.text
    assert re.search(r'<option value="Asia/Tokyo"[^>]*selected', response.text)
    # What was chosen stays chosen: the browser's zone is not offered over it.
    assert "data-browser-time-zone" not in response.text
    assert not Participant.objects.filter(user__email="new.person@example.org").exists()


def test_an_unknown_time_zone_is_refused_beside_the_field(client, world, django_capture_on_commit_callbacks):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    response = sign_up(client, time_zone="Mars/Olympus")
    assert response.status_code == 200
    assert re.search(r'id="id_time_zone_error"', response.text)
    assert not Participant.objects.filter(user__email="new.person@example.org").exists()


def test_the_sign_up_page_offers_the_browser_zone_and_says_utc_without_it(
    client, world, django_capture_on_commit_callbacks
):
    _invitation, token = invite(world, django_capture_on_commit_callbacks)
    client.get(accept_url(token))
    page = client.get(SIGNUP).text
    assert re.search(r'<select[^>]*name="time_zone"[^>]*data-browser-time-zone=', page)
    assert re.search(r'<option value="UTC"[^>]*selected', page)
    assert str(TIME_ZONE_NOT_CHOSEN) in page
    assert 'src="/static/js/time-zone.js"' in page
    assert "<script>" not in page  # no inline script: the CSP allows none


@pytest.mark.parametrize(("zone", "offered"), [("UTC", True), ("Europe/Paris", False)])
def test_the_profile_offers_the_browser_zone_only_to_someone_who_never_chose(client, zone, offered):
    person = UserFactory(time_zone=zone)
    client.force_login(person)
    page = client.get(reverse("home:profile")).text
    assert bool(re.search(r'<select[^>]*name="time_zone"[^>]*data-browser-time-zone=', page)) is offered
    assert (str(TIME_ZONE_NOT_CHOSEN) in page) is offered
    assert str(TIME_ZONE_FROM_BROWSER) in page if offered else True
    assert 'src="/static/js/time-zone.js"' in page


def test_allauth_emails_come_from_mentoring_not_the_host(client, mailoutbox):
    person = UserFactory(email="rtl@example.org")
    client.post(reverse("account_reset_password"), {"email": person.email}, HTTP_HOST="127.0.0.1")
    (message,) = mail.outbox
    assert "Hello from Mentoring!" in message.body
    assert "Thank you for using Mentoring!" in message.body
    assert "Hello from 127.0.0.1" not in message.body
