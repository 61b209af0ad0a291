"""Days as every page and message shows them: without the year when the day is
near (within about six months either side of today, in the viewer's zone), so
"Monday 29 November" reads as this season; with the year otherwise, so a call
a year ahead never reads as yesterday.

And in the reader's language: each format the product writes dates in is
written in British English (``"l j F Y"``: Monday 1 December 2026) and
translated per language as a message of context "date format" (German
``"l, j. F Y"``: Montag, 1. Dezember 2026; Spanish ``"l, j \\d\\e F \\d\\e Y"``:
lunes, 1 de diciembre de 2026). ``local_format`` gives the active language's;
``date_format`` and the templates' ``date`` and ``day`` filters use it."""

import datetime
import re

from django.utils import formats, timezone
from django.utils.translation import pgettext, pgettext_lazy

# The formats dates are written in, for the catalogues (see the docstring).
FORMATS = (
    pgettext_lazy("date format", "j F"),
    pgettext_lazy("date format", "j M"),
    pgettext_lazy("date format", "F Y"),
    pgettext_lazy("date format", "j F Y"),
    pgettext_lazy("date format", "j M Y"),
    pgettext_lazy("date format", "l j F"),
    pgettext_lazy("date format", "l j F Y"),
    pgettext_lazy("date format", "j F, H:i"),
    pgettext_lazy("date format", "j F Y, H:i"),
    pgettext_lazy("date format", "j F Y, H:i T"),
    pgettext_lazy("date format", "j M Y, H:i"),
    pgettext_lazy("date format", "l j F, H:i"),
    pgettext_lazy("date format", "l j F Y, H:i"),
    pgettext_lazy("date format", "D j M, H:i"),
    pgettext_lazy("date format", "D j M Y, H:i"),
)


def local_format(date_format_string: str) -> str:
    """The active language's version of the British English date format
    ``date_format_string`` (one of ``FORMATS``; any other is returned as it is)."""
    return pgettext("date format", date_format_string)


def date_format(value: datetime.date | datetime.datetime, date_format_string: str) -> str:
    """``value`` in the active language's version of ``date_format_string``
    (Django's ``formats.date_format`` after ``local_format``)."""
    return formats.date_format(value, local_format(date_format_string))


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
