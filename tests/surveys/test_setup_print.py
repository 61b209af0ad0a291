"""A survey's results printed from the browser (issue 21): the figures alone,
without the site's header, the program's tabs, buttons or a link to edit."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, _chromium, screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAM = "Leadership Mentoring 2026"


def in_a_browser(base_url: str, journey) -> None:
    """Runs ``journey(page)`` in a Chromium of its own, on a thread of its own:
    the browser tests' session-wide Playwright (tests/browser/conftest.py) may
    be running on this thread, and Playwright's sync API runs one a thread."""

    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                journey(page)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def test_a_surveys_results_print_without_navigation_buttons_or_edit_links(live_server):
    call_command("seed_demo", stdout=io.StringIO())
    in_a_browser(live_server.url, print_the_results)


def print_the_results(page: Page) -> None:
    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name=PROGRAM).click()
    page.get_by_role("navigation", name=PROGRAM).get_by_role("link", name="Surveys").click()
    page.get_by_role("button", name="Results Monthly pulse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of “Monthly pulse”")
    edit = page.get_by_role("button", name="Edit the survey")
    expect(edit).to_be_visible()

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".survey-result").first).to_be_visible()
    expect(page.locator(".survey-figures")).to_be_visible()
    for hidden in (
        page.locator(".site-header"),
        page.locator(".site-footer"),
        page.locator(".eyebrow"),
        page.get_by_role("navigation", name=PROGRAM),
        edit,
    ):
        expect(hidden).to_be_hidden()
    shown = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main [role=button]')]
            .filter(e => e.getClientRects().length).map(e => e.textContent.trim())"""
    )
    assert shown == [], shown
    # A question's figures never split across pages.
    assert page.locator(".survey-result").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    screenshot(page, "survey-results-print")

    page.emulate_media(media="screen")
    page.locator(".eyebrow").get_by_role("link", name="Surveys").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Surveys of")
    page.emulate_media(media="print")
    for name in ("Results Monthly pulse", "Edit Monthly pulse", "Pause Monthly pulse"):
        expect(page.get_by_role("button", name=name)).to_be_hidden()
    expect(page.get_by_role("heading", name="Monthly pulse")).to_be_visible()
