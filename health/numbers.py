"""A partnership's health numbers, counted from its history (``measured``).

For a current partnership:

* cadence adherence: calls held in the last 90 days (or since the partnership
  started, if later) against the calls their agreed cadence expects in that
  time (``programs.rhythms.Rhythm.nominal_days``);
* homework completion: homework done against homework that is due (closed,
  or past its due date);
* rating trend: the average of the protégé's latest round of goal ratings
  (0–10) against the round before;
* "is it working": the lower of the latest answers of each side (1–5).

They are counted by ``services.refresh`` and stored (``models.HealthNumbers``):
in the same transaction as whatever changes them, and each night as the window
moves, so a program overview of 10,000 pairs reads 10,000 rows, not years of
calls, homework and ratings."""

import datetime
import functools

from django.db.models import (
    Avg,
    Case,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least

from goals.models import ProgressRating, RatingRound
from mentoring.querysets import correlated_count
from partnerships.models import Partnership
from programs.models import Cadence, Participant
from programs.rhythms import NOMINAL_DAYS
from sessions_log.models import Homework, PartnershipCheck, Session

# A correlated COUNT(*) of a queryset filtered on the outer partnership.
_count = functools.partial(correlated_count, by="partnership")

WINDOW_DAYS = 90
RATING_MONTHS = 6  # the months of goal ratings the overview draws, this one included (``models.RatingMonth``)

# What ``measured`` counts and ``models.HealthNumbers`` stores, by name.
STORED = [
    "calls_expected",
    "calls_held",
    "homework_assigned",
    "homework_due",
    "homework_done",
    "rating_latest",
    "rating_previous",
    "working",
]


class DaysBetween(Func):
    """Whole days from the second date to the first (both DateField expressions)."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _nominal_days() -> Case:
    """The agreed interval in days (``programs.rhythms.Rhythm.nominal_days``), per cadence."""
    return Case(
        *[When(in_force__cadence=cadence, then=Value(days)) for cadence, days in NOMINAL_DAYS.items()],
        When(in_force__cadence=Cadence.EVERY_N_WEEKS, then=F("in_force__every_weeks") * 7),
        output_field=IntegerField(),
    )


def _round_average(offset: int) -> Subquery:
    """The average of the protégé's ``offset``-th latest round of goal ratings
    (index ratinground_latest_idx)."""
    rounds = RatingRound.objects.filter(partnership=OuterRef(OuterRef("pk"))).order_by("-created_at", "-pk")
    average = (
        ProgressRating.objects.filter(round=Subquery(rounds.values("pk")[offset : offset + 1]))
        .order_by()
        .values("round")
        .annotate(a=Avg("value"))
        .values("a")
    )
    return Subquery(average, output_field=FloatField())


def _latest_working(role: str) -> Subquery:
    latest = PartnershipCheck.objects.filter(partnership=OuterRef("pk"), role=role).order_by(
        "-after_calls", "-created_at"
    )
    return Subquery(latest.values("working")[:1], output_field=IntegerField())


def with_agreement(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Joins each partnership's agreement version in force, as ``in_force`` (none before one is)."""
    return queryset.annotate(
        in_force=FilteredRelation("agreements", condition=Q(agreements__status="in_force")),
    )


def measured(partnerships: QuerySet[Partnership], *, as_of: datetime.date) -> QuerySet:
    """Each partnership's ``STORED`` numbers as of ``as_of``, counted from its
    history: a fixed number of index lookups per partnership."""
    since = datetime.datetime.combine(
        as_of - datetime.timedelta(days=WINDOW_DAYS), datetime.time(), datetime.UTC
    )
    window_start = Greatest(F("started_on"), Value(as_of - datetime.timedelta(days=WINDOW_DAYS)))
    homework = Homework.objects.filter(partnership=OuterRef("pk"), session__is_draft=False)
    mentor, protege = (_latest_working(role) for role in (Participant.Role.MENTOR, Participant.Role.PROTEGE))
    return (
        with_agreement(partnerships)
        .annotate(
            m_calls_expected=Case(
                When(
                    in_force__isnull=False,
                    started_on__isnull=False,
                    then=Greatest(DaysBetween(Value(as_of), window_start), Value(0)) / _nominal_days(),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            m_calls_held=_count(
                Session.objects.held().filter(partnership=OuterRef("pk"), starts_at__gte=since)
            ),
            m_homework_assigned=_count(homework),
            m_homework_due=_count(homework.filter(~Q(status=Homework.Status.OPEN) | Q(due_on__lt=as_of))),
            m_homework_done=_count(homework.filter(status=Homework.Status.DONE)),
            m_rating_latest=_round_average(0),
            m_rating_previous=_round_average(1),
            # Either side's answer when only one has answered (SQLite's LEAST is NULL then).
            m_working=Least(Coalesce(mentor, protege), Coalesce(protege, mentor)),
        )
        .order_by()
        .values_list("pk", *[f"m_{name}" for name in STORED])
    )


def months_back(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months before ``month`` (a first day); after it, if negative."""
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)
