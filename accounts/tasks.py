from celery import shared_task
from django.core import management


@shared_task
def ping(payload: str) -> str:
    """Answers ``pong: <payload>``; proves a worker takes tasks from the broker."""
    return f"pong: {payload}"


@shared_task
def clear_expired_sessions() -> None:
    """Deletes expired sign-in sessions (daily, from beat). Idempotent."""
    management.call_command("clearsessions")
