"""A refusal (403) says who may do what was refused, in words that can be
translated, and leads back: to the page the person came from when it is of
this site, to the partnership's page, to the home page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from mentoring.views import WHO_MAY, permission_denied
from partnerships.models import Partnership
from tests.pages import every_route

pytestmark = pytest.mark.django_db


def test_a_mentor_opening_the_rating_form_is_told_only_the_protégé_rates(client, world):
    client.force_login(world.mentor)
    home = reverse("home:partnership", args=[world.partnership.pk])
    response = client.get(
        reverse("goals:rating_new", args=[world.partnership.pk]), HTTP_REFERER=f"http://testserver{home}"
    )
    assert response.status_code == 403
    assert "That is not yours to do" in response.text
    assert "Only the protégé rates goals." in response.text
    assert f'href="{home}">Go to the partnership’s page' in response.text
    assert "Go back to the page you came from" not in response.text  # the same page as the pair's


def test_a_protégé_logging_a_call_is_told_only_the_mentor_logs_calls(client, world):
    client.force_login(world.protege)
    goals = reverse("goals:goals", args=[world.partnership.pk])
    response = client.get(
        reverse("sessions_log:session_new", args=[world.partnership.pk]),
        HTTP_REFERER=f"http://testserver{goals}",
    )
    assert response.status_code == 403
    assert "Only the mentor logs calls." in response.text
    assert f'href="{goals}">Go back to the page you came from' in response.text


def test_an_ended_partnership_says_it_can_no_longer_change(client, world):
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.COMPLETED)
    client.force_login(world.protege)
    response = client.get(reverse("goals:rating_new", args=[world.partnership.pk]))
    assert response.status_code == 403
    assert "This partnership has ended" in response.text
    assert "Only the protégé" not in response.text


def test_a_link_back_to_another_site_is_not_offered(client, world):
    client.force_login(world.mentor)
    response = client.get(
        reverse("goals:rating_new", args=[world.partnership.pk]), HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 403
    assert "evil.example" not in response.text


def test_the_words_of_a_refusal_are_shown_as_text(rf: RequestFactory, world):
    request = rf.get("/")
    request.user = world.mentor
    request.resolver_match = None
    response = permission_denied(request, PermissionDenied('<script>alert("x")</script>'))
    assert response.status_code == 403
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;alert" in response.content


def test_every_address_named_in_the_refusals_exists():
    names = {route.name for route in every_route()}
    assert set(WHO_MAY) <= names, set(WHO_MAY) - names


def test_someone_signed_out_who_is_refused_is_told_to_sign_in_again(rf):
    # A sign-in finished in another browser (a replayed SAML response) is refused signed out.
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.post("/accounts/saml/org/acs/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    text = response.content.decode()
    assert "You are not signed in" in text and "That is not yours to do" not in text
    assert reverse("account_login") in text
