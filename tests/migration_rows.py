"""Rows in every table of a migration state, and a raw read of every table, for
the test that migrates a database from today's main forward
(tests/test_migrations_keep_rows.py).

The rows are written through the historical models of that state (never the
current ones, whose columns may differ), with plain values by field type; the
few fields whose check constraints need a particular value are named below."""

import datetime
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

DAY = datetime.date(2025, 3, 3)
AT = datetime.datetime(2025, 3, 3, 9, 30, tzinfo=datetime.UTC)

# Rows per model where one is not enough: a partnership is of two people.
ROWS = {"accounts.user": 2, "partnerships.participant": 2}

# Which row of the target a foreign key takes (default: the row's own index):
# the protégé is the second participant, never the mentor.
PICKS = {"partnerships.partnership.protege": 1, "partnerships.draftmatch.protege": 1}

# Values the check constraints of today's main ask for: {model: {field: value or f(row index)}}.
OVERRIDES: dict[str, dict[str, Any]] = {
    "partnerships.participant": {"role": lambda n: ("mentor", "protege")[n]},
    # The time boxes fill the call; the first review comes before the end.
    "partnerships.agreement": {
        "call_minutes": 30,
        "checkin_minutes": 10,
        "topic_minutes": 15,
        "prepare_minutes": 5,
        "first_review_on": DAY + datetime.timedelta(days=30),
        "ends_on": DAY + datetime.timedelta(days=180),
    },
    # An active goal holds a slot; a competency goal carries no SMART fields.
    "goals.goal": {"category": "competency", "slot": 1},
}


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple]

    def project(self, columns: list[str]) -> list[tuple]:
        """The rows, with only ``columns`` (in that order)."""
        at = [self.columns.index(name) for name in columns]
        return [tuple(row[i] for i in at) for row in self.rows]


def snapshot(connection) -> dict[str, Table]:
    """Every table of the database, read by raw SQL, each in primary-key order."""
    tables = {}
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, name)]
            pk = connection.introspection.get_primary_key_column(cursor, name)
            quote = connection.ops.quote_name
            order = f" ORDER BY {quote(pk)}" if pk else ""
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(name)}{order}")
            rows = [tuple(row) for row in cursor.fetchall()]
            tables[name] = Table(columns, rows if pk else sorted(rows, key=repr))
    return tables


def seed_every_table(apps) -> None:
    """At least one row in the table of every model of ``apps`` (a migration
    state's), including every auto-created many-to-many table; every foreign
    key that may be empty points at a row too, but a model's own."""
    created: dict[str, list[models.Model]] = {}
    for model in _in_dependency_order(apps.get_models()):
        label = model._meta.label_lower
        created[label] = [
            model._base_manager.create(**_values(model, n, created)) for n in range(ROWS.get(label, 1))
        ]
    # Second pass: optional keys to models seeded later (the goal's suggestion, the log's content type).
    for label, rows in created.items():
        for field in _foreign_keys(rows[0]._meta):
            target = field.related_model._meta.label_lower
            if field.null and target != label:
                for row in rows:
                    if getattr(row, field.attname) is None:
                        setattr(row, field.name, created[target][0])
                        row.save(update_fields=[field.name])
        for field in rows[0]._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                getattr(rows[0], field.name).add(created[field.related_model._meta.label_lower][0])


def _foreign_keys(meta) -> list[models.Field]:
    return [f for f in meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _in_dependency_order(model_list) -> list[type[models.Model]]:
    """Models after the models their required foreign keys point at."""
    by_label = {m._meta.label_lower: m for m in model_list}
    done: dict[str, type[models.Model]] = {}

    def visit(label: str) -> None:
        if label in done:
            return
        model = by_label[label]
        for field in _foreign_keys(model._meta):
            target = field.related_model._meta.label_lower
            if not field.null and target != label:
                visit(target)
        done[label] = model

    for label in sorted(by_label):
        visit(label)
    return list(done.values())


def _values(model, n: int, created: dict[str, list[models.Model]]) -> dict[str, Any]:
    label = model._meta.label_lower
    overrides = OVERRIDES.get(label, {})
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField) or any(
            getattr(field, stamp, False) for stamp in ("auto_now", "auto_now_add")
        ):
            continue  # numbered by the database, stamped by save()
        if field.name in overrides:
            value = overrides[field.name]
            values[field.name] = value(n) if callable(value) else value
        elif field.is_relation:
            rows = created.get(field.related_model._meta.label_lower)
            if rows:
                values[field.name] = rows[PICKS.get(f"{label}.{field.name}", n) % len(rows)]
            elif not field.null:
                raise AssertionError(f"{label}.{field.name}: nothing seeded yet to point at")
        else:
            values[field.name] = _plain_value(field, n)
    return values


def _plain_value(field: models.Field, n: int) -> Any:
    """A value the field holds without ado: its default, else empty, else one by type."""
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.blank and isinstance(field, models.CharField | models.TextField):
        return ""
    if field.choices:
        return field.flatchoices[0][0]
    by_type: list[tuple[type, Callable[[], Any]]] = [
        (models.EmailField, lambda: f"person{n}@example.org"),
        (models.URLField, lambda: f"https://example.org/{n}"),
        (models.SlugField, lambda: f"row-{n}"),
        (models.GenericIPAddressField, lambda: "192.0.2.1"),
        (models.CharField | models.TextField, lambda: f"{field.name} {n}"[: field.max_length]),
        (models.BooleanField, lambda: False),
        (models.IntegerField, lambda: 1),
        (models.DecimalField, lambda: decimal.Decimal("1.50")),
        (models.FloatField, lambda: 1.5),
        (models.DateTimeField, lambda: AT + datetime.timedelta(days=n)),
        (models.DateField, lambda: DAY + datetime.timedelta(days=n)),
        (models.TimeField, lambda: datetime.time(9, 30)),
        (models.DurationField, lambda: datetime.timedelta(minutes=30)),
        (models.UUIDField, lambda: uuid.UUID(int=n + 1)),
        (models.JSONField, lambda: {}),
        (models.BinaryField, lambda: b"row"),
    ]
    for kind, make in by_type:
        if isinstance(field, kind):
            return make()
    raise AssertionError(f"No value for {field.model._meta.label}.{field.name} ({type(field).__name__})")
