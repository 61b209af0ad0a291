from celery import shared_task

from partnerships import services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_match_emails(partnership_id: int) -> None:
    """Tells both people of a new partnership who they are matched with, each
    once however often the task runs (see ``partnership_send_match_emails``)."""
    services.partnership_send_match_emails(partnership_id=partnership_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_nudge_emails(self, partnership_id: int, message: str, sender_id: int, nudge_id: str = "") -> None:
    """Sends a program admin's nudge ``nudge_id`` to both people of a
    partnership, each once however often the task runs (see
    ``partnership_send_nudge_emails``)."""
    # A nudge queued before nudges were named is named by its task id, which its retries keep.
    nudge_id = nudge_id or self.request.id
    if not nudge_id:
        raise TypeError("A nudge is sent with its nudge_id.")
    services.partnership_send_nudge_emails(
        partnership_id=partnership_id, message=message, sender_id=sender_id, nudge_id=nudge_id
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_call_invitations(**call) -> None:
    """Emails both people of a pair the iCalendar invitation (or cancellation)
    of their set call, each once per SEQUENCE however often the task runs (see
    ``invitations.call_invitations_send`` for the keyword arguments)."""
    from partnerships import invitations

    invitations.call_invitations_send(**call)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_time_offer(offer_id: int) -> None:
    """Emails the side who picks the times offered for the pair's next call,
    with a signed link for each, once (see ``scheduling.time_offer_send``)."""
    from partnerships import scheduling

    scheduling.time_offer_send(offer_id=offer_id)
