"""Deciding, recording and sending reminders, exactly once each.

- ``reminders_scan`` (beat, every few minutes) decides what is due, writes one
  ledger row per reminder with ON CONFLICT DO NOTHING on the ledger's unique
  key, and enqueues the rows whose time has come, all in one transaction.
- ``reminder_send`` (the ``send_reminder`` task) claims one row with a
  conditional UPDATE, sends the email and marks the row sent.

How each failure ends (see also the docstrings below):
- a second scan or a second beat: the unique key drops the second insert (so
  only the scan that inserted a row enqueues it in ``_record``), and
  ``_enqueue_due`` locks the older rows it enqueues with SKIP LOCKED;
- a redelivered or duplicated task: the claim (pending → sending) matches no row;
- a process that dies between commit and publish: the row stays pending and a
  later scan enqueues it again (``requeue_after()``);
- a worker killed while it held a message it had not started: as above;
- a worker killed after its claim: the claim goes stale after ``claim_lease()``
  and a later scan hands the row to another worker; the only copy that can go
  twice is one killed between the SMTP server's "250 OK" and our commit, and it
  goes with the same Message-ID.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import emails, rules
from .models import Kind, Reminder, ReminderOptOut
from .timing import outside_quiet_hours, zone_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RECORD_BATCH = 10_000
FIRST_RETRY_DELAY = 30  # seconds; doubles with each try, up to CELERY_MAX_RETRY_DELAY


def requeue_after() -> datetime.timedelta:
    """How long an enqueued row may stay pending before the scan enqueues it
    again (its message was lost, or sits unacknowledged with a dead worker):
    longer than the longest retry delay, so a pending retry is not doubled."""
    return datetime.timedelta(seconds=getattr(settings, "REMINDER_REQUEUE_AFTER", 15 * 60))


def claim_lease() -> datetime.timedelta:
    """How long a claim holds: longer than a task may run (its hard time limit),
    so a live sender is never overtaken; after it, the claim is a dead worker's."""
    default = settings.CELERY_TASK_TIME_LIMIT + 60
    return datetime.timedelta(seconds=getattr(settings, "REMINDER_CLAIM_LEASE", default))


class RetryLater(Exception):
    """Sending failed; the task should try again after ``delay`` seconds."""

    def __init__(self, delay: int, error: str):
        super().__init__(error)
        self.delay = delay


def retry_delay(attempts: int) -> int:
    """Exponential backoff after the ``attempts``-th failed try, capped well under
    the broker's visibility timeout (CELERY_MAX_RETRY_DELAY)."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), settings.CELERY_MAX_RETRY_DELAY)


# --- The scan ---------------------------------------------------------------


def reminders_scan(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Records every reminder due at ``now`` and enqueues those whose time has
    come. Idempotent and safe to run concurrently (two beats): a reminder
    already in the ledger is not recorded again, and a row is enqueued by one
    scan only. Called by the ``scan_reminders`` task; returns counts for logs."""
    now = now or timezone.now()
    with transaction.atomic():
        opted_out = set(ReminderOptOut.objects.values_list("user_id", "kind"))
        rows = []
        for rule in rules.RULES:
            for decision in rule(now):
                if (decision.recipient.pk, decision.kind) in opted_out:
                    continue
                send_at = outside_quiet_hours(max(decision.fires_at, now), zone_of(decision.recipient))
                if decision.kind == Kind.CHECK_IN and send_at >= decision.due_at:
                    continue  # quiet hours would land it after the call
                rows.append(
                    (
                        decision.kind,
                        decision.partnership_id,
                        decision.object_key,
                        decision.due_at,
                        decision.recipient.pk,
                        send_at,
                    )
                )
        enqueued = _record(rows, now) + _enqueue_due(now)
    return {"decided": len(rows), "enqueued": len(enqueued)}


def _record(rows: list[tuple], now: datetime.datetime) -> list[int]:
    """Inserts the decided rows, (kind, partnership_id, object_key, due_at,
    recipient_id, send_at) each, skipping those the ledger holds (ON CONFLICT
    DO NOTHING on reminder_once_per_key), and enqueues (after commit) the new
    ones whose time has come; returns their ids.

    A row inserted here is this transaction's alone (a second scan inserting
    the same key waits on the unique index, then skips it), so it is written
    already marked enqueued rather than updated by ``_enqueue_due``: one write
    per row, not two. One INSERT … SELECT FROM unnest() per 10,000 rows and no
    model instances: bulk_create and the second write took over 2 seconds on
    20,000 rows, more than the scan's budget at 100,000 pairs."""
    if connection.vendor != "postgresql":
        return _record_portably(rows)
    table = Reminder._meta.db_table
    sql = (
        f"INSERT INTO {table} (kind, partnership_id, object_key, due_at, recipient_id, send_at, "
        "state, attempts, last_error, created_at, enqueued_at) "
        "SELECT k, p, o, d, r, s, %s, 0, '', %s, CASE WHEN s <= %s THEN %s::timestamptz END FROM unnest("
        "%s::varchar[], %s::bigint[], %s::varchar[], %s::timestamptz[], %s::bigint[], %s::timestamptz[]"
        ") AS t(k, p, o, d, r, s) ON CONFLICT DO NOTHING RETURNING id, enqueued_at IS NOT NULL"
    )
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), RECORD_BATCH):
            columns = [list(column) for column in zip(*rows[start : start + RECORD_BATCH], strict=True)]
            cursor.execute(sql, [Reminder.State.PENDING.value, now, now, now, *columns])
            ids += [reminder_id for reminder_id, enqueued in cursor.fetchall() if enqueued]
    _enqueue(ids)
    return ids


