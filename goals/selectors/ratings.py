"""When the protégé rates their goals next (baseline, check-ins at the agreed
rhythm, the end rating), and the goals the rating form asks about."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant
from programs.rhythms import Rhythm

from ..models import Goal, ProgressRating, RatingRound
from .trends import GoalTrend, local_date

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from decimal import Decimal

    from django_stubs_ext import WithAnnotations


class AgreedRhythm(TypedDict):
    """What ``PartnershipQuerySet.with_agreed_rhythm`` adds: the terms of the
    version in force (None before one is)."""

    agreed_cadence: str | None
    agreed_every_weeks: int | None


def agreed_rhythm(partnership: Partnership) -> Rhythm | None:
    """The rhythm of the version in force, from ``Partnership.objects.with_agreed_rhythm()``."""
    # Annotated by the queryset method, which mypy cannot follow: declared by AgreedRhythm.
    annotated = cast("WithAnnotations[Partnership, AgreedRhythm]", partnership)
    if annotated.agreed_cadence is None:
        return None
    return Rhythm(annotated.agreed_cadence, annotated.agreed_every_weeks)


def check_in_interval(partnership: Partnership, rhythm: Rhythm | None) -> relativedelta:
    """A rating at each check-in: as often as the pair agreed to meet
    (``Rhythm.interval``); before they agree, as often as the program meets by default."""
    return (rhythm or Rhythm.of_cadence(partnership.program.default_cadence)).interval


@dataclass(frozen=True)
class RatingDue:
    """The next point at which the protégé of ``partnership`` rates their goals."""

    partnership: Partnership
    point: str  # RatingRound.Point
    due_on: datetime.date
    active_goals: int

    @property
    def label(self) -> str:
        return str(RatingRound.Point(self.point).label)

    @property
    def in_sentence(self) -> str:
        """The label as it reads inside a sentence: "Next: check-in rating"."""
        return {
            RatingRound.Point.BASELINE: pgettext("inside a sentence", "baseline rating"),
            RatingRound.Point.CHECK_IN: pgettext("inside a sentence", "check-in rating"),
            RatingRound.Point.END: pgettext("inside a sentence", "end-of-partnership rating"),
        }[RatingRound.Point(self.point)]

    @property
    def is_baseline(self) -> bool:
        return self.point == RatingRound.Point.BASELINE

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()

    @property
    def due_now(self) -> bool:
        return self.due_on <= timezone.localdate()

    @property
    def url(self) -> str:
        return reverse("goals:rating_new", args=[self.partnership.pk])


def next_rating_point(
    partnership: Partnership,
    *,
    rhythm: Rhythm | None,
    last_round_at: datetime.datetime | None,
    has_end: bool,
    active_goals: int,
    today: datetime.date | None = None,
) -> RatingDue | None:
    """The baseline before the first rating; then a check-in rating one agreed
    interval (``rhythm``, the version in force's; None before one) after the
    last; the end rating on the planned end; nothing after that, or once the
    partnership is over. Dates are in the current time zone; ``today``
    defaults to today's date there (the reminders' scan passes its own)."""
    if partnership.status not in CURRENT_PAIR_STATUSES or has_end:
        return None
    today = today or timezone.localdate()
    if last_round_at is None:
        start = partnership.started_on or today
        return RatingDue(partnership, RatingRound.Point.BASELINE, start, active_goals)
    due = local_date(last_round_at) + check_in_interval(partnership, rhythm)
    end = partnership.planned_end_on
    if end and (due >= end or today >= end):
        return RatingDue(partnership, RatingRound.Point.END, end, active_goals)
    return RatingDue(partnership, RatingRound.Point.CHECK_IN, due, active_goals)


class RatingRounds(TypedDict):
    """What the next rating point counts from (``next_rating_point``'s arguments)."""

    last_round_at: datetime.datetime | None
    has_end: bool  # an end rating was given
    rhythm: Rhythm | None  # agreed_rhythm


def rounds_of(partnership: Partnership) -> RatingRounds:
    """The pair's rating rounds so far, as the next rating point counts them. One query."""
    row = (
        Partnership.objects.filter(pk=partnership.pk)
        .with_agreed_rhythm()
        .annotate(
            last_round_at=Subquery(
                RatingRound.objects.filter(partnership=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
            has_end=Exists(
                RatingRound.objects.filter(partnership=OuterRef("pk"), point=RatingRound.Point.END)
            ),
        )
        .get()
    )
    return {"last_round_at": row.last_round_at, "has_end": row.has_end, "rhythm": agreed_rhythm(row)}


def rating_due(partnership: Partnership, *, active_goals: int) -> RatingDue | None:
    """When ``partnership``'s protégé rates next. One query."""
    return next_rating_point(partnership, **rounds_of(partnership), active_goals=active_goals)


def next_rating_due_for(user) -> list[RatingDue]:
    """For my home: in each current partnership where ``user`` is the protégé,
    when they rate their goals next, soonest first. (Mentors do not rate.) One query."""
    last_round = (
        RatingRound.objects.filter(partnership=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    active_goals = (
        Goal.objects.filter(partnership=OuterRef("pk"), status=Goal.Status.ACTIVE)
        .order_by()
        .values("partnership")
        .annotate(n=Count("*"))
        .values("n")
    )
    mine = Participant.objects.filter(user=user, role=Participant.Role.PROTEGE).values("pk")
    partnerships = (
        Partnership.objects.filter(protege__in=mine, status__in=CURRENT_PAIR_STATUSES)
        .with_people()
        .with_agreed_rhythm()
        .annotate(
            last_round_at=Subquery(last_round),
            has_end=Exists(
                RatingRound.objects.filter(partnership=OuterRef("pk"), point=RatingRound.Point.END)
            ),
            active_goals=Coalesce(Subquery(active_goals, output_field=IntegerField()), 0),
        )
        .order_by("pk")
    )
    dues = [
        next_rating_point(
            p,
            rhythm=agreed_rhythm(p),
            last_round_at=p.last_round_at,
            has_end=p.has_end,
            active_goals=p.active_goals,
        )
        for p in partnerships
    ]
    return sorted((d for d in dues if d is not None), key=lambda d: (d.due_on, d.partnership.pk))


class LastRating(TypedDict):
    """What ``goals_for_rating`` adds to each goal: its latest rating's value,
    and the latest metric value given (SMART goals)."""

    last_value: int | None
    last_metric_value: "Decimal | None"  # i18n: not shown (a type annotation)


#: An active goal of the rating form, with its ``last_value`` and ``last_metric_value``.
type GoalToRate = WithAnnotations[Goal, LastRating]


def goals_for_rating(partnership: Partnership) -> list[GoalToRate]:
    """The active goals to rate, in page order, each with its latest rating's
    value and metric value (``LastRating``). One query."""
    latest = ProgressRating.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    return list(
        Goal.objects.filter(partnership=partnership)
        .active()
        .in_page_order()
        .annotate(
            last_value=Subquery(latest.values("value")[:1]),
            last_metric_value=Subquery(latest.filter(metric_value__isnull=False).values("metric_value")[:1]),
        )
    )


RECENT_RATINGS = 8  # how many of a goal's latest ratings the rating form draws beside it


def recent_trends(partnership: Partnership, goals: list[GoalToRate]) -> dict[int, GoalTrend]:
    """For the rating form: each of ``goals`` (the active goals, ``goals_for_rating``)
    with its latest ``RECENT_RATINGS`` ratings, oldest first, as a ``GoalTrend``
    by goal id. One query, however long the history."""
    newest_first = Window(
        RowNumber(), partition_by=[F("goal_id")], order_by=[F("created_at").desc(), F("pk").desc()]
    )
    ratings = (
        ProgressRating.objects.filter(goal__partnership=partnership, goal__status=Goal.Status.ACTIVE)
        .annotate(newest=newest_first)
        .filter(newest__lte=RECENT_RATINGS)
        .only("goal_id", "value", "metric_value", "created_at")
        .order_by("goal_id", "created_at", "pk")
    )
    trends = {goal.pk: GoalTrend(goal) for goal in goals}
    for rating in ratings:
        if (trend := trends.get(rating.goal_id)) is not None:
            trend.ratings.append(rating)
    return trends
