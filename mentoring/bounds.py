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
multi-line text keeps its line breaks and tabs and refuses the rest. Nor
characters that make text show as other than it is: a single line refuses
every format character but the joiners (a right-to-left override turned a
display name into a spoofed "Priya Protégé"), a multi-line text the bidi
overrides, embeddings and isolates.

Call lengths: 15 to 120 minutes wherever a call's length is typed
(``CallMinutesField``, ``call_minutes_in_range``).
"""

import datetime
import unicodedata
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
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


# A date-time limit further than this from now is shown as its date alone.
DAYS_AWAY = datetime.timedelta(days=2)

# What the date inputs send (ISO, as browsers' native inputs do) and the
# day/month/year some people type where the browser shows a text box.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


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


# --- Call lengths --------------------------------------------------------------

# A call lasts from 15 to 120 minutes (the program's default, the agreement's
# call, a logged call): shorter is no conversation, longer no mentoring call.
CALL_MINUTES = (15, 120)


CALL_MINUTES_MESSAGE = format_lazy(
    _("Choose a call length from {low} to {high} minutes."), low=CALL_MINUTES[0], high=CALL_MINUTES[1]
)


class CallMinutesFormField(forms.IntegerField):
    """A call length in whole minutes inside ``CALL_MINUTES``; its input carries
    the same min and max, and every refusal names the range."""

    def __init__(self, **kwargs):
        kwargs.update(min_value=CALL_MINUTES[0], max_value=CALL_MINUTES[1])
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        kwargs["error_messages"] = {
            "required": format_lazy(
                _("Enter the call length in minutes, from {low} to {high}."),
                low=CALL_MINUTES[0],
                high=CALL_MINUTES[1],
            ),
            "invalid": CALL_MINUTES_MESSAGE,
            "min_value": CALL_MINUTES_MESSAGE,
            "max_value": CALL_MINUTES_MESSAGE,
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(**kwargs)


class CallMinutesField(models.PositiveSmallIntegerField):
    """A model's call length in minutes, inside ``CALL_MINUTES`` in its forms and
    ``full_clean``; ``call_minutes_in_range`` holds it in the database."""

    default_validators = [MinValueValidator(CALL_MINUTES[0]), MaxValueValidator(CALL_MINUTES[1])]

    def formfield(self, **kwargs):
        # Past PositiveSmallIntegerField's own min_value=0, which the input would show.
        return models.Field.formfield(self, **{"form_class": CallMinutesFormField, **kwargs})


def call_minutes_in_range(field: str, *, name: str) -> models.CheckConstraint:
    """A check constraint holding the call length ``field`` inside ``CALL_MINUTES``."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": CALL_MINUTES[0], f"{field}__lte": CALL_MINUTES[1]}),
        name=name,
        violation_error_message=CALL_MINUTES_MESSAGE,
    )


# --- Text ----------------------------------------------------------------------

# Line and paragraph separators end a line in email headers and in many readers.
_LINE_SEPARATORS = {"\u2028", "\u2029"}

# The bidirectional overrides, embeddings and isolates reorder the text after
# them: "\u202eévètorP ayirP" reads "Priya Protégé" (Unicode TR 9, explicit
# directional formatting characters). No text a person types may hold them.
BIDI_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The joiners build emoji and the letters of some scripts: a name keeps them.
JOINERS = frozenset("\u200c\u200d")
# Every format character (Unicode 15.1 category Cf) but the joiners, as ranges:
# invisible marks (bidi marks U+061C/U+200E/U+200F, zero-width space, BOM,
# tags…) that make a name look other than it is. A test checks the list
# against the running Python's Unicode data.
FORMAT_CHARACTER_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip


def _is_format_character(ch: str) -> bool:
    return ch not in JOINERS and (
        unicodedata.category(ch) == "Cf"
        or any(low <= ord(ch) <= high for low, high in FORMAT_CHARACTER_RANGES)
    )


def _controls(value: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [
        ch
        for ch in value
        if ch not in allowed and (unicodedata.category(ch) == "Cc" or ch in _LINE_SEPARATORS)
    ]


FORMAT_CHARACTERS_MESSAGE = _(
    "Remove the invisible formatting characters (such as a right-to-left override): "
    "they make the text show differently from what it is."
)


def validate_single_line(value: str) -> None:
    """Refuses line breaks, tabs and every other control character (Unicode
    category Cc: C0, DEL, C1) and the line and paragraph separators; and every
    format character (category Cf: bidi controls, zero-width space, BOM…) but
    the joiners ZWNJ and ZWJ, so a name shows as what it is."""
    if _controls(value):
        raise ValidationError(
            _("Keep it to one line: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )
    if any(_is_format_character(ch) for ch in value):
        raise ValidationError(FORMAT_CHARACTERS_MESSAGE, code="format_characters")


def validate_multi_line(value: str) -> None:
    """Allows line breaks (``\\n``; ``\\r\\n`` as sent by browsers) and tabs;
    refuses NUL and every other control character, and the bidi overrides,
    embeddings and isolates (``BIDI_REORDERING``; the marks LRM/RLM stay)."""
    if _controls(value.replace("\r\n", "\n"), frozenset("\n\t")):
        raise ValidationError(
            _("Remove the control characters: only line breaks and tabs can be part of the text."),
            code="control_characters",
        )
    if BIDI_REORDERING.intersection(value):
        raise ValidationError(FORMAT_CHARACTERS_MESSAGE, code="format_characters")


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


def _class_range(low: int, high: int) -> str:
    def escape(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return escape(low) if low == high else f"{escape(low)}-{escape(high)}"


# Characters a name may never hold in the database (no NUL in PostgreSQL text
# anyway): control characters, the line separators, format characters but the joiners.
NAME_REFUSES_REGEX = (
    "[\\x01-\\x1f\\x7f-\\x9f\\u2028\\u2029"
    + "".join(_class_range(low, high) for low, high in FORMAT_CHARACTER_RANGES)
    + "]"
)


def single_line_in_database(field: str, *, name: str) -> models.CheckConstraint:
    """A check constraint refusing control and format characters in ``field`` (as
    ``validate_single_line``): for names that go into email headers and page
    titles, whoever writes them."""
    return models.CheckConstraint(
        condition=~models.Q(**{f"{field}__regex": NAME_REFUSES_REGEX}),
        name=name,
        violation_error_message=_("Keep it to one line, without control or formatting characters."),
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
    cut. ``one_line``: control characters in a name become spaces, format
    characters (but the joiners) are removed."""
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
        for row in model.objects.filter(**{f"{name}__regex": NAME_REFUSES_REGEX}).only("pk", name):
            fixed = "".join(
                " " if _controls(ch) else "" if _is_format_character(ch) else ch for ch in getattr(row, name)
            )
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
