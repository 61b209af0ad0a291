"""A goal's ratings over time: the trend, the chart and what they say in words."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext, pgettext

from mentoring.dates import date_format

from ..charts import Chart, trend_chart
from ..models import Goal, ProgressRating

ADVANCE_AT = 8  # two ratings in a row at this or above suggest a more advanced version


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def change_words(change: int) -> str:
    """A change of rating in words: "up 2", "down 1" (never "down -1"), "unchanged"."""
    if change > 0:
        return pgettext("a rating moved", "up %(n)d") % {"n": change}
    if change < 0:
        return pgettext("a rating moved", "down %(n)d") % {"n": -change}
    return pgettext("a rating moved", "unchanged")


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
        if len(self.ratings) < 2:
            return None
        return self.ratings[-1].value - self.ratings[0].value

    @property
    def change_since_last(self) -> int | None:
        if len(self.ratings) < 2:
            return None
        return self.ratings[-1].value - self.ratings[-2].value

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
        return trend_chart([(local_date(r.created_at), r.value) for r in self.ratings])

    @cached_property
    def sparkline(self) -> Chart:
        return trend_chart(
            [(local_date(r.created_at), r.value) for r in self.ratings], width=120, height=40, compact=True
        )

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and anyone who prefers text."""
        if not self.ratings:
            return gettext("Not rated yet.")
        points = ", ".join(
            gettext("%(value)d on %(date)s")
            % {"value": r.value, "date": date_format(local_date(r.created_at), "j M Y")}
            for r in self.ratings
        )
        words = gettext("Rated %(points)s.") % {"points": points}
        since_first, since_last = self.change_since_first, self.change_since_last
        if since_first is not None and since_last is not None:
            words += " " + gettext(
                "%(since_first)s since the first rating, %(since_last)s since the last."
            ) % {
                "since_first": change_words(since_first).capitalize(),
                "since_last": change_words(since_last),
            }
        return words


def trends_of(goals: list[Goal], ratings: Iterable[ProgressRating]) -> list[GoalTrend]:
    """Each of ``goals`` with its ``ratings`` (in time order) and the goals that followed it."""
    by_goal: dict[int, list[ProgressRating]] = defaultdict(list)
    for rating in ratings:
        by_goal[rating.goal_id].append(rating)
    followed_by: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.advances_id:
            followed_by[goal.advances_id].append(goal)
    return [GoalTrend(goal, by_goal[goal.pk], followed_by[goal.pk]) for goal in goals]
