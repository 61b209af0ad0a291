"""What the partnership home shows of the goals (``goals/_partnership_panel.html``)."""

from dataclasses import dataclass

from partnerships.models import Partnership

from ..models import Goal, ProgressRating
from .goals import CategorySection, category_sections
from .ratings import RatingDue, next_rating_point, rounds_of
from .trends import GoalTrend, trends_of


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
        return self.partnership.is_current

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
    """The goals panel of the partnership home. Three queries, whatever the
    number of goals and ratings."""
    goals = list(
        Goal.objects.filter(partnership=partnership).active().select_related("advances").in_page_order()
    )
    ratings = ProgressRating.objects.filter(goal__in=[g.pk for g in goals]).order_by("created_at", "pk")
    trends = trends_of(goals, ratings) if goals else []
    rounds = rounds_of(partnership)
    return GoalsPanel(
        partnership=partnership,
        trends=trends,
        next_due=next_rating_point(partnership, **rounds, active_goals=len(goals)),
        has_ratings=rounds["last_round_at"] is not None,
    )
