"""Goals, their revisions and milestones, suggestions, rating rounds and
ratings raise their pair's ``Partnership.page_version`` when they change
(``pair_page_changed``, partnerships 0008), so a cached page of the pair is
never served after such a change. PostgreSQL only, as there."""

from django.db import migrations

# table, its column leading to the pair, and the table that column points to
# when it is not the partnership itself
TABLES = [
    ("goals_goal", "partnership_id", None),
    ("goals_goalsuggestion", "partnership_id", None),
    ("goals_ratinground", "partnership_id", None),
    ("goals_goalrevision", "goal_id", "goals_goal"),
    ("goals_milestone", "goal_id", "goals_goal"),
    ("goals_progressrating", "goal_id", "goals_goal"),
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
        ("goals", "0002_bounds_on_typed_input"),
        ("partnerships", "0008_page_version"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
