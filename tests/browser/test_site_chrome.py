"""What every page shares: the header (one compact bar with a menu on a phone,
the links in the bar on a laptop, with or without JavaScript), the profile in
sections that save on their own, the sign-in, sign-up, password and email pages
in the product's words, and a refusal that says who may do it. Each at 1280 and
375 px, checked with axe and kept as screenshots under test-results/."""

import datetime
import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from programs.models import Invitation
from reminders.models import Kind
from tests.factories import PASSWORD
from tests.reminders.conftest import a_reminder

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
LAPTOP = {"width": 1280, "height": 900}


def header_height(page: Page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def test_on_a_phone_the_header_is_one_bar_whose_menu_opens_by_keyboard(page: Page, world):
    a_reminder(world, kind=Kind.CHECK_IN, object_key="day_before", recipient=world.mentor)
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    sign_in(page, world.mentor.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.locator("summary")

    expect(menu).to_be_visible()
    assert header_height(page) <= 64  # was 215 px: brand, four links and a button on three rows
    expect(nav.get_by_role("link", name="Notifications")).to_be_hidden()
    # The unread count shows on the closed menu's button too (htmx fills it).
    expect(menu).to_contain_text("1 unread")
    screenshot(page, "chrome-header-375-closed")
    assert_accessible(page)

    menu.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "chrome-header-375-open")
    assert_accessible(page)

    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Notifications")).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    nav.get_by_role("link", name=re.compile("Your profile")).click()
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications")).to_be_hidden()  # closed on the new page
    menu.click()
    expect(nav.get_by_role("link", name=re.compile("Your profile"))).to_have_attribute("aria-current", "page")


def test_on_a_laptop_the_links_sit_in_the_bar_without_a_menu_button(page: Page, world):
    a_reminder(world, kind=Kind.CHECK_IN, object_key="day_before", recipient=world.mentor)
    page.set_viewport_size(LAPTOP)
    page.goto("/accounts/login/")
    sign_in(page, world.mentor.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    expect(nav.locator("summary")).to_be_hidden()
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    expect(page.locator(".site-header .badge--unread")).to_have_text("1 unread")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    assert header_height(page) <= 64
    screenshot(page, "chrome-header-1280")
    assert_accessible(page)


def test_the_menu_opens_without_javascript(browser: Browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        sign_in(page, world.protege.email, PASSWORD)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Notifications")).to_be_hidden()
        nav.locator("summary").click()
        expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
        nav.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    finally:
        context.close()


def test_the_profile_saves_each_section_on_its_own(page: Page, world):
    mentor = world.partnership.mentor
    for viewport, name in ((LAPTOP, "1280"), (PHONE, "375")):
        page.set_viewport_size(viewport)
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        sign_in(page, world.mentor.email, PASSWORD)
        page.goto("/me/profile/")
        screenshot(page, f"chrome-profile-{name}")
        assert_accessible(page)

    account = page.locator("#account")
    program = page.locator(f"#program-{world.program.slug}")
    account.get_by_label("Display name").fill("Morgan M.")
    account.get_by_role("button", name="Save name, time zone and language").click()
    expect(account.get_by_role("status")).to_have_text("Your profile is saved.")
    expect(page.locator("#messages")).to_be_empty()  # said in the section, not at the top

    # Saving one section keeps what was typed in the others, saying it is not saved yet.
    account.get_by_label("Display name").fill("Typed but not saved")
    program.get_by_label("About you").fill("Typed intro")
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.locator("#reminders").get_by_role("status")).to_have_text("Your reminder settings are saved.")
    expect(account.get_by_label("Display name")).to_have_value("Typed but not saved")
    expect(program.get_by_label("About you")).to_have_value("Typed intro")
    for section in (account, program):
        expect(section.get_by_role("status")).to_contain_text("not saved yet")
    screenshot(page, "chrome-profile-375-kept-unsaved")
    assert_accessible(page)
    world.mentor.refresh_from_db()
    assert world.mentor.display_name == "Morgan M."

    # Enter in a section's field saves that section, not the first one on the page.
    program.get_by_label("How many protégés").press("Enter")
    expect(program.get_by_role("status")).to_have_text(f"Your profile in {world.program.name} is saved.")
    expect(account.get_by_label("Display name")).to_have_value("Typed but not saved")
    mentor.refresh_from_db()
    assert mentor.intro == "Typed intro"

    # A refused section keeps what was typed and says why beside the field;
    # the account section keeps what was typed too.
    program.get_by_label("About you").fill("Twenty years in sales.")
    program.get_by_label("How many protégés").fill("0")
    program.get_by_role("button", name=re.compile("Save your")).click()
    program = page.locator(f"#program-{world.program.slug}")
    expect(program.locator(".error-summary")).to_be_focused()
    expect(program.locator(".field-error")).to_contain_text("1")
    expect(program.get_by_label("About you")).to_have_value("Twenty years in sales.")
    expect(page.locator("#account").get_by_label("Display name")).to_have_value("Typed but not saved")
    screenshot(page, "chrome-profile-375-refused")
    assert_accessible(page)
    mentor.refresh_from_db()
    assert mentor.capacity == 2 and mentor.intro == "Typed intro"

    page.locator("#calendar").get_by_role("button", name="Get my calendar link").click()
    calendar = page.locator("#calendar")
    expect(calendar.get_by_role("status")).to_contain_text("Your calendar link is ready.")
    expect(calendar.get_by_label("Your private calendar link")).to_have_value(re.compile(r"\.ics$"))


def test_sign_in_and_password_reset_speak_in_sentence_case(page: Page, world, mailoutbox):
    for viewport, name in ((LAPTOP, "1280"), (PHONE, "375")):
        page.set_viewport_size(viewport)
        page.goto("/accounts/login/")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        expect(page.get_by_label("Keep me signed in on this device")).to_be_visible()
        screenshot(page, f"chrome-sign-in-{name}")
        assert_accessible(page)
        page.get_by_role("link", name="Forgotten your password?").click()
        expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
        screenshot(page, f"chrome-reset-{name}")
        assert_accessible(page)

    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.locator(".error-summary")).to_be_focused()  # no address typed
    assert_accessible(page)
    page.get_by_label("Email address").fill(world.protege.email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "chrome-reset-done-375")
    assert_accessible(page)
    assert len(mailoutbox) == 1

    key = f"{user_pk_to_url_str(world.protege)}-{default_token_generator.make_token(world.protege)}"
    page.goto(f"/accounts/password/reset/key/{key}/")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("a new long passphrase")
    page.get_by_label("New password again").fill("not the same passphrase")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.locator(".field-error")).to_contain_text("same password")
    screenshot(page, "chrome-reset-key-375")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("a new long passphrase")
    page.get_by_label("New password again").fill("a new long passphrase")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome|Your password is changed"))).to_be_visible()

    page.goto(f"/accounts/password/reset/key/{key}/")  # used once already
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert_accessible(page)


