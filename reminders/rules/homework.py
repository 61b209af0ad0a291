"""Homework: two days before an item is due, and when it becomes overdue."""

import datetime
from collections.abc import Iterator

from django.db.models import CharField, DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from mentoring.time_zones import zone_of
from partnerships.models import Partnership
from sessions_log.models import Homework

from ..models import Kind, Reminder
from ..timing import at_local
from .common import EARLIEST_OFFSET, LATEST_OFFSET, Decision, Recipient, day_key, opted_out

HOMEWORK_AHEAD = datetime.timedelta(days=2)
# An item overdue for longer than this is not reminded any more (nor, the day
# this rule first runs, are items long overdue): it keeps the scan's range short.
HOMEWORK_OVERDUE_WINDOW = datetime.timedelta(days=7)


def homework_key(homework_id: int, moment: str) -> str:
    return f"homework-{homework_id}-{moment}"


def homework_id_of(object_key: str) -> int | None:
    parts = object_key.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "homework" and parts[1].isdigit() else None


def _homework_decided(moment: str) -> Exists:
    """The reminder for this moment of an outer Homework, at its current due date, is in the ledger."""
    return Exists(
        Reminder.objects.filter(
            kind=Kind.HOMEWORK,
            partnership=OuterRef("partnership"),
            object_key=Concat(
                Value("homework-"),
                Cast(OuterRef("pk"), CharField()),
                Value(f"-{moment}"),
                output_field=CharField(),
            ),
            due_at=Cast(OuterRef("due_on"), DateTimeField()),  # the session's zone is UTC: day_key()
        )
    )


def homework(now: datetime.datetime) -> Iterator[Decision]:
    """To the protégé of an active pair, for each open item of a finished call
    log: one reminder from 00:00 (so, with quiet hours, 08:00) of their day two
    days before it is due, and one from 00:00 of the day after it was due
    (overdue). An item set less than two days before it is due gets no "ahead"
    reminder: it was set at the call just now. Only items due in a window of
    a few days around today come back from the database (partial index
    reminders_homework_open_due, migration 0003), less those already decided
    and those that cannot have a reminder yet in any zone."""
    latest_today = (now + LATEST_OFFSET).date()
    earliest_today = (now - EARLIEST_OFFSET).date()
    ahead_possible_until = latest_today + HOMEWORK_AHEAD
    # The latest "00:00 two days before it is due" of any zone (UTC-12's).
    last_ahead_from = ExpressionWrapper(
        Cast("due_on", DateTimeField()) - Value(HOMEWORK_AHEAD) + Value(EARLIEST_OFFSET),
        output_field=DateTimeField(),
    )
    not_overdue_anywhere = Q(due_on__gte=latest_today)
    items = (
        Homework.objects.filter(
            status=Homework.Status.OPEN,
            due_on__gte=earliest_today - HOMEWORK_OVERDUE_WINDOW,
            due_on__lte=ahead_possible_until,
            session__is_draft=False,
            partnership__status=Partnership.Status.ACTIVE,
        )
        .exclude(_homework_decided("overdue"))
        # Not yet overdue anywhere, and reminded ahead already or set too late
        # for it: nothing for now. (The steady state of a busy program: every
        # scan would otherwise read each item set at the last call again.)
        .exclude(not_overdue_anywhere & _homework_decided("ahead"))
        .exclude(not_overdue_anywhere & Q(created_at__gt=last_ahead_from))
        .exclude(opted_out("partnership__protege__user", Kind.HOMEWORK))
        .order_by()
        .values_list(
            "pk",
            "due_on",
            "created_at",
            "partnership_id",
            "partnership__protege__user_id",
            "partnership__protege__user__time_zone",
        )
    )
    for pk, due_on, created_at, partnership_id, protege_id, protege_zone in items:
        person = Recipient(protege_id, protege_zone)
        tz = zone_of(person)
        today = now.astimezone(tz).date()
        due = day_key(due_on)
        if today > due_on:
            if today - due_on <= HOMEWORK_OVERDUE_WINDOW:
                overdue_from = at_local(due_on + datetime.timedelta(days=1), datetime.time(0), tz)
                yield Decision(
                    Kind.HOMEWORK, partnership_id, homework_key(pk, "overdue"), due, person, overdue_from
                )
        elif today >= due_on - HOMEWORK_AHEAD:
            ahead_from = at_local(due_on - HOMEWORK_AHEAD, datetime.time(0), tz)
            if created_at <= ahead_from:
                yield Decision(
                    Kind.HOMEWORK, partnership_id, homework_key(pk, "ahead"), due, person, ahead_from
                )
