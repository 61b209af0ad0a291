"""Malformed input never answers 500: odd bytes in a URL's token or in a query
parameter, and uploads that are not the CSV we expect (too long a field, not
UTF-8, empty, too many people). Each example of issue 13 is a test here, and
two walks cover every URL the site serves, so a URL added later is walked too."""

import importlib
import itertools
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.calendar import calendar_feed_reset
from partnerships.invitations import CSV_MAX_ROWS
from partnerships.models import Invitation
from tests.url_walk import every_route

pytestmark = pytest.mark.django_db

# Odd values for a parameter: a NUL inside (PostgreSQL refuses it in text), a
# number beyond any column, a long accented string.
ODD_VALUES = ["a\x00b", "9" * 30, "é" * 300]


def query_parameters() -> set[str]:
    """Every query parameter the code reads: ``request.GET.get("…")``, and every
    field of each form bound to ``request.GET`` (found in the apps' forms modules)."""
    forms = {}
    for app in apps.get_app_configs():
        if app.path.startswith(str(settings.BASE_DIR)) and (module := _forms_module(app.name)):
            forms |= {name: cls for name, cls in vars(module).items() if hasattr(cls, "base_fields")}
    names = set()
    for path in settings.BASE_DIR.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        source = path.read_text()
        names |= set(re.findall(r"GET\.get\(\s*[\"'](\w+)[\"']", source))
        for form in re.findall(r"(\w+)\(request\.GET\b", source):
            names |= set(forms[form].base_fields) if form in forms else set()
    return names


def _forms_module(app: str):
    try:
        return importlib.import_module(f"{app}.forms")
    except ModuleNotFoundError:
        return None


@pytest.fixture
def personas(world):
    """Who walks: nobody signed in, the mentor, and a superuser who runs the program."""
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return {"anonymous": None, "mentor": world.mentor, "admin": world.admin}


def valid_values(world) -> dict:
    partnership = world.partnership
    return {
        "slug": world.program.slug,
        "partnership_id": partnership.pk,
        "participant_id": partnership.protege_id,
        "token": calendar_feed_reset(user=world.mentor).token,
        "object_id": partnership.pk,
    }


def status_of(client, method: str, path: str, data=None) -> int:
    client.raise_request_exception = False
    return getattr(client, method)(path, data).status_code


def test_a_nul_in_the_calendar_link_is_404_not_500(client, db):
    assert status_of(client, "get", "/calendar/%00.ics") == 404


def test_every_url_with_a_token_refuses_a_nul_in_it_without_a_500(client, world, personas):
    """Each text parameter of every route (a token; an id in Django's admin, as
    the admin) gets a NUL and odd values, by GET and POST: never a 500."""
    values = valid_values(world)
    walked, failures = set(), []
    for persona, user in personas.items():
        client.logout()
        if user:
            client.force_login(user)
        for route in every_route():
            if route.route.startswith("admin/") and persona != "admin":
                continue
            texts = [name for name, converter in route.parameters.items() if converter in {"str", "path"}]
            for name, odd in itertools.product(texts, ["\x00", *ODD_VALUES]):
                path = route.path({**values, name: quote(odd)})
                walked.add(route.name)
                failures += [
                    (persona, method, path)
                    for method in ("get", "post")
                    if status_of(client, method, path) >= 500
                ]
    assert {"partnerships:calendar_feed", "partnerships:invitation_accept", "reminders:stop"} <= walked
    assert failures == []


def test_every_page_takes_odd_query_parameters_without_a_500(client, world, personas):
    """Every GET route, for every persona, with every query parameter the code
    reads set to each odd value: bad values fall back or get a message."""
    values = valid_values(world)
    names = query_parameters()
    assert {"page", "sort", "q", "protege", "invitations"} <= names
    failures = []
    for persona, user in personas.items():
        client.logout()
        if user:
            client.force_login(user)
        for route in every_route():
            if route.route.startswith("admin/"):
                continue  # Django's admin reads its own parameters
            for odd in ODD_VALUES:
                query = {name: odd for name in names}
                if status_of(client, "get", route.path(values), query) >= 500:
                    failures.append((persona, route.name, odd))
    assert failures == []


# --- Uploads of invitations ---------------------------------------------------


def upload(client, world, content: bytes, name="people.csv"):
    client.force_login(world.admin)
    return client.post(
        reverse("partnerships:invitations_upload", args=[world.program.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def error_beside_the_upload(response) -> str:
    """The error texts the upload field shows."""
    assert response.status_code == 200
    form = response.context["upload_form"]
    return " ".join(form.errors.get("file", []))


def test_a_field_of_200000_characters_is_a_message_beside_the_upload_not_a_500(client, world):
    content = ("name,email,role\n" + "A" * 200_000 + ",a@example.org,mentor\n").encode()
    message = error_beside_the_upload(upload(client, world, content))
    assert "Line 2" in message and "too long" in message
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name,email,role\nChloé,c@example.org,mentor\n".encode("latin-1"), "not UTF-8"),
        (b"", "The file is empty"),
        ("\ufeff".encode(), "the file is empty"),
        (b"\x00\x00\x00", "Line 1 must name the columns"),
        (b"name,email,role\nNul\x00Name,n@example.org,mentor\n", "control character"),
        (b"name,email,role\nCR\rName,n@example.org,mentor\n", "Line 2"),
        (b'name,email,role\n"unclosed,n@example.org,mentor\n', "Line 2"),
        (("name,email,role\n" + "x,not-an-email,mentor\n" * (CSV_MAX_ROWS + 5)).encode(), "more than"),
        (("A" * 5000 + ",email,role\n").encode(), "Line 1 must name the columns"),
    ],
    ids=[
        "latin-1",
        "empty",
        "only-a-bom",
        "nul-bytes",
        "nul-in-a-name",
        "cr-in-a-name",
        "unclosed-quote",
        "too-many-rows",
        "long-header",
    ],
)
def test_uploads_that_are_not_our_csv_get_a_message_beside_the_upload(client, world, content, words):
    message = error_beside_the_upload(upload(client, world, content))
    assert words in message
    assert len(message) < 60 * 120  # a long cell is not echoed back whole, nor a thousand problems
    assert not Invitation.objects.exists()
