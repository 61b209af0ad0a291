"""Sending a batch of recorded reminders: claim, check, send over one SMTP
connection, record each one sent as soon as the server has accepted it."""

import datetime
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.mail import mailers
from django.db import DataError, connection
from django.db.models import F
from django.utils import timezone

from mentoring.time_zones import zone_of

from .. import emails
from ..emails import ClaimedReminder, Snapshot
from ..models import Kind, Reminder, ReminderOptOut
from ..rules.common import readable
from ..timing import check_in_fits, outside_quiet_hours
from .limits import MAX_ATTEMPTS, claim_lease, send_budget
from .outcomes import (
    Delivery,
    error_text,
    failed_send,
    give_back,
    hand_on,
    mine,
    record_sent,
    wait_for_server,
)

log = logging.getLogger(__name__)


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
      with backoff until ``limits.retry_horizon()`` after its time, then ``failed``;
    - an explicit 4xx answer (or a message that cannot be built): a try
      spent, back after ``limits.retry_delay``; ``failed`` after ``MAX_ATTEMPTS``;
    - an explicit 5xx answer: ``failed`` at once, with the answer;
    - the line broke after the content was written: ``unknown``, shown to
      admins and not resent, since the server may have it;
    - the database lost after the server's "250": the worker keeps trying to
      record it sent (``outcomes.record_sent``) before it sends anything else.
    Called by ``tasks.send_reminders``."""
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
    facts = emails.snapshot(reminders, now=now)
    to_send: list[ClaimedReminder] = []
    cancelled: list[ClaimedReminder] = []
    postponed: dict[datetime.datetime, list[ClaimedReminder]] = defaultdict(list)
    for reminder in reminders:
        try:
            verdict = _verdict(reminder, now, facts, opted_out)
        except Exception as error:  # one row's odd data: this reminder alone
            log.exception("Reminder %s could not be checked", reminder.pk)
            give_back([reminder], error, now, delivery)
            continue
        if verdict is None:
            cancelled.append(reminder)
        elif verdict > now:
            postponed[verdict].append(reminder)
        else:
            to_send.append(reminder)
    if cancelled:
        mine(cancelled, now).update(state=Reminder.State.CANCELLED, claimed_at=None)
        delivery.outcomes.update(dict.fromkeys((reminder.pk for reminder in cancelled), "cancelled"))
    for send_at, later in postponed.items():
        # The scan enqueues it again once send_at has come; this claim was no try.
        mine(later, now).update(
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
                hand_on(to_send[position:], now, delivery)
                break
            try:
                message = emails.build(reminder, facts, now)
            except Exception as error:  # a template, an address: this message alone
                give_back([reminder], error, now, delivery)
                continue
            try:
                mailer.open()  # once per batch, and again after a failed message
                line.watch(mailer)
            except Exception as error:  # no server to talk to: none of the rest can go
                wait_for_server(to_send[position:], error, now, delivery)
                break
            line.written = False
            try:
                if mailer.send_messages([message]) != 1:
                    raise ValueError("the message has no recipient")
            except Exception as error:
                _close_quietly(mailer)  # its state unknown, the next one starts afresh
                failed_send(reminder, error, line.written, now, delivery)
                continue
            # Right after the server's "250 OK": the fewer steps between the
            # two, the smaller the window for a second copy.
            record_sent(reminder.pk, now, record_until)
            delivery.outcomes[reminder.pk] = "sent"
    finally:
        _close_quietly(mailer)
    return delivery


def _verdict(
    reminder: ClaimedReminder, now: datetime.datetime, facts: Snapshot, opted_out: set[tuple[int, str]]
) -> datetime.datetime | None:
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


def _load(ids: list[int], now: datetime.datetime, delivery: Delivery) -> list[ClaimedReminder]:
    """The claimed rows with what their emails need, in one query. The pair's
    set and held calls are read clamped (``rules.common.FAR``): one typed far
    beyond the year 9999 in its zone cannot be read into Python. Should a row still
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
    loaded: list[ClaimedReminder] = []
    for reminder_id in ids:
        try:
            loaded += query.filter(pk=reminder_id)
        except _UNREADABLE as error:
            log.exception("Reminder %s cannot be read, so it is not sent", reminder_id)
            Reminder.objects.filter(pk=reminder_id, state=Reminder.State.SENDING, claimed_at=now).update(
                state=Reminder.State.FAILED, claimed_at=None, last_error=error_text(error)
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


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # what was accepted is already recorded
        log.warning("Closing the mail connection failed", exc_info=True)
