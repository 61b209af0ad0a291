"""Accounts from the organisation's SAML identity provider, over real HTTP:
the first sign-in makes the account with what the provider sent, a verified
address links to the account that has it, an unverified one never takes an
account over, and a deactivated account is refused."""

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp

from accounts.models import User
from tests.factories import UserFactory

from .saml_flow import post_to_acs, signed_in_user_id, signed_response
from .saml_idp import *  # noqa: F403 - the identity provider's fixtures
from .saml_idp import SAML_ACCOUNTS, saml_environment

pytestmark = pytest.mark.django_db(transaction=True)

ADA, MALLORY, QUINN = SAML_ACCOUNTS[0], SAML_ACCOUNTS[1], SAML_ACCOUNTS[2]
assert "email_verified" not in QUINN


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


def sign_in(http, live_server, saml_idp, email) -> requests.Response:
    return post_to_acs(http, saml_idp, signed_response(http, saml_idp, live_server.url, email).form())


def test_the_first_sign_in_makes_the_account_from_what_the_provider_sent(
    http, live_server, saml_idp, saml_app
):
    sign_in(http, live_server, saml_idp, ADA["email"])
    user = User.objects.get(email__iexact=ADA["email"])
    assert signed_in_user_id(http) == str(user.pk)
    assert user.display_name == "Ada Byron"  # displayName
    assert user.time_zone == "Europe/London"
    assert user.language == "en"
    assert EmailAddress.objects.get(user=user).verified
    assert not user.has_usable_password()


def test_an_identity_provider_set_in_the_environment_by_its_metadata_signs_people_in(
    http, live_server, saml_idp, settings
):
    """No app in the admin: the deployment's ``SSO_SAML_*`` variables, with
    the identity provider's metadata URL (its certificate and sign-in URL are
    read from there)."""
    from mentoring.sso import providers_from_environment

    environment = saml_environment(saml_idp, SSO_SAML_IDP_METADATA_URL=saml_idp.metadata_url)
    del environment["SSO_SAML_IDP_SSO_URL"], environment["SSO_SAML_IDP_X509_CERT"]
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(environment)
    sign_in(http, live_server, saml_idp, ADA["email"])
    user = User.objects.get(email__iexact=ADA["email"])
    assert signed_in_user_id(http) == str(user.pk)
    assert user.display_name == "Ada Byron"


def test_the_second_sign_in_reuses_the_account(http, live_server, saml_idp, saml_app):
    sign_in(http, live_server, saml_idp, ADA["email"])
    first = User.objects.get(email__iexact=ADA["email"])
    with requests.Session() as again:
        sign_in(again, live_server, saml_idp, ADA["email"])
        assert signed_in_user_id(again) == str(first.pk)
    assert User.objects.filter(email__iexact=ADA["email"]).count() == 1
    assert SocialAccount.objects.filter(user=first).count() == 1


def test_a_verified_address_signs_in_to_the_account_that_has_it(http, live_server, saml_idp, saml_app):
    existing = UserFactory(email=ADA["email"], display_name="Ada from before")
    sign_in(http, live_server, saml_idp, ADA["email"])
    assert signed_in_user_id(http) == str(existing.pk)
    assert SocialAccount.objects.get(uid=ADA["id"]).user == existing
    assert User.objects.filter(email__iexact=ADA["email"]).count() == 1


def test_an_unverified_address_does_not_take_over_the_account_that_has_it(
    http, live_server, saml_idp, saml_app
):
    assert MALLORY["email_verified"] is False
    existing = UserFactory(email=MALLORY["email"], display_name="Morgan Mentor")
    answer = sign_in(http, live_server, saml_idp, MALLORY["email"])
    assert answer.status_code < 500
    assert signed_in_user_id(http) != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()
    existing.refresh_from_db()
    assert existing.display_name == "Morgan Mentor"
    assert User.objects.filter(email__iexact=MALLORY["email"]).count() == 1


def test_an_unverified_address_makes_no_account(http, live_server, saml_idp, saml_app):
    answer = sign_in(http, live_server, saml_idp, MALLORY["email"])
    assert 400 <= answer.status_code < 500
    assert signed_in_user_id(http) is None
    assert not User.objects.filter(email__iexact=MALLORY["email"]).exists()


def test_a_deactivated_account_is_refused(http, live_server, saml_idp, saml_app, mailoutbox):
    sign_in(http, live_server, saml_idp, ADA["email"])
    User.objects.filter(email__iexact=ADA["email"]).update(is_active=False)
    mailoutbox.clear()
    with requests.Session() as again:
        sign_in(again, live_server, saml_idp, ADA["email"])
        assert signed_in_user_id(again) is None
    assert mailoutbox == []


def test_an_address_the_provider_does_not_vouch_for_makes_no_account(http, live_server, saml_idp, saml_app):
    answer = sign_in(http, live_server, saml_idp, QUINN["email"])
    assert 400 <= answer.status_code < 500
    assert signed_in_user_id(http) is None
    assert not User.objects.filter(email__iexact=QUINN["email"]).exists()


def test_the_app_can_vouch_for_the_organisations_domain(http, live_server, saml_idp, saml_app):
    """``verified_email``: the organisation's identity provider is trusted for
    addresses at its own domains, and only those."""
    SocialApp.objects.filter(pk=saml_app.pk).update(
        settings=saml_app.settings | {"verified_email": ["acme.example"]}
    )
    sign_in(http, live_server, saml_idp, QUINN["email"])
    quinn = User.objects.get(email__iexact=QUINN["email"])
    assert signed_in_user_id(http) == str(quinn.pk)
    assert EmailAddress.objects.get(user=quinn).verified

    existing = UserFactory(email=MALLORY["email"], display_name="Morgan Mentor")
    with requests.Session() as mallory:
        sign_in(mallory, live_server, saml_idp, MALLORY["email"])
        assert signed_in_user_id(mallory) is None
    assert not SocialAccount.objects.filter(user=existing).exists()
