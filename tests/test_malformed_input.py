"""Malformed input never answers 500: odd bytes in a URL's token or in a query
parameter, and uploads that are not the CSV we expect (too long a field, not
UTF-8, empty, too many people). Each example is a test here; the fuzz pass
(tests/test_fuzz.py) walks every URL, query parameter and form of the site."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.models import Invitation
from programs.services.invitations_csv import CSV_MAX_ROWS

pytestmark = pytest.mark.django_db


def status_of(client, method: str, path: str, data=None) -> int:
    client.raise_request_exception = False
    return getattr(client, method)(path, data).status_code


def test_a_nul_in_the_calendar_link_is_404_not_500(client, db):
    assert status_of(client, "get", "/calendar/%00.ics") == 404


# --- Uploads of invitations ---------------------------------------------------


def upload(client, world, content: bytes, name="people.csv"):
    client.force_login(world.admin)
    return client.post(
        reverse("programs:invitations_upload", args=[world.program.slug]),
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
