"""Each partnership's stored health numbers, moved here from the partnerships
app. Their table keeps its name and rows: this migration only tells Django's
state where the model now lives, and moves its content type (and so any
permission granted on it) to this app."""

import django.db.models.deletion
from django.db import migrations, models


MOVED = ["healthnumbers"]


def content_types_to(app_label: str):
    """Moves the moved model's content type to ``app_label``, keeping its id."""
    source = "partnerships" if app_label == "health" else "health"

    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=app_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnerships", "0006_move_programs_to_their_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HealthNumbers",
                    fields=[
                        (
                            "partnership",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="health_numbers",
                                serialize=False,
                                to="partnerships.partnership",
                            ),
                        ),
                        ("as_of", models.DateField()),
                        ("calls_expected", models.PositiveIntegerField(default=0)),
                        ("calls_held", models.PositiveIntegerField(default=0)),
                        ("homework_assigned", models.PositiveIntegerField(default=0)),
                        ("homework_due", models.PositiveIntegerField(default=0)),
                        ("homework_done", models.PositiveIntegerField(default=0)),
                        ("rating_latest", models.FloatField(null=True)),
                        ("rating_previous", models.FloatField(null=True)),
                        ("working", models.PositiveSmallIntegerField(null=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name_plural": "health numbers",
                        "db_table": "partnerships_healthnumbers",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("homework_done__lte", models.F("homework_due")),
                                    ("homework_due__lte", models.F("homework_assigned")),
                                ),
                                name="healthnumbers_homework_counts",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("rating_latest__isnull", True),
                                    models.Q(("rating_latest__gte", 0), ("rating_latest__lte", 10)),
                                    _connector="OR",
                                ),
                                name="healthnumbers_rating_latest_0_10",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("rating_previous__isnull", True),
                                    models.Q(("rating_previous__gte", 0), ("rating_previous__lte", 10)),
                                    _connector="OR",
                                ),
                                name="healthnumbers_rating_previous_0_10",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("working__isnull", True),
                                    models.Q(("working__gte", 1), ("working__lte", 5)),
                                    _connector="OR",
                                ),
                                name="healthnumbers_working_1_5",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("health"), content_types_to("partnerships")),
    ]
