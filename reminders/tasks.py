from celery import shared_task

from .services import scan, send


@shared_task
def scan_reminders() -> dict[str, int]:
    """Records and enqueues every reminder now due (beat, every few minutes,
    on the queue CELERY_SCAN_QUEUE, which a worker of its own consumes, so it
    never waits behind sends). Safe to run twice at once or back to back: see
    services.scan.reminders_scan."""
    return scan.reminders_scan()


@shared_task
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    """Sends a batch of recorded reminders (the scan enqueues up to
    services.scan.SEND_BATCH per task; services.send.reminders_send). Runs
    twice, sends once: each row is claimed by a conditional UPDATE. The ids that failed come back in a task of their
    own after an exponential backoff capped under the broker's visibility
    timeout (and those a slow batch had no time for, at once); those postponed
    to the end of their recipient's quiet hours come back with the scan; the
    others are not sent again."""
    delivery = send.reminders_send(reminder_ids=reminder_ids)
    for delay, ids in delivery.retries.items():
        send_reminders.apply_async((ids,), countdown=delay)
    return delivery.counts()
