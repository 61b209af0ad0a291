"""A database made at today's main (860d738) and migrated forward keeps every row.

The test database goes back to main's migrations, gets a row in every table
through main's historical models, and goes forward to the latest migrations;
then every table is still there with the same rows, every table a model of
main used is the table of a model now (a model moved to another app keeps its
table), and every foreign key of the current models still finds its row.
Only main's leaf migrations are named here: the migrations added since, and the
apps they add, are found in the migration graph."""

from pathlib import Path

import pytest
from django.apps import apps as current_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .migration_rows import Table, seed_every_table, snapshot

# The last migration of each of our apps at today's main. Our apps that are not
# here came later and start empty; Django's and allauth's stay at their latest.
MAIN_LEAVES = {
    "accounts": "0004_names_without_format_characters",
    "goals": "0002_bounds_on_typed_input",
    "partnerships": "0005_names_without_format_characters_call_lengths",
    "reminders": "0005_stalled_label",
    "sessions_log": "0003_call_lengths",
}

# Migrating forward records the migrations it applies.
ROWS_MAY_GROW = {"django_migrations"}
# A move may relabel the content types of the models it moves (their ids, which
# permissions and the admin log point at, stay).
VALUES_MAY_CHANGE = {"django_content_type"}


def _ours(app_label: str) -> bool:
    """An app of this project (a folder at the top of the repository), not a library's."""
    return Path(current_apps.get_app_config(app_label).path).parent == Path(settings.BASE_DIR)


def _targets_at_main(graph) -> list[tuple[str, str | None]]:
    targets: list[tuple[str, str | None]] = list(MAIN_LEAVES.items())
    for app_label, name in sorted(graph.leaf_nodes()):
        if app_label not in MAIN_LEAVES:
            targets.append((app_label, None) if _ours(app_label) else (app_label, name))
    return targets


@pytest.fixture
def executor(transactional_db):
    yield MigrationExecutor(connection)
    # The rest of the suite runs on the latest schema, whatever happened above.
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _migrate(executor, targets) -> MigrationExecutor:
    executor.migrate(targets)
    return MigrationExecutor(connection)  # reads what is applied now


def test_a_database_made_at_main_keeps_every_row_migrated_forward(executor):
    latest = executor.loader.graph.leaf_nodes()
    at_main = _targets_at_main(executor.loader.graph)
    executor = _migrate(executor, at_main)
    main_state = executor.loader.project_state([t for t in at_main if t[1] is not None])
    main_apps = main_state.apps

    seed_every_table(main_apps)
    before = snapshot(connection)
    assert not [name for name, table in before.items() if not table.rows], "a table left empty at main"
    main_tables = {m._meta.db_table for m in main_apps.get_models(include_auto_created=True)}
    assert set(before) - ROWS_MAY_GROW <= main_tables, "a table no model of main has"

    _migrate(executor, latest)
    after = snapshot(connection)

    _assert_rows_kept(before, after)
    _assert_models_read_main_tables(main_tables, before)


def _assert_rows_kept(before: dict[str, Table], after: dict[str, Table]) -> None:
    for name, old in before.items():
        assert name in after, f"table {name} is gone"
        new = after[name]
        missing = [column for column in old.columns if column not in new.columns]
        assert not missing, f"{name} lost its columns {missing}"
        if name in ROWS_MAY_GROW:
            assert len(new.rows) >= len(old.rows), name
            continue
        assert len(new.rows) == len(old.rows), f"{name}: {len(old.rows)} rows before, {len(new.rows)} after"
        if name not in VALUES_MAY_CHANGE:
            assert new.project(old.columns) == old.rows, f"{name}: rows changed"


def _assert_models_read_main_tables(main_tables: set[str], before: dict[str, Table]) -> None:
    models = current_apps.get_models(include_auto_created=True)
    tables_now = {m._meta.db_table for m in models}
    assert not main_tables - tables_now, f"tables no model reads any more: {sorted(main_tables - tables_now)}"
    for model in models:
        table = model._meta.db_table
        if table not in before:
            continue  # a model added since main: nothing of main's to read through it
        rows = list(model._base_manager.all())
        assert len(rows) == len(before[table].rows), f"{model._meta.label} reads a different count"
        for field in model._meta.concrete_fields:
            if field.is_relation and (field.many_to_one or field.one_to_one):
                for row in rows:
                    # Raises if the key points nowhere, or at the wrong table.
                    assert getattr(row, field.attname) is None or getattr(row, field.name) is not None
