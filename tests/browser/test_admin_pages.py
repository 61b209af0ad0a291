"""The program admin's two working pages, walked as the demo admin at 1280 and
375 px (issue 17): the overview (a quick filter chip, a row's one Actions menu,
a nudge) and the matching board (the proposal's summary and Publish at the top,
a suggestion set aside and the next swapped in, one accepted and the next
protégé's suggestions swapped in). Every page passes axe and fits the screen."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from partnerships.models import Partnership

from .conftest import assert_accessible, screenshot
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERVIEW = "/programs/demo-leadership/"
BOARD = "/programs/demo-leadership/matching/"


def fits_the_screen(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{scroll_width}px of content in {client_width}px on {page.url}"


def inside_the_screen(page: Page, locator) -> bool:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def mark_the_page(page: Page) -> None:
    """A mark that a page load would wipe: still there after an htmx swap in place."""
    page.evaluate("() => { window.notReloaded = true; }")


def still_the_same_page(page: Page) -> bool:
    return page.evaluate("() => window.notReloaded === true")


@pytest.fixture
def admin_page(page: Page, live_server, settings, eager_tasks) -> Page:
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


@pytest.mark.parametrize("width", [1280, 375])
def test_the_admin_filters_by_a_chip_and_nudges_a_pair_from_its_menu(admin_page: Page, mailoutbox, width):
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(OVERVIEW)
    charts = page.locator(".chart-cards")
    for name in ["% of protégés have a mentor", "calls the agreed rhythms expect", "Average goal rating"]:
        expect(charts.get_by_role("img", name=re.compile(name))).to_have_count(1)
    assert_accessible(page)
    fits_the_screen(page)
    screenshot(page, f"admin-overview-{width}")

    # A quick chip filters to the stalled pairs; its own chip removes the filter again.
    page.get_by_role("navigation", name="Quick filters").get_by_role(
        "link", name=re.compile("^Stalled")
    ).click()
    expect(page).to_have_url(re.compile(r"\?health=stalled#pairs$"))
    rows = page.locator("table.health-table tr.pair-row")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        expect(row.locator(".badge--health-stalled")).to_have_text("Stalled")
    remove = page.get_by_role("link", name="Remove the filter Health: Stalled")
    expect(remove).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
    remove.click()
    expect(page).to_have_url(re.compile(r"/programs/demo-leadership/#pairs$"))
    expect(page.get_by_role("link", name="Remove the filter Health: Stalled")).to_have_count(0)

    # The at-risk chip, then Lucas's menu, opened from the keyboard.
    page.get_by_role("navigation", name="Quick filters").get_by_role(
        "link", name=re.compile("^At risk")
    ).click()
    lucas = page.locator("tr.pair-row", has_text="Lucas Silva")
    menu = lucas.locator("summary.pair-menu-button")
    expect(menu).to_have_accessible_name("Actions for Lucas Silva and Marcus Chen")
    expect(lucas.locator("summary", has_text="Nudge")).to_be_hidden()  # closed until opened
    menu.focus()
    page.keyboard.press("Enter")
    expect(lucas.locator("details.pair-menu")).to_have_attribute("open", "")
    nudge = lucas.locator("summary", has_text="Nudge")
    nudge.focus()
    page.keyboard.press("Enter")
    message = lucas.get_by_label("Your message to both of them")
    expect(message).to_be_visible()
    send = lucas.get_by_role("button", name="Send the nudge")
    assert inside_the_screen(page, message) and inside_the_screen(page, send)
    assert_accessible(page)
    fits_the_screen(page)
    screenshot(page, f"admin-overview-actions-{width}")
    message.fill("How are your calls going? Could you set the next one?")
    send.click()
    expect(page.get_by_role("status").first).to_contain_text("Your note is on its way")
    chips = page.get_by_role("navigation", name="Quick filters")
    expect(chips.get_by_role("link", name=re.compile("^At risk"))).to_have_attribute("aria-current", "true")
    nudges = [m for m in mailoutbox if "Could you set the next one?" in m.body]
    assert sorted(m.to[0] for m in nudges) == sorted(
        Partnership.objects.filter(protege__user__display_name="Lucas Silva").values_list(
            "protege__user__email", "mentor__user__email"
        )[0]
    )
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_admin_works_through_suggestions_swapped_in_place(admin_page: Page, width):
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(BOARD)
    page.locator("#waiting").get_by_role("link").first.click()
    suggestions = page.locator("#suggestions")
    heading = suggestions.get_by_role("heading", level=2)
    expect(heading).to_have_text(re.compile("^Suggestions for "))
    first = heading.inner_text().removeprefix("Suggestions for ")
    best = suggestions.locator("ol.suggestions > li").first
    # Reasons read as pass or fail marks, in words too, with a score bar and its number.
    expect(best.locator(".check-mark").first).to_be_visible()
    expect(best.locator(".checks")).to_contain_text(re.compile("Fits:|Does not fit:"))
    expect(best.locator(".score-number")).to_contain_text(re.compile(r"Score \d+/100"))
    assert_accessible(page)
    fits_the_screen(page)
    screenshot(page, f"admin-board-suggestions-{width}")

    # Not this one: the next suggestion takes its place, on the same page (htmx).
    mark_the_page(page)
    set_aside = best.get_by_role("heading", level=3).inner_text()
    best.get_by_role("link", name=re.compile("^Not this one")).click()
    expect(suggestions.get_by_text("You set 1 mentor aside for now.")).to_be_visible()
    expect(suggestions.get_by_role("heading", level=3, name=set_aside, exact=True)).to_have_count(0)
    assert still_the_same_page(page)
    expect(heading).to_be_focused()

    # Accept the best left: the next protégé's suggestions take their place.
    best = suggestions.locator("ol.suggestions > li").first
    mentor = best.get_by_role("heading", level=3).inner_text()
    best.get_by_role("button", name=f"Match with {mentor}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Matched {first} with {mentor}")
    expect(heading).to_have_text(re.compile("^Suggestions for "))
    expect(heading).not_to_have_text(f"Suggestions for {first}")
    assert still_the_same_page(page)
    expect(heading).to_be_focused()
    assert Partnership.objects.filter(
        protege__user__display_name=first, mentor__user__display_name=mentor
    ).exists()
    assert_accessible(page)
    fits_the_screen(page)
    screenshot(page, f"admin-board-next-{width}")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_proposals_summary_and_publish_are_at_the_top_of_the_board(admin_page: Page, width):
    page = admin_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(BOARD)
    page.get_by_role("button", name="Propose matches").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Proposed \d+ matches"))
    summary = page.locator("#proposal")
    publish = summary.get_by_role("button", name=re.compile(r"^Publish \d+ match"))
    expect(publish).to_be_visible()
    expect(summary).to_contain_text("average score")
    # Publish comes before the lists, within the first screen after the heading.
    waiting = page.get_by_role("heading", name="Waiting for a mentor", level=2)
    assert publish.bounding_box()["y"] < waiting.bounding_box()["y"]
    assert publish.bounding_box()["y"] < 900
    proposed = page.get_by_role("table", name="Proposed pairs")
    expect(proposed.locator(".check-mark").first).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
    screenshot(page, f"admin-board-proposal-{width}")
    count = int(re.search(r"\d+", publish.inner_text()).group())
    publish.click()
    expect(page.get_by_role("status")).to_contain_text(f"Published {count} matches")
    assert_accessible(page)
