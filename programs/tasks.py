from celery import shared_task
from django.utils import timezone

from .services import invitations, requests


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


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_request_email(request_id: int, event: str) -> None:
    """Emails the news ``event`` about a protégé's request for a mentor, once
    however often the task runs (see ``requests.request_send_email``)."""
    requests.request_send_email(request_id=request_id, event=event)


@shared_task
def close_due_requests() -> None:
    """Reminds mentors of requests about to expire and expires those past
    their day, each once (``requests.requests_remind``, ``requests.requests_expire``).
    Run by beat; safe to run twice or at once."""
    now = timezone.now()
    requests.requests_remind(now=now)
    requests.requests_expire(now=now)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_admin_added(program_id: int, user_id: int, by_id: int, addition_id: str) -> None:
    """Tells a person they now help run a program, once for this addition
    (see ``services.setup.program_send_admin_added_email``)."""
    from .services import setup

    setup.program_send_admin_added_email(
        program_id=program_id, user_id=user_id, by_id=by_id, addition_id=addition_id
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_admin_removed(program_id: int, user_id: int, by_id: int, removal_id: str) -> None:
    """Tells a person another admin took them off a program's admins, once for
    this removal (see ``services.setup.program_send_admin_removed_email``)."""
    from .services import setup

    setup.program_send_admin_removed_email(
        program_id=program_id, user_id=user_id, by_id=by_id, removal_id=removal_id
    )
