"""Deciding, recording and sending reminders: never lost while the mail
server comes back within ``retry_horizon()``, never sent twice by us but for
one message per worker process killed mid-send (see the README's "Reminders").

- ``reminders_scan`` (beat, every few minutes) decides what is due, writes one
  ledger row per reminder with ON CONFLICT DO NOTHING on the ledger's unique
  key, and enqueues the rows whose time has come, up to ``SEND_BATCH`` ids per
  task, all in one transaction.
- ``reminders_send`` (the ``send_reminders`` task) claims a batch's rows with
  one conditional UPDATE … RETURNING, reads what their emails need in a fixed
  number of queries, checks each is still true and outside its recipient's
  quiet hours in their zone now, sends them over one SMTP connection and
  marks each one sent as soon as the server has accepted it.

How each failure ends (see also the docstrings below):
- a second scan or a second beat: the unique key drops the second insert (so
  only the scan that inserted a row enqueues it in ``_record``), and
  ``_enqueue_due`` locks the older rows it enqueues with SKIP LOCKED;
- a redelivered or duplicated task: the claim (pending → sending) matches
  none of the rows another task holds or has sent;
- a message the server refuses for now (4xx), or that cannot be built: it
  alone goes back to pending and comes back after a backoff while its batch
  goes on, and after ``MAX_ATTEMPTS`` tries it is ``failed``, with the error,
  for admins; refused for good (5xx): ``failed`` at once;
- no SMTP server to talk to (or one that broke off before the message was
  written): the rest of the batch goes back without spending a try, until
  ``retry_horizon()`` after its time;
- the line broken after the message was written, before an answer: the
  server may have it, so it is ``unknown`` and not resent (admins see it);
- the database lost right after the server's "250": the worker retries the
  write until it is back (``_record_sent``) and sends nothing else meanwhile;
- one rule or one row that cannot be read (a stored time beyond Python's
  years): that rule or row alone is skipped or failed, and logged;
- a server so slow that a batch would near the task's time limit: after
  ``send_budget()`` the batch hands the rows it has not tried to a new task;
- a process that dies between commit and publish: the rows stay pending and a
  later scan enqueues them again (``requeue_after()``);
- a worker killed while it held a message it had not started: as above;
- a worker killed after its claim: the batch's claims go stale after
  ``claim_lease()`` and a later scan hands their rows to another worker; each
  claim counts as a try, so a row whose workers keep dying ends ``failed``.
  The only copy that can go twice is the one killed between the SMTP server's
  acceptance and the one-statement commit that follows it: one per killed
  process, since a worker holds at most one accepted, unrecorded message, and
  it goes with the same Message-ID.
"""

import datetime
import logging
import smtplib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.core.mail import mailers
from django.db import DataError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from mentoring.time_zones import zone_of

from . import emails, rules
from .models import Kind, Reminder, ReminderOptOut
from .rules.common import Decision, readable
from .timing import check_in_fits, outside_quiet_hours

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RECORD_BATCH = 10_000
# Reminders per send task: one claim, one SMTP connection and a handful of
# queries for all of them, and still a few seconds' work for a worker.
SEND_BATCH = 100


def requeue_after() -> datetime.timedelta:
    """How long an enqueued row may stay pending before the scan enqueues it
    again (its message was lost, or sits unacknowledged with a dead worker):
    longer than the longest retry delay, so a pending retry is not doubled."""
    return datetime.timedelta(seconds=getattr(settings, "REMINDER_REQUEUE_AFTER", 15 * 60))


def send_budget() -> float:
    """Seconds a batch may spend sending before it hands the rest to a task of
    their own: well inside the task's soft time limit, whose exception would
    otherwise land in the middle of an SMTP conversation."""
    return settings.CELERY_TASK_SOFT_TIME_LIMIT / 2


def claim_lease() -> datetime.timedelta:
    """How long a claim holds: longer than a task may run (its hard time limit),
    so a live sender is never overtaken; after it, the claim is a dead worker's."""
    default = settings.CELERY_TASK_TIME_LIMIT + 60
    return datetime.timedelta(seconds=getattr(settings, "REMINDER_CLAIM_LEASE", default))


def first_retry_delay() -> int:
    """Seconds before the first retry (REMINDER_FIRST_RETRY_DELAY, 30 by default)."""
    return getattr(settings, "REMINDER_FIRST_RETRY_DELAY", 30)


