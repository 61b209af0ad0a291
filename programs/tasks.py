from celery import shared_task

from .services import invitations


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_invitation(invitation_id: int, token: str) -> None:
    """Emails the invitation link. ``token`` is the raw link token, which the
    database never stores."""
    invitations.invitation_send_email(invitation_id=invitation_id, token=token)
