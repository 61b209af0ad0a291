"""Nothing a person types is ever marked safe (issue 13, kind 2): help texts are
printed escaped, HTML help texts are built with ``format_html``, and no template
or module of ours switches escaping off."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import Homework
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import HomeworkFactory

PROJECT = Path(settings.BASE_DIR)
MARKUP = '<a href="https://x.example">Open</a><meta http-equiv="refresh" content="0;url=https://x.example">'
ESCAPED = "&lt;meta http-equiv=&quot;refresh&quot;"


def test_a_homework_reflection_with_markup_shows_as_text_in_the_log_a_call_form(client, world):
    agree(world.partnership)
    HomeworkFactory(
        session__partnership=world.partnership,
        status=Homework.Status.DONE,
        reflection=MARKUP,
        done_at=timezone.now(),
    )
    client.force_login(world.mentor)
    page = client.get(reverse("sessions_log:session_new", args=[world.partnership.pk])).text
    assert ESCAPED in page
    assert "<meta http-equiv" not in page and '<a href="https://x.example">' not in page


# --- Every template of ours that prints a help text -------------------------------


def project_templates() -> list[Path]:
    """Every template file of ours: the site folder and each app's templates/."""
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [path for path in PROJECT.glob("*/templates") if ".venv" not in path.parts]
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


def help_text_templates() -> list[str]:
    names = []
    for path in project_templates():
        if "help_text" in path.read_text(encoding="utf-8"):
            folder = next(p for p in path.parents if p.name == "templates")
            names.append(str(path.relative_to(folder)))
    return names


class HostileForm(forms.Form):
    text = forms.CharField(help_text=MARKUP)


@pytest.mark.parametrize("name", help_text_templates())
def test_every_template_that_prints_a_help_text_escapes_it(name):
    field = HostileForm()["text"]
    html = get_template(name).render({"field": field, "form": HostileForm()})
    assert ESCAPED in html, f"{name} does not print the help text, or prints it raw"
    assert "<meta http-equiv" not in html


def test_the_walk_finds_the_site_field_templates():
    assert {"forms/field.html", "partnerships/forms/conditional_field.html"} <= set(help_text_templates())


def test_every_form_renders_a_typed_help_text_escaped():
    """The site renderer prints every form's fields (ours and allauth's) through
    forms/field.html: a help text from a person's words stays text."""
    html = str(HostileForm())
    assert ESCAPED in html and "<meta http-equiv" not in html


def test_a_help_text_built_with_format_html_keeps_its_own_link_and_escapes_the_words():
    from partnerships.forms import NextCallForm

    form = NextCallForm(zone_name='Europe/London"><script>')
    html = str(form["at"].as_field_group())
    assert f'<a href="{reverse("home:profile")}">' in html
    assert "&quot;&gt;&lt;script&gt;" in html and "<script>" not in html


# --- Nothing switches escaping off --------------------------------------------------

UNSAFE_IN_TEMPLATES = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off\s*%}|{%\s*filter\s+[^%]*\bsafe\b")
# Plain-text emails are never HTML: escaping would print "&amp;" in them.
PLAIN_TEXT_SUFFIXES = {".txt"}


def test_no_template_of_ours_marks_anything_safe():
    offenders = []
    for path in project_templates():
        if path.suffix in PLAIN_TEXT_SUFFIXES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if UNSAFE_IN_TEMPLATES.search(line):
                offenders.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert offenders == []


UNSAFE_IN_PYTHON = re.compile(r"\bmark_safe\b|\bSafeString\(|\bSafeText\(|is_safe\s*=\s*True|\|\s*safe\b")


def test_no_module_of_ours_marks_text_safe():
    """HTML built in Python goes through ``format_html``/``format_html_join``,
    which escape their arguments; ``mark_safe`` would trust them."""
    offenders = []
    for path in sorted(PROJECT.rglob("*.py")):
        parts = set(path.relative_to(PROJECT).parts)
        if parts & {".venv", "tests", "migrations", "node_modules", "staticfiles"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if UNSAFE_IN_PYTHON.search(line):
                offenders.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert offenders == []