def retry_delay(attempts: int) -> int:
    """Exponential backoff after the ``attempts``-th failed try, capped well under
    the broker's visibility timeout (CELERY_MAX_RETRY_DELAY)."""
    return min(first_retry_delay() * 2 ** max(attempts - 1, 0), settings.CELERY_MAX_RETRY_DELAY)


def retry_horizon() -> datetime.timedelta:
    """How long after its time a reminder keeps waiting for an unreachable mail
    server (REMINDER_RETRY_HORIZON, two days by default) before it fails: a
    server back within it loses nothing."""
    return datetime.timedelta(seconds=getattr(settings, "REMINDER_RETRY_HORIZON", 2 * 24 * 60 * 60))


# --- The scan ---------------------------------------------------------------


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
        rows = []
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
                    (
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


def _decisions(rule, now: datetime.datetime) -> list[Decision]:
    """What one rule decides, or nothing when it fails (logged): one rule's
    bad row must not stop the others. In a savepoint, so the scan's
    transaction goes on after a database error."""
    try:
        with transaction.atomic():
            return list(rule(now))
    except Exception:
        log.exception("The reminder rule %s failed; the other rules go on", rule.__name__)
        return []


def _record(rows: list[tuple], now: datetime.datetime) -> list[int]:
    """Inserts the decided rows, (kind, partnership_id, object_key, due_at,
    recipient_id, send_at) each, skipping those the ledger holds (ON CONFLICT
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


def _record_portably(rows: list[tuple], now: datetime.datetime) -> list[int]:
    """The same decision on the embedded SQLite database of ``make run``: insert,
    skipping keys the ledger holds, and leave the enqueueing to ``_enqueue_due``,
    which the scan runs next. Slower, and only for small local databases."""
    fields = ["kind", "partnership_id", "object_key", "due_at", "recipient_id", "send_at"]
    Reminder.objects.bulk_create(
        [Reminder(**dict(zip(fields, row, strict=True)), created_at=now) for row in rows],
        ignore_conflicts=True,
    )
    return []


def _enqueue(ids: list[int]) -> None:
    """Enqueues (after commit) the sending of these rows, ``SEND_BATCH`` per task."""
    from .tasks import send_reminders  # the task module imports this one

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
        last_error=f"Claimed {MAX_ATTEMPTS} times by workers that stopped before recording it sent.",
    )
    due = Reminder.objects.filter(
        Q(state=Reminder.State.PENDING, send_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after()))
    ) | Reminder.objects.filter(stale)
    ids = list(due.select_for_update(skip_locked=True).order_by().values_list("pk", flat=True))
    if ids:
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


# --- Sending ----------------------------------------------------------------


@dataclass
class Delivery:
    """What ``reminders_send`` did with each id it was given: ``"sent"``;
    ``"cancelled"`` (no longer due, its recipient opted out or was deactivated
    since it was decided, or a check-in that would now arrive on the wrong day);
    ``"postponed"`` (its recipient's quiet hours, in the zone they have now:
    back to pending until they end); ``"retry"`` (refused for now, or the
    server could not be reached); ``"failed"`` (after its last try, refused
    for good, or unreadable); ``"unknown"`` (the line broke after the message
    was written: perhaps delivered, so not resent); ``"handed on"`` (not
    tried: the batch ran out of time) or ``"not claimed"`` (another task holds
    it or has sent it); and which ids to try again after how many seconds."""

    outcomes: dict[int, str]
    retries: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def counts(self) -> dict[str, int]:
        return dict(Counter(self.outcomes.values()))


class _Line:
    """Whether the message being sent has been written out on the SMTP
    connection (DATA's content, up to its final "."): past that point, a
    broken line means the server may have the message. Watches the
    connection's ``send``, which smtplib writes every command and the content
    through, on each new connection the mailer opens."""

    def __init__(self):
        self.written = False
        self._watched = None

    def watch(self, mailer) -> None:
        line = getattr(mailer, "connection", None)
        if line is None or line is self._watched or not hasattr(line, "send"):
            return
        send = line.send

        def watched_send(data):
            if isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"):
                self.written = True
            return send(data)

        line.send = watched_send
        self._watched = line


def _reply_code(error: Exception) -> int | None:
    """The SMTP server's reply code in ``error``, if the server answered."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    code = getattr(error, "smtp_code", None)
    return code if isinstance(code, int) and code >= 400 else None


def reminders_send(*, reminder_ids: list[int], now: datetime.datetime | None = None) -> Delivery:
    """Sends each of these reminders at most once. Idempotent: only the call
    whose conditional UPDATE moves a row from pending (or a stale claim) to
    sending goes on with it; any other call leaves it ``"not claimed"``.

    At sending time, not only when it was decided, each reminder must still
    be true (``emails.still_due``), its recipient active and not opted out,
    and the moment outside their quiet hours in the zone they have now
    (``timing.outside_quiet_hours``; otherwise it waits for 08:00 there).

    How each failure ends, message by message, the rest of the batch going on:
    - no server to talk to (refused, timed out, disconnected before the
      content was written): back to pending without spending a try, retried
      with backoff until ``retry_horizon()`` after its time, then ``failed``;
    - an explicit 4xx answer (or a message that cannot be built): a try
      spent, back after ``retry_delay``; ``failed`` after ``MAX_ATTEMPTS``;
    - an explicit 5xx answer: ``failed`` at once, with the answer;
    - the line broke after the content was written: ``unknown``, shown to
      admins and not resent, since the server may have it;
    - the database lost after the server's "250": the worker keeps trying to
      record it sent (``_record_sent``) before it sends anything else.
    Called by ``send_reminders``."""
    now = now or timezone.now()
    started = time.monotonic()
    delivery = Delivery(outcomes=dict.fromkeys(reminder_ids, "not claimed"))
    claimed = _claim(reminder_ids, now)
    if not claimed:
        return delivery
    reminders = _load(claimed, now, delivery)
    opted_out = set(
        ReminderOptOut.objects.filter(
            user__in={reminder.recipient_id for reminder in reminders},
            kind__in={reminder.kind for reminder in reminders},
        ).values_list("user_id", "kind")
    )
    facts = emails.snapshot(reminders)
    to_send, cancelled, postponed = [], [], defaultdict(list)
    for reminder in reminders:
        try:
            verdict = _verdict(reminder, now, facts, opted_out)
        except Exception as error:  # one row's odd data: this reminder alone
            log.exception("Reminder %s could not be checked", reminder.pk)
            _give_back([reminder], error, now, delivery)
            continue
        if verdict is None:
            cancelled.append(reminder)
        elif verdict > now:
            postponed[verdict].append(reminder)
        else:
            to_send.append(reminder)
    if cancelled:
        _mine(cancelled, now).update(state=Reminder.State.CANCELLED, claimed_at=None)
        delivery.outcomes.update(dict.fromkeys((reminder.pk for reminder in cancelled), "cancelled"))
    for send_at, later in postponed.items():
        # The scan enqueues it again once send_at has come; this claim was no try.
        _mine(later, now).update(
            state=Reminder.State.PENDING,
            claimed_at=None,
            send_at=send_at,
            enqueued_at=None,
            attempts=F("attempts") - 1,
        )
        delivery.outcomes.update(dict.fromkeys((reminder.pk for reminder in later), "postponed"))
    mailer = mailers.default
    line = _Line()
    deadline = started + send_budget()
    # Before another worker may take the claim over, and before the task's soft time limit.
    record_until = started + min(
        claim_lease().total_seconds() * 0.9, settings.CELERY_TASK_SOFT_TIME_LIMIT - 5
    )
    try:
        for position, reminder in enumerate(to_send):
            if time.monotonic() > deadline:  # a slow server: the rest go on in a new task
                _hand_on(to_send[position:], now, delivery)
                break
            try:
                message = emails.build(reminder, facts, now)
            except Exception as error:  # a template, an address: this message alone
                _give_back([reminder], error, now, delivery)
                continue
            try:
                mailer.open()  # once per batch, and again after a failed message
                line.watch(mailer)
            except Exception as error:  # no server to talk to: none of the rest can go
                _wait_for_server(to_send[position:], error, now, delivery)
                break
            line.written = False
            try:
                if mailer.send_messages([message]) != 1:
                    raise ValueError("the message has no recipient")
            except Exception as error:
                _close_quietly(mailer)  # its state unknown, the next one starts afresh
                _failed_send(reminder, error, line.written, now, delivery)
                continue
            # Right after the server's "250 OK": the fewer steps between the
            # two, the smaller the window for a second copy.
            _record_sent(reminder.pk, now, record_until)
            delivery.outcomes[reminder.pk] = "sent"
    finally:
        _close_quietly(mailer)
    return delivery


def _verdict(reminder: Reminder, now: datetime.datetime, facts, opted_out: set) -> datetime.datetime | None:
    """When this claimed reminder may go: ``now``, a later moment (the end of
    its recipient's quiet hours in their zone now), or None: not at all."""
    recipient = reminder.recipient
    if not recipient.is_active or (recipient.pk, reminder.kind) in opted_out:
        return None
    if not emails.still_due(reminder, now, facts):
        return None
    tz = zone_of(recipient)
    moment = outside_quiet_hours(now, tz)
    if reminder.kind == Kind.CHECK_IN and not check_in_fits(reminder.object_key, reminder.due_at, moment, tz):
        return None
    return moment


_UNREADABLE = (DataError, ValueError, OverflowError)


def _load(ids: list[int], now: datetime.datetime, delivery: Delivery) -> list[Reminder]:
    """The claimed rows with what their emails need, in one query. The pair's
    set and held calls are read clamped (``rules.common.FAR``): one typed far beyond
    the year 9999 in its zone cannot be read into Python. Should a row still
    not be readable, the rows are read one by one and the unreadable one
    alone ends ``failed``, logged, while the rest of the batch goes on."""
    query = (
        Reminder.objects.select_related(
            "recipient", "partnership__program", "partnership__mentor__user", "partnership__protege__user"
        )
        .defer("partnership__next_call_at", "partnership__last_call_at")
        .annotate(
            call_set_at=readable("partnership__next_call_at"),
            call_held_at=readable("partnership__last_call_at"),
        )
        .order_by("send_at", "pk")
    )
    try:
        return list(query.filter(pk__in=ids))
    except _UNREADABLE:
        log.exception("A batch of reminders could not be read at once; reading them one by one")
    loaded = []
    for reminder_id in ids:
        try:
            loaded += query.filter(pk=reminder_id)
        except _UNREADABLE as error:
            log.exception("Reminder %s cannot be read, so it is not sent", reminder_id)
            Reminder.objects.filter(pk=reminder_id, state=Reminder.State.SENDING, claimed_at=now).update(
                state=Reminder.State.FAILED, claimed_at=None, last_error=_error_text(error)
            )
            delivery.outcomes[reminder_id] = "failed"
    return loaded


def _claim(ids: list[int], now: datetime.datetime) -> list[int]:
    """Moves those of ``ids`` whose time has come and that no live task holds
    (pending, or a stale claim with tries left) to sending, counting a try;
    returns the ids this call claimed. One statement, committed on its own
    outside a transaction: of two concurrent claims of a row, PostgreSQL
    re-checks the second's WHERE on the row the first committed, so only one
    gets it (SQLite lets one writer at a time). Raw SQL for RETURNING, which
    the ORM's update() lacks; PostgreSQL and SQLite ≥ 3.35 both have it."""
    if not ids:
        return []
    at = connection.ops.adapt_datetimefield_value
    pending, sending = Reminder.State.PENDING.value, Reminder.State.SENDING.value
    sql = (
        f"UPDATE {Reminder._meta.db_table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND send_at <= %s AND attempts < %s "
        "AND (state = %s OR (state = %s AND claimed_at < %s)) RETURNING id"
    )
    params = [sending, at(now), *ids, at(now), MAX_ATTEMPTS, pending, sending, at(now - claim_lease())]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [reminder_id for (reminder_id,) in cursor.fetchall()]


def _mark_sent(reminder_id: int, now: datetime.datetime) -> bool:
    """Records one reminder sent, if the claim made at ``now`` still holds it.
    Raw SQL: the ORM took half a millisecond to write this statement, a tenth
    of a message's budget."""
    at = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Reminder._meta.db_table} SET state = %s, sent_at = %s "
            "WHERE id = %s AND state = %s AND claimed_at = %s",
            [
                Reminder.State.SENT.value,
                at(timezone.now()),
                reminder_id,
                Reminder.State.SENDING.value,
                at(now),
            ],
        )
        return cursor.rowcount == 1


def _record_sent(reminder_id: int, now: datetime.datetime, until: float) -> None:
    """Records a reminder the server has accepted, however long the database
    takes to come back (up to ``until``, on the monotonic clock: before the
    claim's lease ends and another worker could send it again). Nothing else
    is sent meanwhile, so a worker holds at most one accepted, unrecorded
    message: the one a kill can make go twice."""
    pause = 0.05
    while True:
        try:
            if not _mark_sent(reminder_id, now):
                log.error("Reminder %s was sent but its claim was taken over meanwhile", reminder_id)
            return
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() + pause > until:
                log.error("Reminder %s was sent and could not be recorded: %s", reminder_id, error)
                raise
            log.warning("Reminder %s was sent; recording it waits for the database: %s", reminder_id, error)
            connection.close()  # the next try connects afresh
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _mine(reminders: list[Reminder], now: datetime.datetime):
    """These rows, as long as they are still held by the claim made at ``now``."""
    return Reminder.objects.filter(
        pk__in=[reminder.pk for reminder in reminders], state=Reminder.State.SENDING, claimed_at=now
    )


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _failed_send(
    reminder: Reminder, error: Exception, written: bool, now: datetime.datetime, delivery: Delivery
) -> None:
    """Sorts a failed SMTP conversation by what the server can have: see ``reminders_send``."""
    code = _reply_code(error)
    if code is not None and code >= 500:
        log.warning("Reminder %s was refused for good: %s", reminder.pk, error)
        _mine([reminder], now).update(
            state=Reminder.State.FAILED, claimed_at=None, last_error=_error_text(error)
        )
        delivery.outcomes[reminder.pk] = "failed"
    elif code is not None or isinstance(error, ValueError):
        _give_back([reminder], error, now, delivery)
    elif written:
        log.error(
            "Reminder %s: the line broke after the message was written; not resent: %s", reminder.pk, error
        )
        _mine([reminder], now).update(
            state=Reminder.State.UNKNOWN, claimed_at=None, last_error=_error_text(error)
        )
        delivery.outcomes[reminder.pk] = "unknown"
    else:
        _wait_for_server([reminder], error, now, delivery)


