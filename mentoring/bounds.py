"""Bounds on everything a person types, in one place.

Dates and times: every typed date or time lies in a window that makes sense
for a mentoring program (``BoundedDateField``, ``BoundedDateTimeField``), and
whatever the window, inside the stored range ``STORED_FROM``–``STORED_UNTIL``,
which the database holds too (``stored_in_range``). A time typed in any time
zone inside that range converts to UTC and back to any other zone without
leaving the years Python can represent, so no page or reminder batch can trip
on a stored value (issue 13, kind 1: 31/12/9999 23:59 typed in New York was
year 10000 in UTC).

Text: every text field has a length that fits the page (``SingleLineField``,
``MultiLineField`` and their model fields; ``text_within`` holds the length of
long text in the database), and no control characters: a single line refuses
line breaks (a CR/LF in a display name broke the partner's email headers), a
multi-line text keeps its line breaks and tabs and refuses the rest.
"""

import datetime
import unicodedata
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# --- Dates and times ---------------------------------------------------------

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
Bound = datetime.date | datetime.datetime | datetime.timedelta | Callable[[], object] | None


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


class _Bounded:
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
    A timedelta bound counts from today in the viewer's time zone."""

    def _now(self) -> datetime.date:
        return timezone.localdate()

    def _stored_range(self) -> tuple[datetime.date, datetime.date]:
        return STORED_FROM, STORED_UNTIL - datetime.timedelta(days=1)


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A date and time a person types in their time zone, between ``earliest``
    and ``latest`` (inclusive). A timedelta bound counts from now."""

    default_error_messages = {
        "too_early": _("Choose a date and time after %(limit)s."),
        "too_late": _("Choose a date and time before %(limit)s."),
    }
    limit_format = "j F Y, H:i"

    def _now(self) -> datetime.datetime:
        return timezone.now()

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            # 01/01/0001 00:00 in Tokyo is before the year 1 in UTC: Django cannot
            # place it in the zone; say which end of the range it misses instead.
            typed = (error.params or {}).get("datetime") if error.code == "ambiguous_timezone" else None
            if typed is None or STORED_FROM <= typed.date() < STORED_UNTIL:
                raise
            earliest, latest = self.limits()
            code, limit = ("too_early", earliest) if typed.date() < STORED_FROM else ("too_late", latest)
            raise ValidationError(
                self.error_messages[code], code=code, params={"limit": self._shown(limit)}
            ) from error

    def _stored_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        # A day inside the stored range on each side, so the value in any zone stays in it.
        day = datetime.timedelta(days=1)
        return STORED_FROM_AT + day, STORED_UNTIL_AT - day


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# --- Text ----------------------------------------------------------------------

# Line and paragraph separators end a line in email headers and in many readers.
_LINE_SEPARATORS = {"\u2028", "\u2029"}


def _controls(value: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [
        ch
        for ch in value
        if ch not in allowed and (unicodedata.category(ch) == "Cc" or ch in _LINE_SEPARATORS)
    ]


def validate_single_line(value: str) -> None:
    """Refuses line breaks, tabs and every other control character (Unicode
    category Cc: C0, DEL, C1) and the line and paragraph separators."""
    if _controls(value):
        raise ValidationError(
            _("Keep it to one line: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )


def validate_multi_line(value: str) -> None:
    """Allows line breaks (``\\n``; ``\\r\\n`` as sent by browsers) and tabs;
    refuses NUL and every other control character."""
    if _controls(value.replace("\r\n", "\n"), frozenset("\n\t")):
        raise ValidationError(
            _("Remove the control characters: only line breaks and tabs can be part of the text."),
            code="control_characters",
        )


class SingleLineField(forms.CharField):
    """One line of text, at most ``max_length`` characters (required)."""

    default_validators = [validate_single_line]

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class MultiLineField(forms.CharField):
    """Text of several lines, at most ``max_length`` characters (required),
    with line breaks stored as ``\\n``."""

    widget = forms.Textarea
    default_validators = [validate_multi_line]

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class SingleLineCharField(models.CharField):
    """A model's one-line text: refuses control characters in its forms and in ``full_clean``."""

    default_validators = [validate_single_line]

    def formfield(self, **kwargs):
        if self.choices is None:
            kwargs.setdefault("form_class", SingleLineField)
        return super().formfield(**kwargs)


class MultiLineTextField(models.TextField):
    """A model's long text with a length (``max_length``, required): its forms
    show and hold it; ``text_within`` holds it in the database."""

    default_validators = [validate_multi_line]

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", MultiLineField)
        return super().formfield(**kwargs)


def text_within(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """A check constraint holding the text of ``field`` to ``max_length``
    characters, so no writer (a service, the admin, an import) stores more than
    the page was made for."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), max_length),
        name=name,
        violation_error_message=_("Keep it to %(max)s characters.") % {"max": max_length},
    )


# Characters a name may never hold in the database (no NUL in PostgreSQL text anyway).
CONTROL_CHARACTERS_REGEX = r"[\x01-\x1f\x7f-\x9f\u2028\u2029]"


def single_line_in_database(field: str, *, name: str) -> models.CheckConstraint:
    """A check constraint refusing control characters in ``field``: for names that
    go into email headers, whoever writes them."""
    return models.CheckConstraint(
        condition=~models.Q(**{f"{field}__regex": CONTROL_CHARACTERS_REGEX}),
        name=name,
        violation_error_message=_("Keep it to one line, without control characters."),
    )


# --- Repairing rows stored before the bounds (used by the migrations that add them) ---


def repair_rows(
    model,
    *,
    clear: tuple[str, ...] = (),
    clamp: dict[str, tuple[int, int]] | None = None,
    truncate: dict[str, int] | None = None,
    one_line: tuple[str, ...] = (),
) -> None:
    """Brings a model's stored rows inside the bounds before their constraints are
    added. ``clear``: dates or times out of the stored range become NULL.
    ``clamp``: {field: (days in from the start, days in from the end)}: an out-of-range
    date or time moves to the nearest end, that many days inside it (so two
    clamped dates keep their order). ``truncate``: {field: length}: longer text is
    cut. ``one_line``: control characters in a name become spaces."""
    for name in clear:
        low, high = _range_of(model, name)
        model.objects.filter(models.Q(**{f"{name}__lt": low}) | models.Q(**{f"{name}__gte": high})).update(
            **{name: None}
        )
    for name, (in_from_start, in_from_end) in (clamp or {}).items():
        low, high = _range_of(model, name)
        model.objects.filter(**{f"{name}__lt": low}).update(
            **{name: low + datetime.timedelta(days=in_from_start)}
        )
        model.objects.filter(**{f"{name}__gte": high}).update(
            **{name: high - datetime.timedelta(days=in_from_end)}
        )
    for name, length in (truncate or {}).items():
        model.objects.annotate(_length=Length(name)).filter(_length__gt=length).update(
            **{name: models.functions.Left(name, length)}
        )
    for name in one_line:
        for row in model.objects.filter(**{f"{name}__regex": CONTROL_CHARACTERS_REGEX}).only("pk", name):
            fixed = "".join(" " if _controls(ch) else ch for ch in getattr(row, name))
            model.objects.filter(pk=row.pk).update(**{name: " ".join(fixed.split())})


def _range_of(model, name: str):
    if isinstance(model._meta.get_field(name), models.DateTimeField):
        return STORED_FROM_AT, STORED_UNTIL_AT
    return STORED_FROM, STORED_UNTIL


def settle_deferred_checks(schema_editor) -> None:
    """Runs the foreign-key checks the repairs queued, so the migration can alter
    the tables in the same transaction (PostgreSQL refuses with checks pending)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
