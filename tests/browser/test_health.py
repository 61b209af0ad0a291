import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_admin_filters_to_at_risk_pairs_and_nudges_one(
    page: Page, live_server, mailoutbox, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    mailoutbox.clear()

    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Leadership Mentoring 2026").click()
    expect(page.get_by_role("heading", name="Partnerships and their health")).to_be_visible()
    assert_accessible(page)

    # Filter to the pairs at risk: a quick chip, a plain link to the filtered list.
    page.get_by_role("navigation", name="Quick filters").get_by_role("link", name="At risk").click()
    expect(page).to_have_url(re.compile(r"\?health=at_risk#pairs$"))
    rows = page.locator("table.health-table tr.pair-row")  # one per pair, its menu of actions in it
    expect(rows.filter(has_text="Lucas Silva")).to_have_count(1)
    for row in rows.all():
        expect(row).to_contain_text("At risk")
    expect(rows.filter(has_text="Emma Johansson")).to_have_count(0)  # stalled, not at risk
    expect(page.get_by_role("link", name="Remove the filter Health: At risk")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "program-health")

    lucas = rows.filter(has_text="Lucas Silva")
    # Nudge them from the row's one menu, and come back to the same filtered list.
    lucas.locator("summary.pair-menu-button").click()
    lucas.locator("summary", has_text="Nudge").click()
    lucas.get_by_label("Your message to both of them").fill(
        "How are your calls going? Could you set the next one?"
    )
    lucas.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_role("status").first).to_contain_text("Your note is on its way")
    expect(page.get_by_label("Health", exact=True)).to_have_value("at_risk")
    chips = page.get_by_role("navigation", name="Quick filters")
    expect(chips.get_by_role("link", name="At risk")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    assert len(mailoutbox) == 2
    assert all("Could you set the next one?" in m.body for m in mailoutbox)