def _record_portably(rows: list[tuple]) -> list[int]:
    """The same decision on the embedded SQLite database of ``make run``: insert,
    skipping keys the ledger holds, and leave the enqueueing to ``_enqueue_due``,
    which the scan runs next. Slower, and only for small local databases."""
    fields = ["kind", "partnership_id", "object_key", "due_at", "recipient_id", "send_at"]
    Reminder.objects.bulk_create(
        [Reminder(**dict(zip(fields, row, strict=True))) for row in rows], ignore_conflicts=True
    )
    return []


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_reminder  # the task module imports this one

    enqueue = send_reminder.delay_on_commit
    for reminder_id in ids:
        enqueue(reminder_id)


def _enqueue_due(now: datetime.datetime) -> list[int]:
    """Enqueues (after commit) the send of every row whose time has come and
    that no live task holds: pending rows never enqueued or enqueued long ago
    (a lost message), and rows whose claim has gone stale (a dead worker).
    SKIP LOCKED lets two scans share the work without both taking a row."""
    stale = now - claim_lease()
    due = Reminder.objects.filter(
        Q(state=Reminder.State.PENDING, send_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after()))
    ) | Reminder.objects.filter(state=Reminder.State.SENDING, claimed_at__lt=stale)
    ids = list(due.select_for_update(skip_locked=True).order_by().values_list("pk", flat=True))
    if ids:
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
        _enqueue(ids)
    return ids


# --- Sending one ------------------------------------------------------------


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None) -> str:
    """Sends reminder ``reminder_id`` once. Idempotent: only the caller whose
    conditional UPDATE moves the row from pending (or a stale claim) to sending
    goes on; any other call returns ``"not claimed"`` and sends nothing.

    Returns ``"sent"``, ``"cancelled"`` (no longer due, or the person opted out
    since it was decided) or ``"not claimed"``. Raises ``RetryLater`` when the
    email could not be sent and tries remain; after the last try the row is
    ``failed``, with the error, for admins to see. Called by ``send_reminder``."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (
            Reminder.objects.filter(pk=reminder_id, send_at__lte=now)
            .filter(
                Q(state=Reminder.State.PENDING)
                | Q(state=Reminder.State.SENDING, claimed_at__lt=now - claim_lease())
            )
            .update(state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
    if claimed != 1:
        return "not claimed"
    mine = Reminder.objects.filter(pk=reminder_id, state=Reminder.State.SENDING, claimed_at=now)
    reminder = (
        Reminder.objects.select_related(
            "recipient", "partnership__program", "partnership__mentor__user", "partnership__protege__user"
        )
        .filter(pk=reminder_id)
        .get()
    )
    opted_out = ReminderOptOut.objects.filter(user=reminder.recipient_id, kind=reminder.kind).exists()
    if opted_out or not emails.still_due(reminder, now):
        with transaction.atomic():
            mine.update(state=Reminder.State.CANCELLED, claimed_at=None)
        return "cancelled"
    connection = mailers.default
    try:
        connection.open()
        connection.send_messages([emails.build(reminder)])
    except Exception as error:  # SMTP, DNS, templates: all end as a retry, then "failed"
        log.warning("Reminder %s: sending failed (try %s): %s", reminder_id, reminder.attempts, error)
        last = reminder.attempts >= MAX_ATTEMPTS
        with transaction.atomic():
            mine.update(
                state=Reminder.State.FAILED if last else Reminder.State.PENDING,
                claimed_at=None,
                enqueued_at=now,  # the task's own retry brings it back; the scan waits
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        _close_quietly(connection)
        if last:
            return "failed"
        raise RetryLater(retry_delay(reminder.attempts), str(error)) from error
    try:
        # Recorded before saying goodbye to the server: the fewer steps between
        # its "250 OK" and this commit, the smaller the window for a second copy.
        with transaction.atomic():
            marked = mine.update(state=Reminder.State.SENT, sent_at=timezone.now(), claimed_at=now)
        if marked != 1:
            log.error("Reminder %s was sent but its claim was taken over meanwhile", reminder_id)
    finally:
        _close_quietly(connection)
    return "sent"


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # the message is already accepted and recorded
        log.warning("Closing the mail connection failed", exc_info=True)


# --- What a person reads and chooses ---------------------------------------


def reminders_mark_read(*, user, ids: list[int]) -> int:
    """Marks these reminders of ``user`` read (others' ids are ignored). Idempotent."""
    with transaction.atomic():
        return Reminder.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )


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
