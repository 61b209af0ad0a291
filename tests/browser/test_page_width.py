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

from accounts.models import User
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


def demo_pair() -> Partnership:
    """The demo's pair with history: mentor@ and protege@example.com."""
    return Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_the_log_a_call_form_does_not_scroll_sideways(page: Page, live_server, width):
    call_command("seed_demo", stdout=io.StringIO())
    pair = demo_pair()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    sign_in(page, "mentor@example.com", "mentoring-demo")
    page.goto(f"/partnerships/{pair.pk}/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll_width, client_width, wider = overflow(page)
    assert scroll_width <= client_width, f"{scroll_width}px of content in {client_width}px: {wider}"


SIGNED_OUT = ""
EVERYONE = ("admin@example.com", "mentor@example.com", "protege@example.com", "outsider@example.com")
# Not pages: the health probe, downloads and feeds, an htmx fragment, Django's
# admin (its own look), and links that only work from an email (a stop link,
# an invitation's token).
NOT_PAGES = ("admin/", "healthz", "calendar/", "me/notifications/stop/", "me/notifications/unread/")


def ids_of_the_demo() -> dict[str, object]:
    """A value for each parameter of the site's routes, from the demo pair and
    its program: a goal of the pair, a milestone, a call, a homework, an agenda
    item, a rating round, the first agreement version, an invitation, a draft
    match of the program (each where the demo has one)."""
    from goals.models import Goal, GoalSuggestion, Milestone, RatingRound
    from programs.models import DraftMatch, Invitation
    from sessions_log.models import AgendaItem, Homework, Session

    pair = demo_pair()
    program = pair.program

    def first(queryset):
        return queryset.values_list("pk", flat=True).order_by("pk").first() or 1

    return {
        "slug": program.slug,
        "partnership_id": pair.pk,
        "participant_id": pair.protege_id,
        "goal_id": first(Goal.objects.filter(partnership=pair)),
        "milestone_id": first(Milestone.objects.filter(goal__partnership=pair)),
        "suggestion_id": first(GoalSuggestion.objects.filter(partnership=pair)),
        "round_id": first(RatingRound.objects.filter(partnership=pair)),
        "session_id": first(Session.objects.filter(partnership=pair)),
        "homework_id": first(Homework.objects.filter(partnership=pair)),
        "item_id": first(AgendaItem.objects.filter(partnership=pair)),
        "version": 1,
        "draft_id": first(DraftMatch.objects.filter(program=program)),
        "invitation_id": first(Invitation.objects.filter(program=program)),
    }


def account_links_of_the_demo() -> dict[str, str]:
    """The pages an email's link opens, made as the emails make them: the
    protégé's password reset link and the confirmation of her address."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from accounts.models import User

    protege = User.objects.get(email="protege@example.com")
    address, _created = EmailAddress.objects.get_or_create(
        user=protege, email=protege.email, defaults={"verified": False, "primary": True}
    )
    return {
        "account_reset_password_from_key": (
            f"/accounts/password/reset/key/{user_pk_to_url_str(protege)}-"
            f"{default_token_generator.make_token(protege)}/"
        ),
        "account_confirm_email": f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/",
    }


def pages_of_the_demo(everyone: bool = False) -> dict[str, list[str]]:
    """Every page of the site a demo person opens with a GET, by who opens it.

    With ``everyone``: every route (but those in NOT_PAGES) for the admin, the
    mentor, the protégé and the outsider, each parameter filled from the demo
    (``ids_of_the_demo``), and the sign-in, sign-up, password and email pages
    for someone signed out, the emails' links included. Otherwise: the pair's
    pages as the mentor and as the protégé, the program's as the admin."""
    from tests.pages import every_route

    values = ids_of_the_demo()
    links = account_links_of_the_demo()
    pages: dict[str, list[str]] = {email: [] for email in (SIGNED_OUT, *EVERYONE)}
    for route in every_route():
        if route.route.startswith(NOT_PAGES) or route.route.endswith((".csv", ".ics")):
            continue
        if route.name in links:
            path = links[route.name]
        elif set(route.parameters) - set(values):
            continue  # a token only an email carries
        else:
            path = route.path(values)
        if everyone:
            people = EVERYONE + ((SIGNED_OUT,) if route.route.startswith("accounts/") else ())
        elif route.route.startswith(("accounts/", "invitations/", "me/")) or set(route.parameters) - {
            "slug",
            "partnership_id",
            "participant_id",
        }:
            continue
        elif "slug" in route.parameters:
            people = ("admin@example.com",)
        else:
            people = ("mentor@example.com", "protege@example.com")
        for who in people:
            pages[who].append(path)
    return {who: paths for who, paths in pages.items() if paths}


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


def walk(
    page: Page, pages: dict[str, list[str]], language: str | None = None
) -> tuple[dict, dict, list[str]]:
    """Opens each page as its person; returns the pages wider than the screen,
    those with a line that starts with a dot, and the pages checked. Every page
    with a <main> counts, whatever its status: a 403, 404 or 405 page must fit
    too. With ``language``, someone signed out has chosen it with the switcher
    (the people's own language is their profile's)."""
    too_wide, stray_dots, checked = {}, {}, []
    for email, paths in pages.items():
        page.context.clear_cookies()
        page = page.context.new_page()
        if email == SIGNED_OUT and language:
            page.goto("/healthz")
            page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
        if email != SIGNED_OUT:
            page.goto("/accounts/login/")
            sign_in(page, email, "mentoring-demo")
            expect(page).not_to_have_url("/accounts/login/")
        for path in paths:
            try:
                response = page.goto(path)
            except PlaywrightError:  # a download
                page = page.context.new_page()
                continue
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if page.locator("main").count() == 0:
                continue  # an htmx fragment
            where = f"{email or 'signed out'} {path} ({response.status})"
            checked.append(where)
            scroll_width, client_width, wider = overflow(page)
            if scroll_width > client_width:
                too_wide[where] = wider[:5]
            if dots := page.evaluate(DOTS_STARTING_A_LINE):
                stray_dots[where] = dots
    return too_wide, stray_dots, checked


@pytest.mark.parametrize("words", ["demo", "long", "de"])
def test_no_page_is_wider_than_a_phone_for_anyone(page: Page, live_server, words):
    """Every page of the site, as the admin, the mentor, the protégé, the
    outsider and someone signed out, at 375 px: the page's scroll width is at
    most 375 px, and no line starts with a dot. In English, with a 200-letter
    word in every text people type, and in German (the longest words)."""
    call_command("seed_demo", stdout=io.StringIO())
    if words == "long":
        assert long_words_in_every_text() >= 30  # display names, goals, agenda, homework, call notes…
    language = "de" if words == "de" else None
    if language:
        User.objects.update(language=language)
    page.set_viewport_size({"width": 375, "height": 800})
    too_wide, stray_dots, checked = walk(page, pages_of_the_demo(everyone=True), language=language)
    assert too_wide == {}
    assert stray_dots == {}
    signed_out = [where for where in checked if where.startswith("signed out")]
    assert len(signed_out) >= 8, signed_out  # sign in, sign up, the password reset and its link, …
    assert len(checked) >= 150, checked  # every route for four people


@pytest.mark.parametrize("words", ["demo", "long"])
def test_no_page_of_the_pair_or_the_program_scrolls_sideways_on_a_laptop(page: Page, live_server, words):
    call_command("seed_demo", stdout=io.StringIO())
    if words == "long":
        assert long_words_in_every_text() >= 30
    page.set_viewport_size({"width": 1280, "height": 900})
    too_wide, stray_dots, checked = walk(page, pages_of_the_demo())
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
