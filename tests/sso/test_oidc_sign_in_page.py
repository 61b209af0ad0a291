"""The sign-in page with organisations' identity providers set up in the
admin (Social applications): one button each, in the same number of queries
however many there are."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def add_providers(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        SocialApp.objects.create(
            provider="openid_connect",
            provider_id=f"org{number}",
            name=f"Organisation {number}",
            client_id=f"client-{number}",
            secret="not-a-secret",
            settings={"server_url": f"https://idp{number}.example.org"},
        )


def test_each_provider_has_its_button_and_the_password_form_stays(client):
    add_providers(2)
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Organisation 0" in page
    assert "Sign in with Organisation 1" in page
    assert 'action="/accounts/oidc/org1/login/' in page
    assert 'name="password"' in page


def test_the_sign_in_page_costs_the_same_queries_for_one_provider_or_five(client):
    add_providers(1)
    client.get("/accounts/login/")  # warm caches that are not the page's
    with CaptureQueriesContext(connection) as one:
        assert client.get("/accounts/login/").status_code == 200
    add_providers(4, start=1)
    with CaptureQueriesContext(connection) as five:
        page = client.get("/accounts/login/").content.decode()
    assert page.count("Sign in with Organisation") == 5
    assert len(five) == len(one)