def test_sign_up_from_an_invitation_and_the_email_page(page: Page, world):
    invitation = Invitation(
        program=world.program,
        email="new.person@example.org",
        name="Nova",
        role="protege",
        invited_by=world.admin,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    token = invitation.new_token()
    invitation.save()
    for viewport, name in ((LAPTOP, "1280"), (PHONE, "375")):
        page.set_viewport_size(viewport)
        page.goto(f"/invitations/{token}/")
        expect(page.get_by_role("heading", name=f"Join {world.program.name} as a protégé")).to_be_visible()
        screenshot(page, f"chrome-sign-up-{name}")
        assert_accessible(page)

    page.context.clear_cookies()
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", name="Joining is by invitation")).to_be_visible()
    assert_accessible(page)

    page.goto("/accounts/login/")
    sign_in(page, world.protege.email, PASSWORD)
    for viewport, name in ((LAPTOP, "1280"), (PHONE, "375")):
        page.set_viewport_size(viewport)
        page.goto("/accounts/email/")
        expect(page.get_by_role("heading", name="Your email addresses")).to_be_visible()
        screenshot(page, f"chrome-email-{name}")
        assert_accessible(page)
        page.goto("/accounts/password/change/")
        expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
        screenshot(page, f"chrome-password-change-{name}")
        assert_accessible(page)


def test_a_refusal_says_who_may_do_it_and_leads_back(page: Page, world):
    pair = world.partnership
    page.goto("/accounts/login/")
    sign_in(page, world.mentor.email, PASSWORD)
    for viewport, name in ((LAPTOP, "1280"), (PHONE, "375")):
        page.set_viewport_size(viewport)
        page.goto(f"/partnerships/{pair.pk}/ratings/new/")
        expect(page.get_by_role("heading", name="That is not yours to do")).to_be_visible()
        expect(page.get_by_text("Only the protégé rates goals.")).to_be_visible()
        screenshot(page, f"chrome-403-{name}")
        assert_accessible(page)
    page.get_by_role("link", name="Go to the partnership’s page").click()
    expect(page).to_have_url(f"/partnerships/{pair.pk}/")
