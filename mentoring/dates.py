"""Days as every page and message shows them: without the year when the day is
near (within about six months either side of today, in the viewer's zone), so
"Monday 29 November" reads as this season; with the year otherwise, so a call
a year ahead never reads as yesterday."""

import datetime
import re

from django.utils import timezone
from django.utils.dateformat import format as date_format

# Half a year either side of today: a day-month without a year reads unambiguously.
NEAR = datetime.timedelta(days=183)

# The first unescaped month in a Django date format (F, M, N, b or E).
_MONTH = re.compile(r"(?<!\\)[FMNbE]")


def with_year_if_far(on: datetime.date, date_format_string: str) -> str:
    """``date_format_string`` (Django's date format, e.g. ``"l j F, H:i"``) with
    `` Y`` after its month when ``on`` is further than ``NEAR`` from today in
    the active time zone; unchanged when near, or when it already has a year."""
    if "Y" in date_format_string or "y" in date_format_string:
        return date_format_string
    if abs(on - timezone.localdate()) <= NEAR:
        return date_format_string
    return _MONTH.sub(lambda month: f"{month[0]} Y", date_format_string, count=1)


def day_shown(value: datetime.date | datetime.datetime | None, date_format_string: str) -> str:
    """``value`` formatted with ``date_format_string``, the year added when the
    day is far (``with_year_if_far``). An aware datetime is shown in its own
    zone, as Django's ``date`` filter does (pass ``timezone.localtime(at)`` for
    the viewer's); ``None`` is ``""``."""
    if value is None:
        return ""
    on = value.date() if isinstance(value, datetime.datetime) else value
    return date_format(value, with_year_if_far(on, date_format_string))
