"""Signing in through the organisation's SAML 2.0 identity provider, in a
browser, against the real identity provider the tests start
(tests/idp/saml.mjs): the AuthnRequest by redirect, a signed response POSTed
back by the provider's page. Every page is checked with axe; ours at 375 px."""

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.sso.sign_in_steps import ProviderPage, sign_in_through

from .conftest import assert_accessible
from .test_page_width import WIDER_THAN_THE_PAGE
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADA = "ada.byron@acme.example"
# Every page is checked with axe: the identity provider's too, before anything is typed on it.
ACME = ProviderPage(
    button="Sign in with Acme", field="Email", submit="Sign in", heading="Test identity provider"
)


def test_the_sign_in_page_offers_the_organisation_and_fits_a_phone(page: Page, saml_app):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name=ACME.button)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()  # passwords stay
    assert page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert_accessible(page)


def test_the_first_sign_in_makes_the_account_and_the_second_reuses_it(page: Page, saml_app):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in_through(page, ACME, ADA, check=assert_accessible)
    expect(page.get_by_role("heading", name="Welcome, Ada Byron")).to_be_visible()
    assert page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert_accessible(page)
    ada = User.objects.get(email=ADA)
    assert (ada.display_name, ada.time_zone, ada.language) == ("Ada Byron", "Europe/London", "en")
    assert ada.emailaddress_set.get().verified

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in_through(page, ACME, ADA, check=assert_accessible)
    expect(page.get_by_role("heading", name="Welcome, Ada Byron")).to_be_visible()
    assert User.objects.filter(email=ADA).count() == 1
    assert SocialAccount.objects.filter(user=ada, provider="acme").count() == 1


def test_an_unverified_address_cannot_take_over_an_account(page: Page, saml_app):
    owner = UserFactory(email="morgan.mentor@example.com", display_name="Morgan Mentor")
    sign_in_through(page, ACME, "morgan.mentor@example.com", check=assert_accessible)
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("did not confirm your email address")
    assert_accessible(page)
    assert not SocialAccount.objects.exists()

    # The owner still signs in with their password.
    page.get_by_role("link", name="Back to sign in").click()
    sign_in(page, owner.email, PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Morgan Mentor")).to_be_visible()


def test_a_person_the_identity_provider_refuses_is_told_and_not_signed_in(page: Page, saml_app):
    sign_in_through(page, ACME, "lee.left@acme.example", check=assert_accessible)
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="lee.left@acme.example").exists()
