"""Writes of the health app: each partnership's numbers, counted from its
history (``numbers.measured``) and stored (``HealthNumbers``). Whoever changes
what they count sends ``partnerships.signals.pair_changed`` inside its
transaction (``receivers``); the nightly task and the program's overview and
report bring the numbers of an earlier day up to date."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from goals.models import ProgressRating
from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Program

from .models import HealthNumbers, RatingMonth
from .numbers import RATING_MONTHS, STORED, measured, months_back

REFRESH_BATCH = 1000


def refresh(partnership_ids: Iterable[int], *, today: datetime.date | None = None) -> int:
    """Counts the health numbers of these partnerships again, as of ``today``,
    and stores them (``HealthNumbers``). Idempotent. The caller holds the
    partnerships' row locks (services lock the pair they change), so two
    refreshes of one pair never interleave; returns how many were stored."""
    today = today or timezone.localdate(timezone=datetime.UTC)
    ids = list(partnership_ids)
    for start in range(0, len(ids), REFRESH_BATCH):
        chunk = Partnership.objects.filter(pk__in=ids[start : start + REFRESH_BATCH])
        HealthNumbers.objects.bulk_create(
            [
                HealthNumbers(partnership_id=pk, as_of=today, **dict(zip(STORED, values, strict=True)))
                for pk, *values in measured(chunk, as_of=today)
            ],
            update_conflicts=True,
            unique_fields=["partnership"],
            update_fields=["as_of", *STORED, "updated_at"],
        )
    return len(ids)


def refresh_stale(partnerships: QuerySet[Partnership], *, today: datetime.date | None = None) -> int:
    """Stores the numbers of those of ``partnerships`` that have none yet, and of
    current ones whose numbers are of an earlier day (the window moved).
    One query when none is stale. Pairs a service holds are skipped: it
    refreshes them itself when it commits. The nightly task calls it; returns
    how many were refreshed."""
    today = today or timezone.localdate(timezone=datetime.UTC)
    stale = partnerships.filter(
        Q(health_numbers__isnull=True) | Q(status__in=CURRENT_PAIR_STATUSES, health_numbers__as_of__lt=today)
    ).order_by("pk")
    ids = list(stale.values_list("pk", flat=True))
    refreshed = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        with transaction.atomic():
            chunk = ids[start : start + REFRESH_BATCH]
            locked = Partnership.objects.filter(pk__in=chunk).select_for_update(
                skip_locked=True, of=("self",)
            )
            refreshed += refresh(locked.values_list("pk", flat=True), today=today)
    return refreshed


def refresh_stale_numbers(program: Program, *, today: datetime.date | None = None) -> int:
    """Brings the numbers of ``program``'s partnerships up to ``today`` when the
    nightly refresh has not yet (``refresh_stale``): the overview and the report
    call it before they read, so their selectors only read. One query when
    none is stale; returns how many were refreshed."""
    return refresh_stale(Partnership.objects.filter(program=program), today=today)


def refresh_stale_rating_months(program: Program, *, today: datetime.date | None = None) -> int:
    """Counts again the goal ratings given in ``program`` in the months the
    overview draws (``RATING_MONTHS``, by the UTC date), unless this month's
    were counted ``today`` already: from the month last counted (it may not have
    been over then) to this one, every month kept, with none given as zero. A
    month counted after it ended is final. Idempotent, and safe beside another
    view doing the same (an upsert). One query when counted today; returns how
    many months were stored."""
    today = today or timezone.localdate(timezone=datetime.UTC)
    this_month = today.replace(day=1)
    if RatingMonth.objects.filter(program=program, month=this_month, as_of=today).exists():
        return 0
    first = months_back(this_month, RATING_MONTHS - 1)
    last_counted = RatingMonth.objects.filter(program=program, month__gte=first).aggregate(last=Max("as_of"))
    if last_counted["last"] is not None:
        first = max(first, last_counted["last"].replace(day=1))
    counted: dict[datetime.date, tuple[int, int]] = {
        row["month"].date(): (row["ratings"], row["total"] or 0)
        for row in ProgressRating.objects.filter(
            round__partnership__program=program,
            round__created_at__gte=datetime.datetime.combine(first, datetime.time(), datetime.UTC),
        )
        .annotate(month=TruncMonth("round__created_at", tzinfo=datetime.UTC))
        .order_by()
        .values("month")
        .annotate(ratings=Count("pk"), total=Sum("value"))
    }
    months = []
    month = first
    while month <= this_month:
        ratings, total = counted.get(month, (0, 0))
        months.append(RatingMonth(program=program, month=month, ratings=ratings, total=total, as_of=today))
        month = months_back(month, -1)
    RatingMonth.objects.bulk_create(
        months,
        update_conflicts=True,
        unique_fields=["program", "month"],
        update_fields=["ratings", "total", "as_of"],
    )
    return len(months)
