"""Pages fit the screen: no sideways scrolling on a phone (375 px) or a laptop
(1280 px). The "Log a call" form scrolled sideways at every width (a hidden
default submit button took the full width); a 200-character word as a goal's
title, an agenda item or a display name widened the goals page to 2089 px, the
rating form to 1838 px, the call page to 1549 px and, through the display name
in the navigation, every page to 916 px."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from partnerships.models import Partnership
from tests.pages import our_app_labels

from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}px`)"""


# A separator that begins a line reads as a stray mark (the pair's header did,
# at some widths): each "·" in the page's text whose left edge is at the left
# edge of the content of the box it is laid out in, with that box's text.
DOTS_STARTING_A_LINE = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = node.data.indexOf('·'); i !== -1; i = node.data.indexOf('·', i + 1)) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const dot = range.getClientRects()[0];
      if (!dot || dot.width === 0) continue;
      let block = node.parentElement;
      // the box whose lines the dot sits in: up through inline boxes and flex or grid items
      const laysOut = e => !getComputedStyle(e).display.startsWith('inline')
        && !/flex|grid/.test(getComputedStyle(e.parentElement).display);
      while (block.parentElement && !laysOut(block)) block = block.parentElement;
      const style = getComputedStyle(block);
      const left = block.getBoundingClientRect().left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
      if (dot.left - left < 1) found.push(block.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80));
    }
  }
  return found;
}"""


def overflow(page: Page) -> tuple[int, int, list[str]]:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return widths[0], widths[1], page.evaluate(WIDER_THAN_THE_PAGE)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_log_a_call_form_does_not_scroll_sideways(page: Page, live_server, width):
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish your log")
    scroll_width, client_width, wider = overflow(page)
    assert scroll_width <= client_width, f"{scroll_width}px of content in {client_width}px: {wider}"


def pages_of_the_demo() -> dict[str, list[str]]:
    """Every page of the site a demo person opens with a GET, by who opens it:
    the pair's pages as the mentor and as the protégé (the rating form is
    hers), the program's as the admin (every route
    but downloads, feeds, sign-in and Django's admin)."""
    from accounts.models import User
    from programs.models import Program
    from tests.pages import every_route

    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    program = Program.objects.run_by(User.objects.get(email="admin@example.com")).get()
    values = {"slug": program.slug, "partnership_id": pair.pk, "participant_id": pair.protege_id}
    skipped = ("admin/", "accounts/", "healthz", "calendar/", "invitations/", "me/notifications/")
    pages: dict[str, list[str]] = {
        "mentor@example.com": [],
        "protege@example.com": [],
        "admin@example.com": [],
    }
    for route in every_route():
        if route.route.startswith(skipped) or route.route.endswith((".csv", ".ics")):
            continue
        if set(route.parameters) - {"slug", "partnership_id", "participant_id"}:
            continue  # one object among many (a goal, a homework): their pages are the list's
        people = (
            ("admin@example.com",)
            if "slug" in route.parameters
            else ("mentor@example.com", "protege@example.com")
        )
        for who in people:
            pages[who].append(route.path(values))
    return pages


def long_words_in_every_text() -> int:
    """Every text people type, on every row of the demo (each model field of
    ours that holds typed text: ``SingleLineCharField``, ``MultiLineTextField``),
    becomes one unbroken word as long as the field takes, up to 200 characters
    (a field left empty stays empty).
    Returns the number of fields filled."""
    from django.apps import apps

    from mentoring.bounds.text import MultiLineTextField, SingleLineCharField

    fields = 0
    for model in apps.get_models():
        if model._meta.app_label not in our_app_labels():
            continue
        texts = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, SingleLineCharField | MultiLineTextField) and not field.choices
        ]
        fields += len(texts)
        for row in model.objects.values("pk", *(f.name for f in texts)):
            filled = {  # what was left empty stays empty (a goal that is not SMART has no metric)
                f.name: f"{row['pk']}{'Unbrokenword' * 20}"[: min(f.max_length, 200)]
                for f in texts
                if row[f.name]
            }
            if filled:
                model.objects.filter(pk=row["pk"]).update(**filled)
    return fields


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("words", ["demo", "long"])
def test_no_page_of_the_demo_scrolls_sideways_or_starts_a_line_with_a_dot(
    page: Page, live_server, width, words
):
    call_command("seed_demo", stdout=io.StringIO())
    if words == "long":
        assert long_words_in_every_text() >= 30  # display names, goals, agenda, homework, call notes…
    page.set_viewport_size({"width": width, "height": 900})
    too_wide, stray_dots, checked = {}, {}, []
    for email, paths in pages_of_the_demo().items():
        page.context.clear_cookies()
        page = page.context.new_page()
        page.goto("/accounts/login/")
        sign_in(page, email, "mentoring-demo")
        expect(page).not_to_have_url("/accounts/login/")
        for path in paths:
            try:
                response = page.goto(path)
            except PlaywrightError:  # a download
                page = page.context.new_page()
                continue
            if response is None or response.status != 200:
                continue  # not this person's, or a form's address (405)
            checked.append(f"{email} {path}")
            scroll_width, client_width, wider = overflow(page)
            if scroll_width > client_width:
                too_wide[f"{email} {path}"] = wider[:5]
            if dots := page.evaluate(DOTS_STARTING_A_LINE):
                stray_dots[f"{email} {path}"] = dots
    assert too_wide == {}
    assert stray_dots == {}
    assert len(checked) >= 15, checked  # the pair's pages and the program's were reached


def test_the_pair_header_never_starts_a_line_with_a_dot(page: Page, live_server):
    """The pair's header ("You are the mentor · Active · since 1 August 2026 ·
    planned to end …") began a line with a stray "·" at some widths: every width
    from a small phone to a laptop, for both sides of the pair."""
    call_command("seed_demo", stdout=io.StringIO())
    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    stray = {}
    for email in ("mentor@example.com", "protege@example.com"):
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        sign_in(page, email, "mentoring-demo")
        page.goto(f"/partnerships/{pair.pk}/")
        for width in range(300, 1300, 10):
            page.set_viewport_size({"width": width, "height": 900})
            if dots := page.evaluate(DOTS_STARTING_A_LINE):
                stray[f"{email} {width}px"] = dots
    assert stray == {}
