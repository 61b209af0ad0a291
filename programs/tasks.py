from celery import shared_task

from .services import invitations


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_invitation(invitation_id: int, token: str) -> None:
    """Emails the invitation link. ``token`` is the raw link token, which the
    database never stores."""
    invitations.invitation_send_email(invitation_id=invitation_id, token=token)


@shared_task(
    name="partnerships.tasks.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_invitation_under_its_earlier_name(invitation_id: int, token: str) -> None:
    """``send_invitation`` under the name it had before programs had an app of
    their own, so that an invitation queued or retrying across that deploy is
    still sent (a worker discards a task whose name it does not know). Remove
    once no queue can hold one."""
    send_invitation(invitation_id, token)
