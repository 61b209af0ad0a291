"""A day without its year reads as this season: a next call a year ahead
showed "Monday 29 November, 10:00" on Monday 30 November (as if yesterday).
Days show the year whenever they are not within about six months of today."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mentoring.dates import NEAR, day_shown
from partnerships.models import Partnership
from tests.pages import our_app_labels

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _at_ten(zone: zoneinfo.ZoneInfo, days_from_today: int) -> datetime.datetime:
    day = timezone.localdate(timezone=zone) + datetime.timedelta(days=days_from_today)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)


@pytest.mark.django_db
def test_a_next_call_a_year_ahead_shows_its_year_on_the_partnership_page(client, world):
    zone = zoneinfo.ZoneInfo(world.mentor.time_zone or settings.TIME_ZONE)
    at = _at_ten(zone, 364)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        next_call_at=at, next_call_time_zone=zone.key, planned_end_on=at.date() + datetime.timedelta(days=90)
    )
    client.force_login(world.mentor)

    response = client.get(reverse("home:partnership", args=[world.partnership.pk]))

    assert f"{at:%A} {at.day} {at:%B} {at.year}, 10:00" in response.text


@pytest.mark.django_db
def test_a_next_call_next_week_shows_no_year(client, world):
    zone = zoneinfo.ZoneInfo(world.mentor.time_zone or settings.TIME_ZONE)
    at = _at_ten(zone, 7)
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at, next_call_time_zone=zone.key)
    client.force_login(world.mentor)

    response = client.get(reverse("home:partnership", args=[world.partnership.pk]))

    assert f"{at:%A} {at.day} {at:%B}, 10:00" in response.text


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (0, "{d} {m}"),
        (NEAR.days, "{d} {m}"),
        (-NEAR.days, "{d} {m}"),
        (NEAR.days + 1, "{d} {m} {y}"),
        (-NEAR.days - 1, "{d} {m} {y}"),
        (364, "{d} {m} {y}"),
        (-400, "{d} {m} {y}"),
    ],
)
def test_the_year_is_shown_only_when_the_day_is_half_a_year_away_or_more(days, shown):
    on = timezone.localdate() + datetime.timedelta(days=days)
    assert day_shown(on, "j F") == shown.format(d=on.day, m=f"{on:%B}", y=on.year)


def test_the_year_goes_after_the_month_whatever_the_format():
    far = datetime.datetime(timezone.localdate().year + 2, 11, 29, 10, 0, tzinfo=datetime.UTC)
    assert day_shown(far, "l j F, H:i") == f"{far:%A} 29 November {far.year}, 10:00"
    assert day_shown(far.date(), "j M") == f"29 Nov {far.year}"
    assert day_shown(far.date(), "j F Y") == f"29 November {far.year}"
    assert day_shown(None, "j F") == ""


def test_no_template_shows_a_day_and_month_without_the_year_rule():
    """Every template: a ``date`` filter whose format has a day and a month but
    no year is a day that may read as the wrong year; such days go through
    ``day`` (accounts/templatetags/dates.py)."""
    yearless = re.compile(r"""\|date:["']([^"']*)["']""")
    found = []
    for path in sorted(TEMPLATES.rglob("*.*")):
        for match in yearless.finditer(path.read_text()):
            fmt = match[1]
            if "j" in fmt and re.search(r"[FMNbE]", fmt) and not re.search(r"[Yy]", fmt):
                found.append(f"{path.relative_to(TEMPLATES)}: {match[0]}")
    assert found == []


def test_no_message_formats_a_day_and_month_without_the_year_rule():
    """Every module of ours: a day and month formatted without a year in Python
    (a flash message, an email) goes through ``mentoring.dates.day_shown``."""
    formatted = re.compile(
        r"""(?:date_format|dateformat\.format)\([^()]*(?:\([^()]*\))?[^()]*,\s*["']([^"']*)["']"""
    )
    found = []
    for app in sorted(our_app_labels() | {"mentoring"}):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            for match in formatted.finditer(path.read_text()):
                fmt = match[1]
                if "j" in fmt and re.search(r"[FMNbE]", fmt) and not re.search(r"[Yy]", fmt):
                    found.append(f"{path.name}: {match[0]}")
    assert found == []
