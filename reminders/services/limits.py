"""How long a ledger row may wait, be held and be tried again: the limits the
scan and the senders share, read from the settings where they can be tuned."""

import datetime

from django.conf import settings

MAX_ATTEMPTS = 5


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
