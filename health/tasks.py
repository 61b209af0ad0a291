from celery import shared_task

from partnerships.models import Partnership
from programs.models import Program

from . import services


@shared_task
def refresh_health_numbers() -> int:
    """Each night: the health numbers of every current partnership, counted as
    of the new day (the 90-day window and the homework due move with the date),
    and each program's goal ratings of the months its overview draws. Safe to
    run twice or beside a pair's own changes (services.refresh_stale,
    services.refresh_stale_rating_months)."""
    refreshed = services.refresh_stale(Partnership.objects.all())
    for program in Program.objects.filter(partnerships__isnull=False).distinct().order_by("pk"):
        services.refresh_stale_rating_months(program)
    return refreshed
