"""Signing in with OpenID Connect over HTTP, against the real provider
(tests/idp/oidc.mjs): the callback's ``state`` and the ID token's ``nonce``
must be this sign-in's, and a person the provider refuses gets no account."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from accounts.adapter import NONCE_STATE_KEY
from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.sso.oidc_idp import *  # noqa: F403 - the provider's fixtures
from tests.sso.oidc_idp import CALLBACK_PATH, OIDC_PROVIDER_ID, OidcIdp

pytestmark = pytest.mark.django_db

LOGIN_PATH = f"/accounts/oidc/{OIDC_PROVIDER_ID}/login/"


def start_sign_in(client: Client) -> str:
    """Presses "Sign in with Example Org": the authorization URL allauth sends the browser to."""
    response = client.post(LOGIN_PATH)
    assert response.status_code == 302
    return response["Location"]


def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Goes through the provider as a browser would, typing ``login``; returns
    the URL it sends the browser back to (allauth's callback)."""
    browser = requests.Session()
    url = authorization_url
    for _ in range(10):
        if url.startswith("http://testserver"):
            return url
        if "/interaction/" in url and not url.rstrip("/").endswith("/login"):
            page = browser.get(url, allow_redirects=False)
            if page.status_code == 200:  # the login form
                url = url.split("?")[0].rstrip("/") + "/login"
                answer = browser.post(url, data={"login": login}, allow_redirects=False)
                url = answer.headers["Location"]
                continue
            url = page.headers["Location"]
            continue
        answer = browser.get(url, allow_redirects=False)
        assert answer.status_code in (302, 303), answer.text
        url = answer.headers["Location"]
        if url.startswith("/"):
            url = authorization_url.split("/auth")[0] + url
    raise AssertionError(f"The provider did not send the browser back: {url}")


def test_the_authorization_request_carries_state_nonce_and_pkce(client, oidc_app, oidc_idp: OidcIdp):
    query = parse_qs(urlsplit(start_sign_in(client)).query)
    assert query["client_id"] == [oidc_idp.client_id]
    assert query["redirect_uri"] == ["http://testserver" + CALLBACK_PATH]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}


def test_a_first_sign_in_makes_the_account_and_signs_in(client, oidc_app):
    callback = sign_in_at_provider(start_sign_in(client), "ada.lovelace@example.org")
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 302
    ada = User.objects.get(email="ada.lovelace@example.org")
    assert (ada.display_name, ada.time_zone, ada.language) == ("Ada Lovelace", "Europe/London", "en-GB")
    assert not ada.has_usable_password()
    assert ada.emailaddress_set.get().verified
    assert client.get("/").status_code == 200  # signed in


def test_an_unknown_time_zone_keeps_the_default(client, oidc_app):
    callback = sign_in_at_provider(start_sign_in(client), "grace.hopper@example.org")
    client.get(callback.removeprefix("http://testserver"))
    grace = User.objects.get(email="grace.hopper@example.org")
    assert (grace.display_name, grace.time_zone, grace.language) == ("Grace Hopper", "UTC", "")


def test_a_callback_with_another_state_is_refused(client, oidc_app):
    callback = sign_in_at_provider(start_sign_in(client), "ada.lovelace@example.org")
    _url, _, query = callback.partition("?")
    params = parse_qs(query)
    params["state"] = ["not-the-state-we-sent"]
    response = client.get(CALLBACK_PATH, {key: values[0] for key, values in params.items()})
    assert b"You are not signed in" in response.content
    assert not User.objects.filter(email="ada.lovelace@example.org").exists()
    assert client.get("/").status_code == 302  # still signed out


def test_an_id_token_with_another_nonce_is_refused(client, oidc_app):
    authorization_url = start_sign_in(client)
    callback = sign_in_at_provider(authorization_url, "ada.lovelace@example.org")
    # The same callback, in a session that sent another nonce: the provider's
    # signed ID token carries the nonce of the request it answered.
    session = client.session
    states = session["socialaccount_states"]
    for state, *_rest in states.values():
        state[NONCE_STATE_KEY] = "a-nonce-this-sign-in-never-sent"
    session["socialaccount_states"] = states
    session.save()
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 403
    assert b"did not match this sign-in" in response.content
    assert not User.objects.filter(email="ada.lovelace@example.org").exists()
    assert not SocialAccount.objects.exists()
    assert client.get("/").status_code == 302


def test_a_person_the_provider_refuses_gets_no_account(client, oidc_app):
    callback = sign_in_at_provider(start_sign_in(client), "lee.leaver@example.org")
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    response = client.get(callback.removeprefix("http://testserver"), follow=True)
    assert response.status_code == 200
    assert b"did not let you in" in response.content
    assert not User.objects.filter(email="lee.leaver@example.org").exists()
    assert client.get("/").status_code == 302


def test_a_verified_address_signs_in_to_the_existing_account(client, oidc_app):
    ada = UserFactory(email="ada.lovelace@example.org", display_name="Ada L.")
    callback = sign_in_at_provider(start_sign_in(client), "ada.lovelace@example.org")
    client.get(callback.removeprefix("http://testserver"))
    assert SocialAccount.objects.get().user == ada
    assert User.objects.filter(email="ada.lovelace@example.org").count() == 1
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)  # password sign-in stays
    assert client.get("/").status_code == 200

    # The second sign-in reuses the linked account.
    client.logout()
    callback = sign_in_at_provider(start_sign_in(client), "ada.lovelace@example.org")
    client.get(callback.removeprefix("http://testserver"))
    assert client.get("/").status_code == 200
    assert (User.objects.count(), SocialAccount.objects.count()) == (1, 1)


def test_an_unverified_address_does_not_take_over_the_account(client, oidc_app):
    owner = UserFactory(email="taken@example.org")
    callback = sign_in_at_provider(start_sign_in(client), "mallory")
    response = client.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 403
    assert b"did not confirm your email address" in response.content
    assert not SocialAccount.objects.exists()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert client.get("/").status_code == 302
