"""The goals page: active goals by category with their milestones, history and
ratings; achieved and dropped goals; the mentor's suggestions."""

from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Prefetch

from partnerships.models import Partnership

from ..models import (
    CATEGORY_GUIDE,
    MAX_ACTIVE_PER_CATEGORY,
    MIN_ACTIVE_PER_CATEGORY,
    Category,
    Goal,
    GoalSuggestion,
    Milestone,
    ProgressRating,
)
from .ratings import RatingDue, rating_due
from .trends import GoalTrend, trends_of


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
    """One section per category, in page order, holding its active goals."""
    sections = []
    for category in Category:
        explanation, example = CATEGORY_GUIDE[category]
        goals = [t for t in trends if t.goal.category == category and t.goal.is_active]
        sections.append(
            CategorySection(category.value, str(category.label), str(explanation), str(example), goals)
        )
    return sections


class GoalsPage(TypedDict):
    """What the goals page shows (``goals_page``)."""

    sections: list[CategorySection]
    closed: list[GoalTrend]  # achieved and dropped, latest closed first
    suggestions: list[GoalSuggestion]  # waiting for the protégé's answer
    declined: list[GoalSuggestion]  # the last few
    next_due: RatingDue | None
    has_ratings: bool
    active_count: int
    last_round_id: int | None  # the latest rating round, whose page says what moved


def goals_page(partnership: Partnership) -> GoalsPage:
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
    trends = trends_of(
        goals, ProgressRating.objects.filter(goal__partnership=partnership).order_by("created_at", "pk")
    )
    active = [t for t in trends if t.goal.is_active]
    latest = max((r for t in trends for r in t.ratings), key=lambda r: (r.created_at, r.pk), default=None)
    suggestions = list(
        GoalSuggestion.objects.filter(partnership=partnership)
        .exclude(status=GoalSuggestion.Status.ACCEPTED)  # those show as goals
        .select_related("advances", "suggested_by")
        .order_by("created_at", "pk")
    )
    return {
        "sections": category_sections(trends),
        "closed": sorted(
            (t for t in trends if not t.goal.is_active),
            # closed_at is set on every closed goal (constraint goal_closed_at_iff_closed)
            key=lambda t: t.goal.closed_at or t.goal.created_at,
            reverse=True,
        ),
        "suggestions": [s for s in suggestions if s.status == GoalSuggestion.Status.PENDING],
        "declined": [s for s in suggestions if s.status == GoalSuggestion.Status.DECLINED][-5:],
        "next_due": rating_due(partnership, active_goals=len(active)),
        "has_ratings": any(t.ratings for t in trends),
        "active_count": len(active),
        "last_round_id": latest.round_id if latest is not None else None,
    }
