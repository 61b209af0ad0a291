"""The outcome report in a browser (issue 21): the demo admin opens it from the
program's navigation, it passes axe, fits a phone, and prints without the site's
navigation."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_admin_reads_and_prints_the_outcomes(page: Page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Leadership Mentoring 2026").click()
    page.get_by_role("navigation", name="Leadership Mentoring 2026").get_by_role(
        "link", name="Outcomes"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes")
    for category in ["SMART", "Competency / job skill", "Real-time situation"]:
        expect(page.get_by_role("heading", name=category, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Download the outcomes (CSV)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "program-outcomes")
    # The bars of each chart end at the same place; the calls' label holds on one line.
    ends = page.evaluate(
        """() => [...document.querySelectorAll('.outcome-chart')].map(chart =>
            new Set([...chart.querySelectorAll('.outcome-bar svg')].map(s => Math.round(s.getBoundingClientRect().right))).size)"""
    )
    assert all(size <= 1 for size in ends), ends
    calls = page.locator(".outcome-chart p.small", has_text="Calls held of agreed").first
    assert calls.evaluate("e => e.getClientRects().length === 1 && e.offsetHeight < 30")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert_accessible(page)

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Leadership Mentoring 2026")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Download the outcomes (CSV)")).to_be_hidden()
    expect(page.get_by_role("heading", name="SMART", exact=True)).to_be_visible()
    expect(page.get_by_text("Figures as of")).to_be_visible()
    # A table or a chart never splits across pages; a section may, so the title is not alone on page one.
    styles = page.evaluate(
        """() => ['.outcome-table', '.chart-card', '.outcome-section'].map(s =>
            getComputedStyle(document.querySelector(s)).breakInside)"""
    )
    assert styles == ["avoid", "avoid", "auto"], styles
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
