"""Signing in through the organisation's OpenID Connect provider, in a
browser, against the real provider the tests start (tests/idp/oidc.mjs):
real redirects, a signed ID token, PKCE and a nonce. Our pages are checked
with axe and at 375 px; the provider's own login page is not ours."""

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


EXAMPLE_ORG = ProviderPage(button="Sign in with Example Org", field="Login", submit="Continue")


def test_the_sign_in_page_offers_the_organisation_and_fits_a_phone(page: Page, oidc_app):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name=EXAMPLE_ORG.button)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()  # passwords stay
    assert page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert_accessible(page)


def test_the_first_sign_in_makes_the_account_and_the_second_reuses_it(page: Page, oidc_app):
    sign_in_through(page, EXAMPLE_ORG, "ada.lovelace@example.org")
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    assert_accessible(page)
    ada = User.objects.get(email="ada.lovelace@example.org")
    assert (ada.display_name, ada.time_zone, ada.language) == ("Ada Lovelace", "Europe/London", "en-GB")
    assert ada.emailaddress_set.get().verified

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    # Still signed in at the provider: it sends the browser straight back.
    sign_in_through(page, EXAMPLE_ORG, None)
    expect(page.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    assert User.objects.filter(email="ada.lovelace@example.org").count() == 1
    assert SocialAccount.objects.filter(user=ada).count() == 1


def test_an_unverified_address_cannot_take_over_an_account(page: Page, oidc_app):
    owner = UserFactory(email="taken@example.org", display_name="Tess Owner")
    sign_in_through(page, EXAMPLE_ORG, "mallory")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("did not confirm your email address")
    assert_accessible(page)
    assert not SocialAccount.objects.exists()

    # The owner still signs in with their password.
    page.get_by_role("link", name="Back to sign in").click()
    sign_in(page, owner.email, PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Tess Owner")).to_be_visible()


def test_a_person_the_provider_refuses_is_told_and_not_signed_in(page: Page, oidc_app):
    sign_in_through(page, EXAMPLE_ORG, "lee.leaver@example.org")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="lee.leaver@example.org").exists()


def test_an_sso_account_is_not_offered_app_mfa(page: Page, oidc_app):
    sign_in_through(page, EXAMPLE_ORG, "grace.hopper@example.org")
    expect(page.get_by_role("heading", name="Welcome, Grace Hopper")).to_be_visible()
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", name="Handled by your organisation")).to_be_visible()
    expect(page.get_by_role("button", name="Set up an authenticator app")).to_have_count(0)
    assert_accessible(page)


def test_a_password_account_is_still_offered_app_mfa(page: Page, world):
    page.goto("/accounts/login/")
    sign_in(page, world.mentor.email, PASSWORD)
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("button", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("heading", name="Handled by your organisation")).to_have_count(0)
