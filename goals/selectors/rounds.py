"""One rating round as the page after saving it shows it: what moved since the
goal's rating before, and which active goals waited for another time."""

from dataclasses import dataclass
from typing import TypedDict

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext

from partnerships.models import Partnership

from ..models import Category, Goal, ProgressRating, RatingRound
from .trends import change_words

CATEGORY_ORDER = {category: i for i, category in enumerate(Category.values)}


@dataclass(frozen=True)
class Move:
    """One goal's rating in a round, beside the rating before it (None for its first)."""

    goal: Goal
    value: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def moved(self) -> bool:
        return bool(self.change)

    @property
    def direction(self) -> str:
        """For a class name: up, down, steady or first."""
        change = self.change
        if change is None:
            return "first"
        return "up" if change > 0 else "down" if change < 0 else "steady"

    @property
    def words(self) -> str:
        """ "up 2", "down 1", "unchanged", or "first rating"."""
        change = self.change
        return gettext("first rating") if change is None else change_words(change)

    @property
    def sentence(self) -> str:
        """What moved, as one line: "Negotiating: 4 → 6, up 2" (an agenda topic as it stands)."""
        if self.previous is None:
            return gettext("%(goal)s: %(value)d, first rating") % {
                "goal": self.goal.title,
                "value": self.value,
            }
        return gettext("%(goal)s: %(previous)d → %(value)d, %(change)s") % {
            "goal": self.goal.title,
            "previous": self.previous,
            "value": self.value,
            "change": self.words,
        }


class RoundSummary(TypedDict):
    """The page after a rating round (``round_summary``)."""

    moves: list[Move]  # in page order
    moved: list[Move]  # those whose rating changed
    compared: bool  # at least one goal had a rating before
    skipped: list[Goal]  # active goals, written before the round, that it did not rate


def _page_order(goal: Goal) -> tuple:
    return (CATEGORY_ORDER.get(goal.category, 99), goal.created_at, goal.pk)


def round_summary(partnership: Partnership, rating_round: RatingRound) -> RoundSummary:
    """Each goal ``rating_round`` rated, with the goal's rating before it, and
    the active goals it skipped. Two queries, however long the history."""
    before = (
        ProgressRating.objects.filter(goal=OuterRef("goal_id"), created_at__lte=OuterRef("created_at"))
        .exclude(round=OuterRef("round_id"))
        .order_by("-created_at", "-pk")
        .values("value")[:1]
    )
    ratings = (
        ProgressRating.objects.filter(round=rating_round)
        .select_related("goal")
        .annotate(previous=Subquery(before))
    )
    moves = sorted(
        (Move(goal=r.goal, value=r.value, previous=r.previous) for r in ratings),
        key=lambda move: _page_order(move.goal),
    )
    skipped = list(
        Goal.objects.filter(partnership=partnership, created_at__lt=rating_round.created_at)
        .active()
        .exclude(ratings__round=rating_round)
        .in_page_order()
        .only("pk", "title", "category", "created_at")
    )
    return {
        "moves": moves,
        "moved": [m for m in moves if m.moved],
        "compared": any(m.previous is not None for m in moves),
        "skipped": skipped,
    }


def is_latest_round(partnership: Partnership, rating_round: RatingRound) -> bool:
    """Whether ``rating_round`` is the pair's last round so far. One query."""
    latest = (
        RatingRound.objects.filter(partnership=partnership)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest == rating_round.pk


def on_next_agenda(partnership: Partnership) -> set[str]:
    """The topics waiting on the next call's agenda, as written: a move whose
    line is among them is on the agenda already. One query (through the
    partnership, so goals does not import the call log)."""
    return set(
        partnership.agenda_items.filter(session__isnull=True, someday=False).values_list("text", flat=True)
    )
