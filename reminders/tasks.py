from celery import shared_task

from . import services


@shared_task
def scan_reminders() -> dict[str, int]:
    """Records and enqueues every reminder now due (beat, every few minutes).
    Safe to run twice at once or back to back: see services.reminders_scan."""
    return services.reminders_scan()


@shared_task(bind=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> str:
    """Sends one recorded reminder. Runs twice, sends once (the row is claimed
    by a conditional UPDATE); a failure comes back after an exponential backoff
    capped under the broker's visibility timeout, until services.MAX_ATTEMPTS."""
    try:
        return services.reminder_send(reminder_id=reminder_id)
    except services.RetryLater as retry:
        raise self.retry(countdown=retry.delay) from retry
