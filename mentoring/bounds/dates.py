"""Bounds on every date and time a person types.

Every typed date or time lies in a window that makes sense for a mentoring
program (``BoundedDateField``, ``BoundedDateTimeField``), and whatever the
window, inside the stored range ``STORED_FROM``–``STORED_UNTIL``, which the
database holds too (``stored_in_range``). A time typed in any time zone inside
that range converts to UTC and back to any other zone without leaving the
years Python can represent, so no page or reminder batch can trip on a stored
value (issue 13, kind 1: 31/12/9999 23:59 typed in New York was year 10000 in
UTC).
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.dates import date_format

# Every typed date or time the product stores lies in [STORED_FROM, STORED_UNTIL).
# Programs run in the present: nothing a mentoring pair plans or logs falls
# outside these years, and every time zone's local time inside them is a
# representable datetime in UTC and in every other zone.
STORED_FROM = datetime.date(2000, 1, 1)
STORED_UNTIL = datetime.date(2100, 1, 1)
STORED_FROM_AT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
STORED_UNTIL_AT = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)

# What a bound may be: a fixed date (or time), an offset from today (or now) in
# the viewer's time zone, a function returning either, or None for the stored range.
Limit = datetime.date | datetime.datetime | datetime.timedelta
Bound = Limit | Callable[[], Limit | None] | None


def stored_in_range(field: str, *, name: str, datetime_field: bool = False) -> models.CheckConstraint:
    """A check constraint holding ``field`` (NULL allowed) inside the stored
    range: dates from STORED_FROM, times from STORED_FROM_AT, both before the
    year 2100. ``name`` is the constraint's name, unique in the database."""
    low, high = (STORED_FROM_AT, STORED_UNTIL_AT) if datetime_field else (STORED_FROM, STORED_UNTIL)
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": low, f"{field}__lt": high}),
        name=name,
        violation_error_message=_("This date is outside the years the program can hold."),
    )


# A date-time limit further than this from now is shown as its date alone.
DAYS_AWAY = datetime.timedelta(days=2)

# What the date inputs send (ISO, as browsers' native inputs do) and the
# day/month/year some people type where the browser shows a text box.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


if TYPE_CHECKING:
    # For the type checker the mixin is a form field (it is mixed into one).
    _Field = forms.Field
else:
    _Field = object


