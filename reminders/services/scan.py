"""The scan: decides what is due (``reminders.rules``), records one ledger row
per reminder and enqueues the rows whose time has come, in one transaction."""

import datetime
import logging
from typing import NamedTuple

import psycopg
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from mentoring.time_zones import zone_of

from .. import rules
from ..models import Kind, Reminder, ReminderOptOut
from ..rules.common import Decision, Rule
from ..timing import check_in_fits, outside_quiet_hours
from .limits import MAX_ATTEMPTS, claim_lease, requeue_after

log = logging.getLogger(__name__)

RECORD_BATCH = 10_000
# Reminders per send task: one claim, one SMTP connection and a handful of
# queries for all of them, and still a few seconds' work for a worker.
SEND_BATCH = 100


class LedgerRow(NamedTuple):
    """One decided reminder as the scan inserts it: the ledger's key, and when to send."""

    kind: str
    partnership_id: int
    object_key: str
    due_at: datetime.datetime
    recipient_id: int
    send_at: datetime.datetime


def reminders_scan(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Records every reminder due at ``now`` and enqueues those whose time has
    come. Idempotent and safe to run concurrently (two beats): a reminder
    already in the ledger is not recorded again, and a row is enqueued by one
    scan only. Called by the ``scan_reminders`` task; returns counts for logs."""
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Once the planner's estimate for the nudge rule's wide CASE crossed
                # jit_optimize_above_cost, compiling it took 2 to 3 of the scan's
                # seconds; every query here runs in a fraction of that uncompiled.
                cursor.execute("SET LOCAL jit = off")
        opted_out = set(ReminderOptOut.objects.values_list("user_id", "kind"))
        inactive = set(User.objects.filter(is_active=False).values_list("pk", flat=True))
        rows: list[LedgerRow] = []
        for rule in rules.RULES:
            for decision in _decisions(rule, now):
                person = decision.recipient
                if person.pk in inactive or (person.pk, decision.kind) in opted_out:
                    continue
                tz = zone_of(person)
                send_at = outside_quiet_hours(max(decision.fires_at, now), tz)
                if decision.kind == Kind.CHECK_IN and not check_in_fits(
                    decision.object_key, decision.due_at, send_at, tz
                ):
                    continue  # quiet hours would land it on another day than it speaks of
                rows.append(
                    LedgerRow(
                        decision.kind,
                        decision.partnership_id,
                        decision.object_key,
                        decision.due_at,
                        person.pk,
                        send_at,
                    )
                )
        enqueued = _record(rows, now) + _enqueue_due(now)
        _enqueue(enqueued)
    return {"decided": len(rows), "enqueued": len(enqueued)}


def _decisions(rule: Rule, now: datetime.datetime) -> list[Decision]:
    """What one rule decides, or nothing when it fails (logged): one rule's
    bad row must not stop the others. In a savepoint, so the scan's
    transaction goes on after a database error."""
    try:
        with transaction.atomic():
            return list(rule(now))
    except Exception:
        log.exception("The reminder rule %s failed; the other rules go on", rule.__name__)
        return []


def _record(rows: list[LedgerRow], now: datetime.datetime) -> list[int]:
    """Inserts the decided rows, skipping those the ledger holds (ON CONFLICT
    DO NOTHING on reminder_once_per_key); returns the ids of the new ones whose
    time has come, for the scan to enqueue.

    A row inserted here is this transaction's alone (a second scan inserting
    the same key waits on the unique index, then skips it), so it is written
    already marked enqueued rather than updated by ``_enqueue_due``: one write
    per row, not two. One INSERT … SELECT FROM unnest() per 10,000 rows and no
    model instances: bulk_create and the second write took over 2 seconds on
    20,000 rows, more than the scan's budget at 100,000 pairs."""
    if connection.vendor != "postgresql":
        return _record_portably(rows, now)
    table = Reminder._meta.db_table
    sql = (
        f"INSERT INTO {table} (kind, partnership_id, object_key, due_at, recipient_id, send_at, "
        "state, attempts, last_error, created_at, enqueued_at) "
        "SELECT k, p, o, d, r, s, %b, 0, '', %b, CASE WHEN s <= %b THEN %b::timestamptz END FROM unnest("
        "%b::varchar[], %b::bigint[], %b::varchar[], %b::timestamptz[], %b::bigint[], %b::timestamptz[]"
        ") AS t(k, p, o, d, r, s) ON CONFLICT DO NOTHING RETURNING id, enqueued_at IS NOT NULL"
    )
    ids = []
    connection.ensure_connection()
    # psycopg's own cursor on the same connection, so in this transaction:
    # Django's binds parameters as text on the client, which took a quarter of
    # a second for 20,000 rows' arrays; these go as binary (%b), in a third of that.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), RECORD_BATCH):
            columns = [list(column) for column in zip(*rows[start : start + RECORD_BATCH], strict=True)]
            cursor.execute(sql, [Reminder.State.PENDING.value, now, now, now, *columns])
            ids += [reminder_id for reminder_id, enqueued in cursor.fetchall() if enqueued]
    return ids


def _record_portably(rows: list[LedgerRow], now: datetime.datetime) -> list[int]:
    """The same decision on the embedded SQLite database of ``make run``: insert,
    skipping keys the ledger holds, and leave the enqueueing to ``_enqueue_due``,
    which the scan runs next. Slower, and only for small local databases."""
    Reminder.objects.bulk_create(
        [Reminder(**row._asdict(), created_at=now) for row in rows],
        ignore_conflicts=True,
    )
    return []


def _enqueue(ids: list[int]) -> None:
    """Enqueues (after commit) the sending of these rows, ``SEND_BATCH`` per task."""
    from ..tasks import send_reminders  # the task module imports this one

    for start in range(0, len(ids), SEND_BATCH):
        send_reminders.delay_on_commit(ids[start : start + SEND_BATCH])


def _enqueue_due(now: datetime.datetime) -> list[int]:
    """Marks enqueued, and returns for the scan to enqueue, every row whose time
    has come and that no live task holds: pending rows never enqueued or
    enqueued long ago (a lost message), and rows whose claim has gone stale (a
    dead worker). A stale claim that was the row's last try ends ``failed``.
    SKIP LOCKED lets two scans share the work without both taking a row."""
    stale = Q(state=Reminder.State.SENDING, claimed_at__lt=now - claim_lease())
    Reminder.objects.filter(stale, attempts__gte=MAX_ATTEMPTS).update(
        state=Reminder.State.FAILED,
        claimed_at=None,
        last_error=f"Claimed {MAX_ATTEMPTS} times by workers that stopped before recording it sent.",  # i18n: not shown (stored error log)
    )
    due = Reminder.objects.filter(
        Q(state=Reminder.State.PENDING, send_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after()))
    ) | Reminder.objects.filter(stale)
    ids = list(due.select_for_update(skip_locked=True).order_by().values_list("pk", flat=True))
    if ids:
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids
