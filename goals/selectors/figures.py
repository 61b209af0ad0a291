"""What program admins read of the goals: numbers only, never the goals' words,
the why, the evidence or the reflections."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from programs.models import CURRENT_PAIR_STATUSES, Program

from ..models import Goal, ProgressRating


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
        if self.ratings < 2 or self.latest is None or self.first is None:
            return None
        return self.latest - self.first

    @property
    def change_since_last(self) -> int | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest - self.previous

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``steady``, or ``new`` with fewer than two ratings."""
        change = self.change_since_last
        if change is None:
            return "new"
        return "up" if change > 0 else "down" if change < 0 else "steady"


def program_goal_trends(
    program: Program, *, partnership_ids: Iterable[int] | None = None
) -> dict[int, list[GoalFigures]]:
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
        goals.in_page_order("partnership_id")
        .annotate(
            n_ratings=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
            first_value=Subquery(ratings.order_by("created_at", "pk").values("value")[:1]),
            previous_value=Subquery(newest[1:2]),
            latest_value=Subquery(newest[:1]),
            last_rated_at=Subquery(ratings.order_by("-created_at", "-pk").values("created_at")[:1]),
        )
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
