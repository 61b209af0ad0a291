"""The stored health numbers now live in the health app
(health/migrations/0001_initial). State only: the table and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0006_move_programs_to_their_app"),
        ("health", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="healthnumbers",
                    name="healthnumbers_homework_counts",
                ),
                migrations.RemoveConstraint(
                    model_name="healthnumbers",
                    name="healthnumbers_rating_latest_0_10",
                ),
                migrations.RemoveConstraint(
                    model_name="healthnumbers",
                    name="healthnumbers_rating_previous_0_10",
                ),
                migrations.RemoveConstraint(
                    model_name="healthnumbers",
                    name="healthnumbers_working_1_5",
                ),
                migrations.DeleteModel(
                    name="HealthNumbers",
                ),
            ],
            database_operations=[],
        ),
    ]