def _give_back(
    reminders: list[Reminder], error: Exception, now: datetime.datetime, delivery: Delivery
) -> None:
    """This try of these reminders failed: each goes back to pending, to come
    back after its backoff, or ends ``failed`` after its last try."""
    log.warning("Reminders %s: sending failed: %s", [reminder.pk for reminder in reminders], error)
    last = [reminder for reminder in reminders if reminder.attempts >= MAX_ATTEMPTS]
    again = [reminder for reminder in reminders if reminder.attempts < MAX_ATTEMPTS]
    error_text = _error_text(error)
    with transaction.atomic():
        if last:
            _mine(last, now).update(state=Reminder.State.FAILED, claimed_at=None, last_error=error_text)
        if again:
            _mine(again, now).update(
                state=Reminder.State.PENDING,
                claimed_at=None,
                enqueued_at=now,  # the task's retry brings it back; the scan waits
                last_error=error_text,
            )
    for reminder in last:
        delivery.outcomes[reminder.pk] = "failed"
    for reminder in again:
        delivery.outcomes[reminder.pk] = "retry"
        delivery.retries[retry_delay(reminder.attempts)].append(reminder.pk)


def _wait_for_server(
    reminders: list[Reminder], error: Exception, now: datetime.datetime, delivery: Delivery
) -> None:
    """The mail server could not be reached: an outage, not these messages'
    fault, so no try is spent. Each goes back to pending and comes back after
    a delay that grows with how long it has waited (``retry_delay``), until
    ``retry_horizon()`` after its time; past that it ends ``failed``."""
    log.warning("Reminders %s: no mail server to talk to: %s", [reminder.pk for reminder in reminders], error)
    error_text = _error_text(error)
    expired = [reminder for reminder in reminders if now - reminder.send_at > retry_horizon()]
    waiting = [reminder for reminder in reminders if now - reminder.send_at <= retry_horizon()]
    with transaction.atomic():
        if expired:
            _mine(expired, now).update(state=Reminder.State.FAILED, claimed_at=None, last_error=error_text)
        if waiting:
            _mine(waiting, now).update(
                state=Reminder.State.PENDING,
                claimed_at=None,
                enqueued_at=now,
                attempts=F("attempts") - 1,
                last_error=error_text,
            )
    for reminder in expired:
        delivery.outcomes[reminder.pk] = "failed"
    if waiting:
        waited = min(now - reminder.send_at for reminder in waiting)
        delay = min(max(int(waited.total_seconds()), first_retry_delay()), settings.CELERY_MAX_RETRY_DELAY)
        for reminder in waiting:
            delivery.outcomes[reminder.pk] = "retry"
            delivery.retries[delay].append(reminder.pk)


def _hand_on(reminders: list[Reminder], now: datetime.datetime, delivery: Delivery) -> None:
    """These were claimed but not tried: back to pending, the try not counted,
    for a new task to send at once."""
    _mine(reminders, now).update(
        state=Reminder.State.PENDING, claimed_at=None, enqueued_at=now, attempts=F("attempts") - 1
    )
    for reminder in reminders:
        delivery.outcomes[reminder.pk] = "handed on"
        delivery.retries[0].append(reminder.pk)


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # what was accepted is already recorded
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
