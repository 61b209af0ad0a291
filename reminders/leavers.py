"""A person who left the organisation (their account deactivated,
``accounts.services.user_deactivate`` or Django's admin): each of their
current partnerships is flagged to its program's admins, once, through the
reminder ledger as a stall flag (``Kind.STALL``, object key ``left-<user id>``)
that says who left. The next scan sends it (``services.scan``), outside each
admin's quiet hours; the notifications list shows it at once."""

import datetime

from django.db.models import Q
from django.utils import timezone

from mentoring.time_zones import zone_named
from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Program

from .models import Kind, Reminder
from .timing import outside_quiet_hours

LEFT_PREFIX = "left-"


def left_key(user_id: int) -> str:
    return f"{LEFT_PREFIX}{user_id}"


def leaver_id(object_key: str) -> int | None:
    """The user id of a leaver's flag's ``object_key``; None for any other flag."""
    if object_key.startswith(LEFT_PREFIX) and object_key[len(LEFT_PREFIX) :].isdigit():
        return int(object_key[len(LEFT_PREFIX) :])
    return None


def leaver_flag_partnerships(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Records a flag to each active admin of the program of each current
    partnership of ``user_id`` (as mentor or protégé), unless that admin
    stopped stall flags or is the leaver. Idempotent: a partnership flagged
    for this leaver is not flagged again. Returns how many rows it recorded.
    Four queries, whatever the numbers."""
    now = now or timezone.now()
    key = left_key(user_id)
    pairs = list(
        Partnership.objects.filter(Q(mentor__user_id=user_id) | Q(protege__user_id=user_id))
        .filter(status__in=CURRENT_PAIR_STATUSES)
        .values_list("pk", "program_id")
    )
    if not pairs:
        return 0
    flagged = set(
        Reminder.objects.filter(
            kind=Kind.STALL, object_key=key, partnership__in=[pk for pk, _ in pairs]
        ).values_list("partnership_id", flat=True)
    )
    admins: dict[int, list] = {}
    for program_id, admin_id, zone in (
        Program.admins.through.objects.filter(
            program__in={program for _, program in pairs}, user__is_active=True
        )
        .exclude(user_id=user_id)
        .exclude(user__reminder_opt_outs__kind=Kind.STALL)
        .values_list("program_id", "user_id", "user__time_zone")
    ):
        admins.setdefault(program_id, []).append((admin_id, zone))
    rows = [
        Reminder(
            kind=Kind.STALL,
            partnership_id=pk,
            object_key=key,
            due_at=now,
            recipient_id=admin_id,
            send_at=outside_quiet_hours(now, zone_named(zone)),
        )
        for pk, program_id in pairs
        if pk not in flagged
        for admin_id, zone in admins.get(program_id, [])
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """``post_save`` of the User: flags a deactivated person's partnerships
    (``leaver_flag_partnerships`` records each flag once, so saving an
    inactive account again adds nothing)."""
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    leaver_flag_partnerships(user_id=instance.pk)
