"""Bringing rows stored before the bounds inside them, for the migrations
that add the bounds' constraints (``repair_rows``, ``settle_deferred_checks``)."""

import datetime

from django.db import models
from django.db.models.functions import Length

from .dates import STORED_FROM, STORED_FROM_AT, STORED_UNTIL, STORED_UNTIL_AT
from .text import NAME_REFUSES_REGEX, control_characters, is_format_character


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
                " " if control_characters(ch) else "" if is_format_character(ch) else ch
                for ch in getattr(row, name)
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
