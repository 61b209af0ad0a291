"""The arithmetic of survey aggregates, in one place: the privacy floor, the
steps figures move in, and the net promoter score.

The floor: an aggregate is shown only when at least ``FLOOR`` people answered,
so no one can be singled out (DESIGN.md, "Surveys and proof of impact").
The steps: a figure counts only the earliest ``published(n)`` of its ``n``
answers, a multiple of ``FLOOR``, so it changes only once ``FLOOR`` more
answers came in; one new answer never moves it, and so can never be told
apart by comparing the figure before and after it (``selectors.published``
picks those answers in SQL).
The net promoter score (Reichheld, 2003; Bain & Company's definition): answers
of 9–10 are promoters, 7–8 passives, 0–6 detractors; the score is the share of
promoters less the share of detractors, in percentage points, −100 to 100."""

from dataclasses import dataclass

FLOOR = 5
PROMOTER_FROM = 9
PASSIVE_FROM = 7


def shown(answers: int) -> bool:
    """Whether an aggregate of ``answers`` answers may be shown to admins."""
    return answers >= FLOOR


def published(answers: int) -> int:
    """How many of ``answers`` answers a figure counts (the earliest ones):
    ``answers`` rounded down to a multiple of ``FLOOR``, so 0 for 0–4, 5 for
    5–9, 10 for 10–14. A count shown to admins is this number too."""
    return max(answers, 0) // FLOOR * FLOOR


@dataclass(frozen=True)
class NetPromoter:
    """Counts of each band and the score; ``score`` is None below the floor."""

    promoters: int
    passives: int
    detractors: int

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        """Promoters' share less detractors' share, in whole percentage points
        (rounded half away from zero), or None below the floor."""
        if not shown(self.answers):
            return None
        points = 100 * (self.promoters - self.detractors) / self.answers
        return int(points + 0.5) if points >= 0 else -int(-points + 0.5)


def band_of(value: int) -> str:
    """ "promoter", "passive" or "detractor" for a 0–10 answer."""
    if value >= PROMOTER_FROM:
        return "promoter"
    if value >= PASSIVE_FROM:
        return "passive"
    return "detractor"
