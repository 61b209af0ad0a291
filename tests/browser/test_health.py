import io

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

    # Filter to the pairs at risk: a plain GET form.
    page.get_by_label("Health", exact=True).select_option("at_risk")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.health-table tbody")  # one per pair: its row and its actions' row
    expect(rows.filter(has_text="Lucas Silva")).to_have_count(1)
    for row in rows.all():
        expect(row).to_contain_text("At risk")
    expect(rows.filter(has_text="Emma Johansson")).to_have_count(0)  # stalled, not at risk
    assert_accessible(page)
    screenshot(page, "program-health")

    lucas = rows.filter(has_text="Lucas Silva")
    # Nudge them, and come back to the same filtered list.
    lucas.locator("summary", has_text="Nudge").click()
    lucas.get_by_label("Your message to both of them").fill(
        "How are your calls going? Could you set the next one?"
    )
    lucas.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_role("status").first).to_contain_text("Your note is on its way")
    expect(page.get_by_label("Health", exact=True)).to_have_value("at_risk")
    assert_accessible(page)
    assert len(mailoutbox) == 2
    assert all("Could you set the next one?" in m.body for m in mailoutbox)
