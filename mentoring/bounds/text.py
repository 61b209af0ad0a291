"""Bounds on every text a person types.

Every text field has a length that fits the page (``SingleLineField``,
``MultiLineField`` and their model fields; ``text_within`` holds the length of
long text in the database), and no control characters: a single line refuses
line breaks (a CR/LF in a display name broke the partner's email headers), a
multi-line text keeps its line breaks and tabs and refuses the rest. Nor
characters that make text show as other than it is: a single line refuses
every format character but the joiners (a right-to-left override turned a
display name into a spoofed "Priya Protégé"), a multi-line text the bidi
overrides, embeddings and isolates.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


def is_format_character(ch: str) -> bool:
    """A character that makes text show as other than it is (see ``FORMAT_CHARACTER_RANGES``)."""
    return ch not in JOINERS and (
        unicodedata.category(ch) == "Cf"
        or any(low <= ord(ch) <= high for low, high in FORMAT_CHARACTER_RANGES)
    )


def control_characters(value: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The control characters and line separators in ``value``, but those ``allowed``."""
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
    if control_characters(value):
        raise ValidationError(
            _("Keep it to one line: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )
    if any(is_format_character(ch) for ch in value):
        raise ValidationError(FORMAT_CHARACTERS_MESSAGE, code="format_characters")


def validate_multi_line(value: str) -> None:
    """Allows line breaks (``\\n``; ``\\r\\n`` as sent by browsers) and tabs;
    refuses NUL and every other control character, and the bidi overrides,
    embeddings and isolates (``BIDI_REORDERING``; the marks LRM/RLM stay)."""
    if control_characters(value.replace("\r\n", "\n"), frozenset("\n\t")):
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

    def deconstruct(self):
        # Migrations name it where it is imported from (mentoring/bounds/__init__.py).
        name, _path, args, kwargs = super().deconstruct()
        return name, "mentoring.bounds.SingleLineCharField", args, kwargs

    def formfield(self, **kwargs):
        if self.choices is None:
            kwargs.setdefault("form_class", SingleLineField)
        return super().formfield(**kwargs)


class MultiLineTextField(models.TextField):
    """A model's long text with a length (``max_length``, required): its forms
    show and hold it; ``text_within`` holds it in the database."""

    default_validators = [validate_multi_line]

    def __init__(self, verbose_name=None, name: str | None = None, *, max_length: int, **kwargs):
        super().__init__(verbose_name, name, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self):
        # Migrations name it where it is imported from (mentoring/bounds/__init__.py).
        name, _path, args, kwargs = super().deconstruct()
        return name, "mentoring.bounds.MultiLineTextField", args, kwargs

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", MultiLineField)
        return super().formfield(**kwargs)


def _keep_it_to(max_length: int) -> str:
    return ngettext("Keep it to %(max)s character.", "Keep it to %(max)s characters.", max_length) % {
        "max": max_length
    }


def text_within(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """A check constraint holding the text of ``field`` to ``max_length``
    characters, so no writer (a service, the admin, an import) stores more than
    the page was made for."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), max_length),
        name=name,
        # Lazy: worded in the language of the page that shows it.
        violation_error_message=lazy(_keep_it_to, str)(max_length),
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
