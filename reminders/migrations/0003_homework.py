from django.db import migrations, models


class Migration(migrations.Migration):
    """Homework reminders: the new kind, and an index on another app's table
    for this app's query: the homework rule (reminders.rules.homework) looks up
    open items due in a few days' window around today."""

    dependencies = [("reminders", "0002_partnership_next_call_index"), ("sessions_log", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("check_in", "Check-in reminders before each call"),
                    ("agreement_pending", "An agreement waiting for your acceptance"),
                    ("nudge", "A nudge when no call has been held for a while"),
                    ("rating", "Prompts to rate your goals"),
                    ("stall", "Partnerships stalling in programs you run"),
                    ("homework", "Homework coming due, and overdue"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="reminderoptout",
            name="kind",
            field=models.CharField(
                choices=[
                    ("check_in", "Check-in reminders before each call"),
                    ("agreement_pending", "An agreement waiting for your acceptance"),
                    ("nudge", "A nudge when no call has been held for a while"),
                    ("rating", "Prompts to rate your goals"),
                    ("stall", "Partnerships stalling in programs you run"),
                    ("homework", "Homework coming due, and overdue"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunSQL(
            "CREATE INDEX reminders_homework_open_due ON sessions_log_homework (due_on) WHERE status = 'open'",
            "DROP INDEX reminders_homework_open_due",
        ),
    ]
