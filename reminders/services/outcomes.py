"""What becomes of each claimed reminder once it was tried (or not): sent,
back to pending for a retry or for a new task, failed, or perhaps sent. Each
write holds only while the claim made at ``now`` still holds the row."""

import datetime
import logging
import smtplib
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Reminder, ReminderQuerySet
from .limits import MAX_ATTEMPTS, first_retry_delay, retry_delay, retry_horizon

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    """What ``send.reminders_send`` did with each id it was given: ``"sent"``;
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


def _reply_code(error: Exception) -> int | None:
    """The SMTP server's reply code in ``error``, if the server answered."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    code = getattr(error, "smtp_code", None)
    return code if isinstance(code, int) and code >= 400 else None


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


def record_sent(reminder_id: int, now: datetime.datetime, until: float) -> None:
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


def mine(reminders: Sequence[Reminder], now: datetime.datetime) -> ReminderQuerySet:
    """These rows, as long as they are still held by the claim made at ``now``."""
    return Reminder.objects.filter(
        pk__in=[reminder.pk for reminder in reminders], state=Reminder.State.SENDING, claimed_at=now
    )


def error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def failed_send(
    reminder: Reminder, error: Exception, written: bool, now: datetime.datetime, delivery: Delivery
) -> None:
    """Sorts a failed SMTP conversation by what the server can have: see ``send.reminders_send``."""
    code = _reply_code(error)
    if code is not None and code >= 500:
        log.warning("Reminder %s was refused for good: %s", reminder.pk, error)
        mine([reminder], now).update(
            state=Reminder.State.FAILED, claimed_at=None, last_error=error_text(error)
        )
        delivery.outcomes[reminder.pk] = "failed"
    elif code is not None or isinstance(error, ValueError):
        give_back([reminder], error, now, delivery)
    elif written:
        log.error(
            "Reminder %s: the line broke after the message was written; not resent: %s", reminder.pk, error
        )
        mine([reminder], now).update(
            state=Reminder.State.UNKNOWN, claimed_at=None, last_error=error_text(error)
        )
        delivery.outcomes[reminder.pk] = "unknown"
    else:
        wait_for_server([reminder], error, now, delivery)


def give_back(
    reminders: Sequence[Reminder], error: Exception, now: datetime.datetime, delivery: Delivery
) -> None:
    """This try of these reminders failed: each goes back to pending, to come
    back after its backoff, or ends ``failed`` after its last try."""
    log.warning("Reminders %s: sending failed: %s", [reminder.pk for reminder in reminders], error)
    last = [reminder for reminder in reminders if reminder.attempts >= MAX_ATTEMPTS]
    again = [reminder for reminder in reminders if reminder.attempts < MAX_ATTEMPTS]
    last_error = error_text(error)
    with transaction.atomic():
        if last:
            mine(last, now).update(state=Reminder.State.FAILED, claimed_at=None, last_error=last_error)
        if again:
            mine(again, now).update(
                state=Reminder.State.PENDING,
                claimed_at=None,
                enqueued_at=now,  # the task's retry brings it back; the scan waits
                last_error=last_error,
            )
    for reminder in last:
        delivery.outcomes[reminder.pk] = "failed"
    for reminder in again:
        delivery.outcomes[reminder.pk] = "retry"
        delivery.retries[retry_delay(reminder.attempts)].append(reminder.pk)


def wait_for_server(
    reminders: Sequence[Reminder], error: Exception, now: datetime.datetime, delivery: Delivery
) -> None:
    """The mail server could not be reached: an outage, not these messages'
    fault, so no try is spent. Each goes back to pending and comes back after
    a delay that grows with how long it has waited (``retry_delay``), until
    ``retry_horizon()`` after its time; past that it ends ``failed``."""
    log.warning("Reminders %s: no mail server to talk to: %s", [reminder.pk for reminder in reminders], error)
    last_error = error_text(error)
    expired = [reminder for reminder in reminders if now - reminder.send_at > retry_horizon()]
    waiting = [reminder for reminder in reminders if now - reminder.send_at <= retry_horizon()]
    with transaction.atomic():
        if expired:
            mine(expired, now).update(state=Reminder.State.FAILED, claimed_at=None, last_error=last_error)
        if waiting:
            mine(waiting, now).update(
                state=Reminder.State.PENDING,
                claimed_at=None,
                enqueued_at=now,
                attempts=F("attempts") - 1,
                last_error=last_error,
            )
    for reminder in expired:
        delivery.outcomes[reminder.pk] = "failed"
    if waiting:
        waited = min(now - reminder.send_at for reminder in waiting)
        delay = min(max(int(waited.total_seconds()), first_retry_delay()), settings.CELERY_MAX_RETRY_DELAY)
        for reminder in waiting:
            delivery.outcomes[reminder.pk] = "retry"
            delivery.retries[delay].append(reminder.pk)


def hand_on(reminders: Sequence[Reminder], now: datetime.datetime, delivery: Delivery) -> None:
    """These were claimed but not tried: back to pending, the try not counted,
    for a new task to send at once."""
    mine(reminders, now).update(
        state=Reminder.State.PENDING, claimed_at=None, enqueued_at=now, attempts=F("attempts") - 1
    )
    for reminder in reminders:
        delivery.outcomes[reminder.pk] = "handed on"
        delivery.retries[0].append(reminder.pk)
