"""Reads for goals and ratings. Each says how many queries it runs; none grows
with the number of goals, milestones, revisions or ratings.

What program admins may read is ``program_goal_trends``: numbers only, never
the goals' words, the why, the evidence or the reflections."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.rhythms import Rhythm

from .charts import Chart, trend_chart
from .models import (
    CATEGORY_GUIDE,
    MAX_ACTIVE_PER_CATEGORY,
    MIN_ACTIVE_PER_CATEGORY,
    Category,
    Goal,
    GoalSuggestion,
    Milestone,
    ProgressRating,
    RatingRound,
)

ADVANCE_AT = 8  # two ratings in a row at this or above suggest a more advanced version


def agreed_rhythm(partnership: Partnership) -> Rhythm | None:
    """The rhythm of the version in force, from ``Partnership.objects.with_agreed_rhythm()``."""
    if partnership.agreed_cadence is None:
        return None
    return Rhythm(partnership.agreed_cadence, partnership.agreed_every_weeks)


def check_in_interval(partnership: Partnership, rhythm: Rhythm | None) -> relativedelta:
    """A rating at each check-in: as often as the pair agreed to meet
    (``Rhythm.interval``); before they agree, as often as the program meets by default."""
    return (rhythm or Rhythm.of_cadence(partnership.program.default_cadence)).interval


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _signed_words(change: int) -> str:
    if change > 0:
        return f"up {change}"
    if change < 0:
        return f"down {-change}"
    return "unchanged"


# --- When the next rating is due ---------------------------------------------


@dataclass(frozen=True)
class RatingDue:
    """The next point at which the protégé of ``partnership`` rates their goals."""

    partnership: Partnership
    point: str  # RatingRound.Point
    due_on: datetime.date
    active_goals: int

    @property
    def label(self) -> str:
        return RatingRound.Point(self.point).label

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
    due = _local_date(last_round_at) + check_in_interval(partnership, rhythm)
    end = partnership.planned_end_on
    if end and (due >= end or today >= end):
        return RatingDue(partnership, RatingRound.Point.END, end, active_goals)
    return RatingDue(partnership, RatingRound.Point.CHECK_IN, due, active_goals)


def rounds_of(partnership: Partnership) -> dict:
    """What the next rating point counts from: ``last_round_at``, ``has_end``
    (an end rating was given) and ``rhythm`` (``agreed_rhythm``). One query."""
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


# --- A goal's ratings over time ------------------------------------------------


@dataclass
class GoalTrend:
    """A goal with its ratings in time order, and what they say."""

    goal: Goal
    ratings: list[ProgressRating] = field(default_factory=list)
    advanced_versions: list[Goal] = field(default_factory=list)

    @property
    def latest(self) -> ProgressRating | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def first(self) -> ProgressRating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def previous(self) -> ProgressRating | None:
        return self.ratings[-2] if len(self.ratings) >= 2 else None

    @property
    def change_since_first(self) -> int | None:
        return self.latest.value - self.first.value if len(self.ratings) >= 2 else None

    @property
    def change_since_last(self) -> int | None:
        return self.latest.value - self.previous.value if self.previous else None

    @property
    def ready_to_advance(self) -> bool:
        """Active, its last two ratings 8 or more, and not yet followed by a more advanced version."""
        return (
            self.goal.is_active
            and len(self.ratings) >= 2
            and all(r.value >= ADVANCE_AT for r in self.ratings[-2:])
            and not self.advanced_versions
        )

    @property
    def metric_now(self) -> Decimal | None:
        """The metric's latest value the protégé gave, or the baseline before any."""
        for rating in reversed(self.ratings):
            if rating.metric_value is not None:
                return rating.metric_value
        return self.goal.baseline

    @property
    def metric_progress(self) -> int | None:
        return self.goal.metric_progress(self.metric_now)

    @cached_property
    def chart(self) -> Chart:
        return trend_chart([(_local_date(r.created_at), r.value) for r in self.ratings])

    @cached_property
    def sparkline(self) -> Chart:
        return trend_chart(
            [(_local_date(r.created_at), r.value) for r in self.ratings], width=120, height=40, compact=True
        )

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and anyone who prefers text."""
        if not self.ratings:
            return "Not rated yet."
        points = ", ".join(
            f"{r.value} on {date_format(_local_date(r.created_at), 'j M Y')}" for r in self.ratings
        )
        words = f"Rated {points}."
        if self.change_since_first is not None:
            words += (
                f" {_signed_words(self.change_since_first).capitalize()} since the first rating, "
                f"{_signed_words(self.change_since_last)} since the last."
            )
        return words


def _trends(goals: list[Goal], ratings: QuerySet[ProgressRating]) -> list[GoalTrend]:
    by_goal: dict[int, list[ProgressRating]] = defaultdict(list)
    for rating in ratings:
        by_goal[rating.goal_id].append(rating)
    followed_by: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.advances_id:
            followed_by[goal.advances_id].append(goal)
    return [GoalTrend(goal, by_goal[goal.pk], followed_by[goal.pk]) for goal in goals]


# --- The goals page --------------------------------------------------------------


@dataclass
class CategorySection:
    category: str
    label: str
    explanation: str
    example: str
    goals: list[GoalTrend]

    @property
    def room(self) -> int:
        return max(MAX_ACTIVE_PER_CATEGORY - len(self.goals), 0)

    @property
    def is_full(self) -> bool:
        return not self.room

    @property
    def wants_more(self) -> bool:
        """Fewer than two active goals: a gentle prompt, never an error."""
        return len(self.goals) < MIN_ACTIVE_PER_CATEGORY


def category_sections(trends: list[GoalTrend]) -> list[CategorySection]:
    sections = []
    for category in Category:
        explanation, example = CATEGORY_GUIDE[category]
        goals = [t for t in trends if t.goal.category == category and t.goal.is_active]
        sections.append(CategorySection(category.value, category.label, explanation, example, goals))
    return sections


def goals_page(partnership: Partnership) -> dict:
    """Everything the goals page shows: active goals by category with their
    milestones, history and ratings; achieved and dropped goals; the mentor's
    suggestions waiting for an answer; when the next rating is due. Six queries."""
    goals = list(
        Goal.objects.filter(partnership=partnership)
        .select_related("advances", "suggestion")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("done_at", "due_on", "pk")),
            "revisions",
        )
        .in_page_order()
    )
    trends = _trends(
        goals, ProgressRating.objects.filter(goal__partnership=partnership).order_by("created_at", "pk")
    )
    active = [t for t in trends if t.goal.is_active]
    suggestions = list(
        GoalSuggestion.objects.filter(partnership=partnership)
        .exclude(status=GoalSuggestion.Status.ACCEPTED)  # those show as goals
        .select_related("advances", "suggested_by")
        .order_by("created_at", "pk")
    )
    return {
        "sections": category_sections(trends),
        "closed": sorted(
            (t for t in trends if not t.goal.is_active), key=lambda t: t.goal.closed_at, reverse=True
        ),
        "suggestions": [s for s in suggestions if s.status == GoalSuggestion.Status.PENDING],
        "declined": [s for s in suggestions if s.status == GoalSuggestion.Status.DECLINED][-5:],
        "next_due": rating_due(partnership, active_goals=len(active)),
        "has_ratings": any(t.ratings for t in trends),
        "active_count": len(active),
    }


def goals_for_rating(partnership: Partnership) -> list[Goal]:
    """The active goals to rate, in page order, each with its latest rating's
    value and metric value (``last_value``, ``last_metric_value``). One query."""
    latest = ProgressRating.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    return list(
        Goal.objects.filter(partnership=partnership)
        .active()
        .annotate(
            last_value=Subquery(latest.values("value")[:1]),
            last_metric_value=Subquery(latest.filter(metric_value__isnull=False).values("metric_value")[:1]),
        )
        .in_page_order()
    )


# --- The partnership home's panel ------------------------------------------------


@dataclass
class GoalsPanel:
    """What the partnership home shows of the goals: every active goal's trend,
    which deserve a more advanced version, whether the baseline is still to be
    given, and when the next rating is due."""

    partnership: Partnership
    trends: list[GoalTrend]
    next_due: RatingDue | None
    has_ratings: bool

    @property
    def is_current(self) -> bool:
        """Proposed or active: its goals can still change and be rated."""
        return self.partnership.status in CURRENT_PAIR_STATUSES

    @property
    def baseline_missing(self) -> bool:
        return not self.has_ratings and self.next_due is not None and self.next_due.is_baseline

    @property
    def ready_to_advance(self) -> list[GoalTrend]:
        return [t for t in self.trends if t.ready_to_advance]

    @property
    def sections(self) -> list[CategorySection]:
        return category_sections(self.trends)


def goals_panel_for(partnership: Partnership) -> GoalsPanel:
    """The goals panel of the partnership home (``goals/_partnership_panel.html``).
    Three queries, whatever the number of goals and ratings."""
    goals = list(
        Goal.objects.filter(partnership=partnership).active().select_related("advances").in_page_order()
    )
    ratings = ProgressRating.objects.filter(goal__in=[g.pk for g in goals]).order_by("created_at", "pk")
    trends = _trends(goals, ratings) if goals else []
    rounds = rounds_of(partnership)
    next_due = next_rating_point(partnership, **rounds, active_goals=len(goals))
    return GoalsPanel(
        partnership=partnership,
        trends=trends,
        next_due=next_due,
        has_ratings=rounds["last_round_at"] is not None,
    )


# --- What program admins see: numbers only -----------------------------------------


@dataclass(frozen=True)
class GoalFigures:
    """One goal as a program admin sees it: its category and status and the
    numbers of its ratings. Deliberately no text of the pair's."""

    partnership_id: int
    goal_id: int
    category: str
    status: str
    ratings: int
    first: int | None
    previous: int | None
    latest: int | None
    last_rated_at: datetime.datetime | None

    @property
    def change_since_first(self) -> int | None:
        return self.latest - self.first if self.ratings >= 2 else None

    @property
    def change_since_last(self) -> int | None:
        return self.latest - self.previous if self.previous is not None else None

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``steady``, or ``new`` with fewer than two ratings."""
        change = self.change_since_last
        if change is None:
            return "new"
        return "up" if change > 0 else "down" if change < 0 else "steady"


def program_goal_trends(program: Program, *, partnership_ids=None) -> dict[int, list[GoalFigures]]:
    """Each goal's latest rating and trend, by partnership, for the program's
    pages: the program's current partnerships, or those of ``partnership_ids``
    (a page of them). Numbers, categories and statuses only. One query."""
    ratings = ProgressRating.objects.filter(goal=OuterRef("pk"))
    newest = ratings.order_by("-created_at", "-pk").values("value")
    counted = ratings.order_by().values("goal").annotate(n=Count("*")).values("n")
    goals = Goal.objects.filter(partnership__program=program)
    if partnership_ids is None:
        goals = goals.filter(partnership__status__in=CURRENT_PAIR_STATUSES)
    else:
        goals = goals.filter(partnership_id__in=list(partnership_ids))
    rows = (
        goals.annotate(
            n_ratings=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
            first_value=Subquery(ratings.order_by("created_at", "pk").values("value")[:1]),
            previous_value=Subquery(newest[1:2]),
            latest_value=Subquery(newest[:1]),
            last_rated_at=Subquery(ratings.order_by("-created_at", "-pk").values("created_at")[:1]),
        )
        .in_page_order("partnership_id")
        .values_list(
            "partnership_id",
            "pk",
            "category",
            "status",
            "n_ratings",
            "first_value",
            "previous_value",
            "latest_value",
            "last_rated_at",
        )
    )
    by_partnership: dict[int, list[GoalFigures]] = defaultdict(list)
    for row in rows:
        by_partnership[row[0]].append(GoalFigures(*row))
    return dict(by_partnership)
