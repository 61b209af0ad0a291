"""Calls, their feedback, agenda items, homework and partnership checks
raise their pair's ``Partnership.page_version`` when they change
(``pair_page_changed``, partnerships 0008), so a cached page of the pair is
never served after such a change. PostgreSQL only, as there."""

from django.db import migrations

# table, its column leading to the pair, and the table that column points to
# when it is not the partnership itself
TABLES = [
    ("sessions_log_session", "partnership_id", None),
    ("sessions_log_agendaitem", "partnership_id", None),
    ("sessions_log_homework", "partnership_id", None),
    ("sessions_log_partnershipcheck", "partnership_id", None),
    ("sessions_log_callfeedback", "session_id", "sessions_log_session"),
]


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, via in TABLES:
        arguments = f"'{column}'" + (f", '{via}'" if via else "")
        schema_editor.execute(
            f"CREATE TRIGGER pair_page_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION pair_page_changed({arguments})"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column, _via in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS pair_page_changed ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_log", "0003_call_lengths"),
        ("partnerships", "0008_page_version"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
