"""What a person has read of the reminders shown to them (/me/notifications/)."""

from django.db import transaction
from django.utils import timezone

from ..models import Reminder


def reminders_mark_read(*, user, ids: list[int]) -> int:
    """Marks these reminders of ``user`` read (others' ids are ignored). Idempotent."""
    with transaction.atomic():
        return Reminder.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )
