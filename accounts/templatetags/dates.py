"""``{{ call.at|day:"l j F, H:i" }}``: a day as every page shows it, the year
added when the day is not within about six months of today (mentoring.dates)."""

import datetime

from django import template

from mentoring.dates import day_shown

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: datetime.date | datetime.datetime | None, date_format_string: str) -> str:
    """Django's ``date`` filter with a year-less format (``"j F"``, ``"l j F, H:i"``,
    ``"j M"``); the year goes after the month when the day is far from today.
    Anything that is not a date shows as ``""``."""
    if not isinstance(value, datetime.date):
        return ""
    return day_shown(value, date_format_string)
