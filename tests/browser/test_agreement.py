import datetime
import io
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnerships.models import Agreement, Partnership

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_the_demo_mentor_proposes_a_change_the_protege_accepts_and_home_shows_the_next_call(
    page: Page, live_server
):
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    # The pair has not set their next call yet: it is expected from the agreement.
    Partnership.objects.filter(pk=pair.pk).update(next_call_at=None, next_call_time_zone="")
    pair.agreements.filter(status=Agreement.Status.PROPOSED).delete()  # no change waits yet

    # The mentor opens the partnership from home and proposes weekly calls.
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.get_by_role("link", name="Priya Protégé").click()
    expect(page.get_by_role("heading", name="You and Priya Protégé")).to_be_visible()
    expect(page.locator("#next-call")).to_contain_text("Expected by")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Read the agreement")).click()
    expect(page.get_by_role("heading", name="In force: version 2")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Change the terms").click()
    page.get_by_label("Weekly").check()
    page.get_by_label("The deeper topic").fill("40")
    expect(page.locator("[data-boxes-total]")).to_have_text(
        "The boxes add up to 55 minutes: 10 minutes over the 45-minute call."
    )
    page.get_by_label("What changes and why").fill("Weekly while the reorganisation lasts.")
    page.get_by_role("button", name="Propose this change").click()
    # Refused, with what was typed kept and exactly what to fix.
    expect(page.get_by_role("alert")).to_contain_text("10 minutes over the 45-minute call")
    expect(page.get_by_label("The deeper topic")).to_have_value("40")
    expect(page.get_by_label("What changes and why")).to_have_value("Weekly while the reorganisation lasts.")
    assert_accessible(page)
    page.get_by_label("The deeper topic").fill("30")
    expect(page.locator("[data-boxes-total]")).to_have_text("The boxes fill the 45-minute call.")
    page.get_by_role("button", name="Propose this change").click()
    expect(page.get_by_role("status")).to_contain_text("Version 3 is proposed")
    expect(page.get_by_role("heading", name="Version 3: waiting for Priya Protégé")).to_be_visible()
    expect(page.get_by_role("heading", name="In force: version 2")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "agreement-proposed-desktop")
    sign_out(page)

    # The protégé sees what needs her action on her home, reads and accepts.
    sign_in(page, "protege@example.com", "mentoring-demo")
    card = page.locator(".card", has_text="Morgan Mentor")
    accept_link = card.get_by_role(
        "link", name="Read and accept the change to your agreement Morgan Mentor proposed"
    )
    expect(accept_link).to_be_visible()
    assert_accessible(page)
    accept_link.click()
    expect(page.get_by_role("heading", name="Version 3: waiting for you")).to_be_visible()
    expect(page.locator("#proposal")).to_contain_text("Changes: how often.")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    screenshot(page, "agreement-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Accept version 3").click()
    expect(page.get_by_role("status")).to_contain_text("You both accepted version 3")
    expect(page.get_by_role("heading", name="You and Morgan Mentor")).to_be_visible()
    expect(page.locator("#agreement")).to_contain_text("Weekly")
    assert_accessible(page)

    # She sets the next call, in her time zone (New York), on the partnership home.
    new_york = zoneinfo.ZoneInfo("America/New_York")
    call = (timezone.now().astimezone(new_york) + datetime.timedelta(days=6)).replace(
        hour=12, minute=30, second=0, microsecond=0
    )
    page.get_by_label("Date and time of the next call").fill(call.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Set the time").click()
    when = f"{call:%A} {call.day} {call:%B}, 12:30"
    expect(page.locator("#next-call").get_by_role("status")).to_contain_text(
        f"Your next call is set for {when}"
    )
    assert_accessible(page)
    screenshot(page, "partnership-home-protege")

    page.get_by_role("link", name="Home", exact=True).first.click()
    card = page.locator(".card", has_text="Morgan Mentor")
    expect(card).to_contain_text(f"Next call: {when}")
    expect(card).to_contain_text("meeting weekly")
    expect(card.get_by_role("link", name=re.compile("Read and accept"))).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "home-protege")
    sign_out(page)

    # The mentor, in London, sees the same call in his time zone.
    sign_in(page, "mentor@example.com", "mentoring-demo")
    london_call = call.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    card = page.locator(".card", has_text="Priya Protégé")
    expect(card).to_contain_text(
        f"Next call: {london_call:%A} {london_call.day} {london_call:%B}, {london_call:%H:%M}"
    )
    assert_accessible(page)
    screenshot(page, "home-mentor")
    page.get_by_role("link", name="Priya Protégé").click()
    assert_accessible(page)
    screenshot(page, "partnership-home-mentor")

    versions = dict(pair.agreements.values_list("version", "status"))
    assert versions == {
        1: Agreement.Status.SUPERSEDED,
        2: Agreement.Status.SUPERSEDED,
        3: Agreement.Status.IN_FORCE,
    }
