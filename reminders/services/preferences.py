"""Which kinds of reminder a person gets: the profile's choices and the emails'
one-click stop link."""

from django.db import transaction

from ..models import Kind, ReminderOptOut


def reminder_preferences_set(*, user, wanted: list[str]) -> None:
    """Keeps ``wanted`` kinds on and stops every other kind for ``user``. Idempotent."""
    with transaction.atomic():
        ReminderOptOut.objects.filter(user=user, kind__in=wanted).delete()
        ReminderOptOut.objects.bulk_create(
            [ReminderOptOut(user=user, kind=kind) for kind in Kind.values if kind not in wanted],
            ignore_conflicts=True,
        )


def reminder_opt_out(*, user, kind: str) -> None:
    """Stops reminders of ``kind`` for ``user`` (the emails' one-click link). Idempotent."""
    with transaction.atomic():
        ReminderOptOut.objects.bulk_create([ReminderOptOut(user=user, kind=kind)], ignore_conflicts=True)
