"""A program open to everyone at its organisation's domain: its admin lists the
domain on the settings page; a person with a verified address there sees
"Join" on their home and joins as a protégé, on a phone."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Browser, Page, expect

from programs.models import Participant
from tests.factories import PASSWORD, UserFactory

from .conftest import assert_accessible
from .test_page_width import overflow
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_opens_the_program_to_a_domain_and_a_person_there_joins_as_protege(
    page: Page, browser: Browser, live_server, world
):
    program = world.program

    # The admin lists the organisation's domain on the settings page.
    page.goto("/accounts/login/")
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{program.slug}/settings/")
    expect(page.get_by_role("heading", name="Join by domain")).to_be_visible()
    page.get_by_role("link", name="Set the domains").click()
    assert_accessible(page)
    page.get_by_label("Domains").fill("gmail.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.get_by_label("Domains")).to_have_value("gmail.com")
    assert_accessible(page)
    page.get_by_label("Domains").fill("Acme.test")
    page.get_by_label("Either: they choose").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("can now join")
    expect(page.locator("#join-by-domain")).to_contain_text("acme.test")
    assert_accessible(page)

    # A person at that domain, their address verified, on a phone.
    kim = UserFactory(email="kim@acme.test", display_name="Kim Park")
    assert EmailAddress.objects.filter(user=kim, email="kim@acme.test", verified=True).exists()
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 375, "height": 800}
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto("/accounts/login/")
        sign_in(phone, kim.email, PASSWORD)
        expect(phone.get_by_role("heading", name="Programs open to you")).to_be_visible()
        assert overflow(phone)[0] <= 375
        assert_accessible(phone)
        phone.get_by_role("button", name=f"Join {program.name}").click()

        expect(phone.get_by_role("heading", name=f"Join {program.name}")).to_be_visible()
        assert overflow(phone)[0] <= 375
        assert_accessible(phone)
        phone.get_by_role("button", name=f"Join {program.name}").click()  # no role chosen yet
        expect(phone.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
        assert_accessible(phone)
        phone.get_by_label("A protégé: I want a mentor").check()
        phone.get_by_role("button", name=f"Join {program.name}").click()

        expect(phone.get_by_role("status")).to_contain_text(
            f"Welcome to {program.name}. You joined as a protégé."
        )
        expect(phone.get_by_role("heading", name="Programs open to you")).to_have_count(0)
        assert overflow(phone)[0] <= 375
        assert_accessible(phone)
        assert Participant.objects.get(program=program, user=kim).role == Participant.Role.PROTEGE
    finally:
        context.close()
