"""The overview's pair actions open from one Actions menu in the pair's row,
with the pair's names in the heading, and fit the screen at 1280 and 375 px
(they used to open in the last column of a table that scrolls sideways: the
Send button ran past the edge and the pair's name scrolled out of view; then
under the row, three links in a row of their own). Refused, the form comes back
open with what was typed and the error beside the field."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIONS = [
    ("Nudge", "Send the nudge"),
    ("Re-match", "End it and match both again"),
    ("Close", "Close the partnership"),
]


def inside_the_screen(page: Page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("width", [1280, 375])
def test_each_pair_action_opens_full_width_and_fits_the_screen(page: Page, live_server, width):
    call_command("seed_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.goto("/programs/demo-leadership/?health=stalled#pairs")
    pair = page.locator("table.health-table tr.pair-row").first
    protege = pair.locator("th[scope=row] .pair-protege").inner_text()
    pair.locator("summary.pair-menu-button").click()
    for summary, button in ACTIONS:
        pair.locator("summary", has_text=summary).click()
        heading = pair.get_by_role("heading", level=3)
        expect(heading).to_be_visible()
        assert protege in heading.inner_text()
        for part in (
            heading,
            pair.locator("details[open] textarea").first,
            pair.get_by_role("button", name=button),
        ):
            part.scroll_into_view_if_needed()
            assert inside_the_screen(page, part), (summary, width)
        screenshot(page, f"pair-action-{summary.lower()}-{width}")
    assert_accessible(page)

    # A nudge refused: the same form, open, with the text kept and the error beside it.
    pair.locator("summary", has_text="Nudge").click()
    pair.get_by_label("Your message to both of them").fill("Hello\u0007 there")
    pair.get_by_role("button", name="Send the nudge").click()
    pair = page.locator("table.health-table tr.pair-row").first
    expect(pair.locator("details[open] .field-error")).to_be_visible()
    expect(pair.get_by_label("Your message to both of them")).to_have_value("Hello\u0007 there")
    expect(page.get_by_label("Health", exact=True)).to_have_value("stalled")
    assert inside_the_screen(page, pair.get_by_role("button", name="Send the nudge"))
    screenshot(page, f"pair-action-refused-{width}")
    assert_accessible(page)