class _Bounded(_Field):
    """What the bounded date and date-time fields share: ``earliest`` and
    ``latest`` (see ``Bound``), checked after parsing, with a message naming the
    limit. A form may set them after construction, e.g. to the partnership's start."""

    default_error_messages = {
        "too_early": _("Choose a date on or after %(limit)s."),
        "too_late": _("Choose a date on or before %(limit)s."),
    }
    limit_format = "j F Y"

    def __init__(self, *, earliest: Bound = None, latest: Bound = None, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def _now(self):
        raise NotImplementedError

    def _stored_range(self):
        raise NotImplementedError

    def _resolve(self, bound: Bound, fallback):
        if callable(bound):
            bound = bound()
        if bound is None:
            return fallback
        if isinstance(bound, datetime.timedelta):
            return self._now() + bound
        return bound

    def limits(self):
        """(earliest, latest) allowed now, both inclusive and inside the stored range."""
        low, high = self._stored_range()
        earliest = max(self._resolve(self.earliest, low), low)
        latest = min(self._resolve(self.latest, high), high)
        return earliest, latest

    def _shown(self, value) -> str:
        if isinstance(value, datetime.datetime):
            # A limit days away reads as a day; minutes matter only close by.
            if abs(value - self._now()) >= DAYS_AWAY:
                return date_format(timezone.localtime(value), "j F Y")
            value = timezone.localtime(value)
        return date_format(value, self.limit_format)

    def validate(self, value) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        earliest, latest = self.limits()
        if value < earliest:
            raise ValidationError(
                self.error_messages["too_early"], code="too_early", params={"limit": self._shown(earliest)}
            )
        if value > latest:
            raise ValidationError(
                self.error_messages["too_late"], code="too_late", params={"limit": self._shown(latest)}
            )


class BoundedDateField(_Bounded, forms.DateField):
    """A date a person types, between ``earliest`` and ``latest`` (inclusive).
    A timedelta bound counts from today in the viewer's time zone. Shown as the
    browser's date picker (``date_input``), without a textual format hint."""

    default_error_messages = {
        "invalid": _("Enter a real date."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", date_input())
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)

    def _now(self) -> datetime.date:
        return timezone.localdate()

    def _stored_range(self) -> tuple[datetime.date, datetime.date]:
        return STORED_FROM, STORED_UNTIL - datetime.timedelta(days=1)


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A date and time a person types in their time zone, between ``earliest``
    and ``latest`` (inclusive). A timedelta bound counts from now. Shown as the
    browser's date-time picker (``datetime_input``).

    On the night the clocks go back a wall time happens twice (01:30 in New
    York on 1 November 2026): it means the first, earlier instant, still on
    summer time. On the night they go forward a wall time does not exist
    (02:30 in New York on 14 March 2027): refused, saying so in plain words."""

    default_error_messages = {
        "invalid": _("Enter a real date and time."),
        "too_early": _("Choose a date and time after %(limit)s."),
        "too_late": _("Choose a date and time before %(limit)s."),
        "does_not_exist": _(
            "%(time)s on %(date)s does not exist in %(zone)s: the clocks go forward "
            "from %(before)s to %(after)s. Choose another time."
        ),
    }
    limit_format = "j F Y, H:i"

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", datetime_input())
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        super().__init__(**kwargs)

    def _now(self) -> datetime.datetime:
        return timezone.now()

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            typed = (error.params or {}).get("datetime") if error.code == "ambiguous_timezone" else None
            if typed is None:
                raise
            if STORED_FROM <= typed.date() < STORED_UNTIL:
                return self._at_clock_change(typed, error)
            # 01/01/0001 00:00 in Tokyo is before the year 1 in UTC: Django cannot
            # place it in the zone; say which end of the range it misses instead.
            earliest, latest = self.limits()
            code, limit = ("too_early", earliest) if typed.date() < STORED_FROM else ("too_late", latest)
            raise ValidationError(
                self.error_messages[code], code=code, params={"limit": self._shown(limit)}
            ) from error

    def _at_clock_change(self, typed: datetime.datetime, error: ValidationError) -> datetime.datetime:
        """``typed`` (naive) on a night the clocks change in the current zone: the
        first instant if it happens twice, else refused as one that does not exist."""
        zone = timezone.get_current_timezone()
        first = typed.replace(tzinfo=zone, fold=0)
        if first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) == typed:
            # It happens twice: the earlier instant, on summer time (in UTC, so
            # no later comparison or conversion reads the other one).
            return first.astimezone(datetime.UTC)
        # In the gap: fold=1 reads it with the offset after the change, landing before it.
        minute = datetime.timedelta(minutes=1)
        change = min(typed.replace(tzinfo=zone, fold=f).astimezone(datetime.UTC) for f in (0, 1))
        for _minute in range(24 * 60):
            if change.astimezone(zone).utcoffset() != (change - minute).astimezone(zone).utcoffset():
                break
            change += minute
        before = (change - minute).astimezone(zone)
        before_offset, after_offset = before.utcoffset(), change.astimezone(zone).utcoffset()
        if before_offset is None or after_offset is None:
            raise error
        raise ValidationError(
            self.error_messages["does_not_exist"],
            code="does_not_exist",
            params={
                "time": typed.strftime("%H:%M"),
                "date": date_format(typed.date(), "j F Y"),
                "zone": timezone.get_current_timezone_name(),
                "before": (change.replace(tzinfo=None) + before_offset).strftime("%H:%M"),
                "after": (change.replace(tzinfo=None) + after_offset).strftime("%H:%M"),
            },
        ) from error

    def _stored_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        # A day inside the stored range on each side, so the value in any zone stays in it.
        day = datetime.timedelta(days=1)
        return STORED_FROM_AT + day, STORED_UNTIL_AT - day


def date_input() -> forms.DateInput:
    """The one widget of a date: the browser's date picker, with an ISO value."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    """The one widget of a date and time: the browser's picker, with an ISO value."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
