from celery import shared_task

from partnerships import services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_match_emails(partnership_id: int) -> None:
    """Tells both people of a new partnership who they are matched with, each
    once however often the task runs (see ``partnership_send_match_emails``)."""
    services.partnership_send_match_emails(partnership_id=partnership_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_nudge_emails(partnership_id: int, message: str, sender_id: int) -> None:
    """Sends a program admin's nudge to both people of a partnership."""
    services.partnership_send_nudge_emails(
        partnership_id=partnership_id, message=message, sender_id=sender_id
    )
