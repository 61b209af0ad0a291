"""Each goal's first and latest rating and its number of ratings, stored on
the goal and kept by the database: a trigger on ``goals_progressrating``
recomputes them for the goals a statement touched, whoever inserts, changes
or deletes ratings (the rating service, the demo, a bulk load). Existing goals
are filled in here. PostgreSQL: one statement-level trigger per event, over
its transition table; SQLite (the embedded default of ``make run``): row
triggers."""

from django.db import migrations, models

# The summary of the goals ``goals_goal`` rows in ``{where}``: portable SQL.
SUMMARY = """
UPDATE goals_goal SET
    first_rating = (SELECT r.value FROM goals_progressrating r WHERE r.goal_id = goals_goal.id
                    ORDER BY r.created_at, r.id LIMIT 1),
    latest_rating = (SELECT r.value FROM goals_progressrating r WHERE r.goal_id = goals_goal.id
                     ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
    rating_count = (SELECT COUNT(*) FROM goals_progressrating r WHERE r.goal_id = goals_goal.id)
WHERE {where}
"""

# (name, event, the transition tables it reads on PostgreSQL, the goals it touches on SQLite):
# a rating moved to another goal changes both goals.
EVENTS = [
    ("insert", "INSERT", "NEW TABLE AS changed", "NEW.goal_id"),
    ("update", "UPDATE", "OLD TABLE AS moved_from NEW TABLE AS changed", "OLD.goal_id, NEW.goal_id"),
    ("delete", "DELETE", "OLD TABLE AS changed", "OLD.goal_id"),
]


def _create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for function, goals in [
            ("goal_ratings_summed", "SELECT goal_id FROM changed"),
            ("goal_ratings_moved", "SELECT goal_id FROM changed UNION SELECT goal_id FROM moved_from"),
        ]:
            schema_editor.execute(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + SUMMARY.format(where=f"goals_goal.id IN ({goals})")
                + "; RETURN NULL; END $$"
            )
        for name, event, tables, _goals in EVENTS:
            function = "goal_ratings_moved" if name == "update" else "goal_ratings_summed"
            schema_editor.execute(
                f"CREATE TRIGGER goal_ratings_summed_{name} AFTER {event} ON goals_progressrating "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    elif vendor == "sqlite":
        for name, event, _tables, goals in EVENTS:
            schema_editor.execute(
                f"CREATE TRIGGER goal_ratings_summed_{name} AFTER {event} ON goals_progressrating BEGIN "
                + SUMMARY.format(where=f"goals_goal.id IN ({goals})")
                + "; END"
            )
    schema_editor.execute(SUMMARY.format(where="1 = 1"))


def _drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, *_ in EVENTS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS goal_ratings_summed_{name} ON goals_progressrating")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS goal_ratings_summed_{name}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS goal_ratings_summed()")
        schema_editor.execute("DROP FUNCTION IF EXISTS goal_ratings_moved()")


class Migration(migrations.Migration):
    dependencies = [("goals", "0003_pair_page_version")]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="first_rating",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goal",
            name="latest_rating",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goal",
            name="rating_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(_create, _drop, elidable=False),
    ]
