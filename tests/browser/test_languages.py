"""Every word in the reader's language (issue 22): the protégé's, the mentor's
and the admin's pages walked in Spanish and in German show no English phrase
of ours (names and what people typed stay as typed), pass axe-core and fit a
phone; the switcher changes the language; and a reminder an English-speaking
admin sends reaches a German-speaking protégé in German."""

import gettext
import io
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import User
from partnerships.models import Partnership

from .conftest import assert_accessible
from .test_page_width import SIGNED_OUT, overflow, pages_of_the_demo
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a page shows: its text, and the attributes people read or hear.
SHOWN = """() => [document.body.innerText,
  ...[...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')]
     .flatMap(e => ['aria-label', 'title', 'placeholder', 'alt'].map(a => e.getAttribute(a)).filter(Boolean))
].join('\\n')"""
PIECES = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]*>|\n|[“”\"]")


@cache
def english_phrases(language: str) -> frozenset[str]:
    """The phrases of our catalogue whose translation into ``language``
    differs: each English message cut at its placeholders and tags, the
    pieces of three words or more."""
    catalogue = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.mo"
    with catalogue.open("rb") as mo:
        messages = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    phrases = set()
    for key, translated in messages.items():
        english = key[0] if isinstance(key, tuple) else key.split("\x04")[-1]
        if not english or english == translated:
            continue
        for piece in PIECES.split(english):
            piece = " ".join(piece.split()).strip(" .,:;()·—–")
            if len(piece.split()) >= 3:
                phrases.add(piece)
    return frozenset(phrases)


def typed_texts() -> list[str]:
    """What people typed (every text field of ours on every row: names, goals,
    notes, the demo's questions…), longest first: data, shown as typed."""
    from django.apps import apps

    from mentoring.bounds.text import MultiLineTextField, SingleLineCharField
    from tests.pages import our_app_labels

    texts = set()
    for model in apps.get_models():
        if model._meta.app_label in our_app_labels():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, SingleLineCharField | MultiLineTextField) and not f.choices
            ]
            for row in model.objects.values_list(*fields) if fields else []:
                texts.update(" ".join(value.split()) for value in row if value)
    return sorted(texts, key=len, reverse=True)


def english_left(page: Page, language: str) -> list[str]:
    return english_left_in(page.evaluate(SHOWN), language)


@pytest.fixture
def demo(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("language", ["es", "de"])
def test_every_page_of_the_pair_and_the_program_is_in_the_persons_language(page: Page, demo, language):
    User.objects.update(language=language)
    pages = pages_of_the_demo()
    pages["protege@example.com"] += ["/", "/me/profile/", "/me/notifications/", "/me/availability/"]
    pages["admin@example.com"] += ["/", "/programs/"]
    checked = 0
    for email, paths in pages.items():
        if email == SIGNED_OUT:
            continue
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        sign_in(page, email, "mentoring-demo")
        expect(page).not_to_have_url("/accounts/login/")
        for width, path in [(375 if i % 2 else 1280, path) for i, path in enumerate(paths)]:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(path)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if page.locator("main").count() == 0:
                continue  # an htmx fragment
            assert page.evaluate("document.documentElement.lang") == language, path
            assert english_left(page, language) == [], f"{email} {path}"
            assert_accessible(page)
            scroll_width, client_width, wider = overflow(page)
            assert scroll_width <= client_width, f"{path} at {width} px: {wider[:3]}"
            checked += 1
    assert checked >= 40


@pytest.mark.parametrize(("language", "heading"), [("es", "Iniciar sesión"), ("de", "Anmelden")])
def test_someone_signed_out_reads_their_browsers_language_and_switches(
    browser, live_server, demo, language, heading
):
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert english_left(page, language) == []
    assert_accessible(page)
    page.get_by_label({"es": "Idioma", "de": "Sprache"}[language]).select_option("en-gb")
    page.get_by_role("button", name={"es": "Cambiar idioma", "de": "Sprache ändern"}[language]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    context.close()


def test_a_nudge_from_an_english_speaking_admin_reaches_a_german_speaking_protege_in_german(
    page: Page, demo, eager_tasks, mailoutbox
):
    pair = Partnership.objects.get(protege__user__display_name="Lucas Silva")
    User.objects.filter(pk=pair.protege.user_id).update(language="de")
    User.objects.filter(email="admin@example.com").update(language="en-gb")
    page.goto("/accounts/login/")
    sign_in(page, "admin@example.com", "mentoring-demo")
    page.goto("/programs/demo-leadership/?health=at_risk#pairs")
    row = page.locator("tr.pair-row", has_text="Lucas Silva")
    row.locator("summary.pair-menu-button").click()
    row.locator("summary", has_text="Nudge").click()
    row.get_by_label("Your message to both of them").fill("Could you set the next call?")
    row.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_role("status").first).to_contain_text("Your note is on its way")
    to_protege = next(m for m in mailoutbox if m.to == [pair.protege.user.email])
    to_mentor = next(m for m in mailoutbox if m.to == [pair.mentor.user.email])
    assert to_protege.subject.startswith("[Mentoring] Eine Nachricht von")
    assert "Could you set the next call?" in to_protege.body  # what the admin typed stays as typed
    assert english_left_in(to_protege.body.replace("Could you set the next call?", ""), "de") == []
    assert to_mentor.subject.startswith("[Mentoring] A note from")


def english_left_in(text: str, language: str) -> list[str]:
    """The English phrases of ours in ``text``, once what people typed is taken out."""
    text = " ".join(text.split())
    for typed in typed_texts():
        text = text.replace(typed, " ")
    return sorted(phrase for phrase in english_phrases(language) if phrase in text)
