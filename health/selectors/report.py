"""Reads for the program's CSV report of partnerships: one row a pair, in
chunks, in a fixed number of queries whatever the size of the program."""

import datetime
import decimal
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import pgettext

from programs.models import Program

from .. import rule
from ..report_answers import answer_columns
from . import _SHOWN, _health_filtered, _next_call_of, _with_health


class ReportRow(NamedTuple):
    """A partnership's row of the CSV report (``program_report_rows``); its
    fields, in order, are the report's columns (``REPORT_COLUMNS``)."""

    partnership_id: int
    protege: str
    mentor: str
    status: str
    started_on: str
    agreement_accepted_at: str
    cadence: str
    last_call_at: str
    next_call_at: str
    calls_held_90d: int
    calls_expected_90d: int
    homework_done: int
    homework_due: int
    homework_assigned: int
    rating_latest: decimal.Decimal | None
    rating_change: decimal.Decimal | None
    is_it_working: int | str  # "" when no side has answered
    health: str  # a rule.Label value; "" once closed
    health_reason: str


REPORT_COLUMNS = list(ReportRow._fields)


def report_headers() -> list[str]:
    """The report's column headers (``REPORT_COLUMNS``), in the reader's language:
    the English keeps the columns' machine-style names."""
    # Translators: the headers of the partnerships report (CSV), their English machine-style names.
    headers = {
        "partnership_id": pgettext("report column", "partnership_id"),
        "protege": pgettext("report column", "protege"),
        "mentor": pgettext("report column", "mentor"),
        "status": pgettext("report column", "status"),
        "started_on": pgettext("report column", "started_on"),
        "agreement_accepted_at": pgettext("report column", "agreement_accepted_at"),
        "cadence": pgettext("report column", "cadence"),
        "last_call_at": pgettext("report column", "last_call_at"),
        "next_call_at": pgettext("report column", "next_call_at"),
        "calls_held_90d": pgettext("report column", "calls_held_90d"),
        "calls_expected_90d": pgettext("report column", "calls_expected_90d"),
        "homework_done": pgettext("report column", "homework_done"),
        "homework_due": pgettext("report column", "homework_due"),
        "homework_assigned": pgettext("report column", "homework_assigned"),
        "rating_latest": pgettext("report column", "rating_latest"),
        "rating_change": pgettext("report column", "rating_change"),
        "is_it_working": pgettext("report column", "is_it_working"),
        "health": pgettext("report column", "health"),
        "health_reason": pgettext("report column", "health_reason"),
    }
    return [headers[column] for column in REPORT_COLUMNS]


def _iso(value: datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    return value.isoformat()


def _number(value: float | None) -> decimal.Decimal | None:
    """Two decimals, as a number: a spreadsheet sorts it, and a negative one is
    not mistaken for a formula (``mentoring.spreadsheets``)."""
    return None if value is None else decimal.Decimal(f"{value:.2f}")


def program_report_rows(program: Program, *, chunk_size: int = 1000) -> Iterator[list[str] | ReportRow]:
    """Every partnership of ``program`` as report rows (``REPORT_COLUMNS``, then a
    ``ReportRow`` each; with choice questions, each row a list ending in their
    answers: ``report_answers``), read from a server-side cursor ``chunk_size``
    rows at a time, so memory stays flat. Never what a pair writes; ISO 8601, UTC."""
    now = timezone.now()
    partnerships = _health_filtered(_with_health(program, now=now), {"status": "all"}).only(*_SHOWN)
    answers = answer_columns(program)
    yield report_headers() + answers.headers
    for batch in itertools.batched(partnerships.iterator(chunk_size=chunk_size), chunk_size):
        cells = answers.cells(batch)
        yield from (_report_row(p, now, cells[p.pk]) for p in batch)


def _report_row(p, now: datetime.datetime, answers: list[str]) -> list | ReportRow:
    label = rule.label_of(p.severity)
    numbers = rule.Numbers.of(p)
    next_call = _next_call_of(p, now=now)
    row = ReportRow(
        partnership_id=p.pk,
        protege=p.protege.user.name,
        mentor=p.mentor.user.name,
        status=p.status,
        started_on=_iso(p.started_on),
        agreement_accepted_at=_iso(p.accepted_at),
        cadence=numbers.cadence_text,
        last_call_at=_iso(p.last_call_at),
        next_call_at=_iso(next_call.at if next_call else None),
        calls_held_90d=numbers.calls_held,
        calls_expected_90d=numbers.calls_expected,
        homework_done=numbers.homework_done,
        homework_due=numbers.homework_due,
        homework_assigned=numbers.homework_assigned,
        rating_latest=_number(numbers.rating_latest),
        rating_change=_number(numbers.rating_change),
        is_it_working="" if numbers.working is None else numbers.working,
        health=label,
        health_reason=rule.reason(label, numbers),
    )
    return [*row, *answers] if answers else row
