from django.db import migrations


class Migration(migrations.Migration):
    """An index on another app's table, for this app's query: the check-in rule
    (reminders.rules.checkins.check_in) looks up active partnerships whose set call is
    within a day."""

    dependencies = [("reminders", "0001_ledger"), ("partnerships", "0002_agreements_schedule_calendar")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX reminders_partnership_next_call ON partnerships_partnership (next_call_at) "
            "WHERE status = 'active' AND next_call_at IS NOT NULL",
            "DROP INDEX reminders_partnership_next_call",
        )
    ]
