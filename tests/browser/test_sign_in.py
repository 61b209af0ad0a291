import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_mentor_signs_in_sees_home_and_signs_out(page: Page, world):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    sign_in(page, world.mentor.email, "not my password")
    expect(page.get_by_role("alert")).to_contain_text(
        "That email and password don't match an account. Check them, or reset your password."
    )
    expect(page.get_by_label("Email")).to_have_value(world.mentor.email)
    assert_accessible(page)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome, Morgan Mentor")).to_be_visible()
    expect(page.get_by_text("Welcome, Morgan Mentor.")).to_have_count(0)  # no message repeating it
    expect(page.get_by_role("heading", name="Sam Protégé")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")


def test_the_sixth_quick_wrong_attempt_is_rate_limited(page: Page, world):
    page.goto("/accounts/login/")
    for _ in range(5):
        sign_in(page, world.protege.email, "a wrong password")
        expect(page.get_by_role("alert")).to_contain_text("don't match an account")
    sign_in(page, world.protege.email, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Too many failed login attempts")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_a_protege_changes_their_name_and_time_zone(page: Page, world):
    page.goto("/accounts/login/")
    sign_in(page, world.protege.email, PASSWORD)
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Display name").fill("Sam the Protégé")
    page.get_by_label("Time zone", exact=True).select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save name, time zone and language").click()
    expect(page.locator("#account").get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_label("Display name")).to_have_value("Sam the Protégé")
    assert_accessible(page)


def test_the_site_admin_signs_in_to_the_admin_through_the_password_and_the_authenticator_app(
    page: Page, world
):
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    staff = world.admin
    staff.is_staff = staff.is_superuser = True
    staff.save()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    page.goto("/admin/")
    expect(page).to_have_url("/accounts/login/?next=%2Fadmin%2F")
    sign_in(page, staff.email, PASSWORD)
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
