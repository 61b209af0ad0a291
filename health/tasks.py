from celery import shared_task

from partnerships.models import Partnership

from . import services


@shared_task
def refresh_health_numbers() -> int:
    """Each night: the health numbers of every current partnership, counted as
    of the new day (the 90-day window and the homework due move with the date).
    Safe to run twice or beside a pair's own changes (services.refresh_stale)."""
    return services.refresh_stale(Partnership.objects.all())
