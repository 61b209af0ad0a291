"""How often a pair meets: the one definition of a rhythm and of everything that
follows from it (days between calls, when a call is late, the interval between
check-in ratings, meetings a month for matching, the words shown).

A rhythm is a cadence (``programs.models.Cadence``) and, for "every N weeks",
N from 1 to 8. Where a cadence comes without its N (a program's default, or a
participant's preferred cadence), N is ``DEFAULT_EVERY_WEEKS``: what a pair's
first agreement proposes for such a program."""

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext

from .models import Cadence

DEFAULT_EVERY_WEEKS = 3
EVERY_WEEKS_RANGE = range(1, 9)

# Roughly how many days apart calls are, for "late", health and descriptions.
NOMINAL_DAYS = {
    Cadence.WEEKLY: 7,
    Cadence.EVERY_TWO_WEEKS: 14,
    Cadence.TWICE_A_MONTH: 15,
    Cadence.MONTHLY: 30,
}
# The cadences with a fixed step in words, lower-case as in a sentence ("meet every two weeks"):
# words of their own, since lower-casing a translated label would break German nouns.
_WORDS = {
    Cadence.WEEKLY: gettext_noop("weekly"),
    Cadence.EVERY_TWO_WEEKS: gettext_noop("every two weeks"),
    Cadence.TWICE_A_MONTH: gettext_noop("twice a month"),
    Cadence.MONTHLY: gettext_noop("monthly"),
}
MIN_GRACE_DAYS = 3
MAX_GRACE_DAYS = 7
# The step between two check-in ratings, and between calls for the calendar-month cadences.
_STEPS = {
    Cadence.TWICE_A_MONTH: relativedelta(days=15),
    Cadence.MONTHLY: relativedelta(months=1),
}


@dataclass(frozen=True)
class Rhythm:
    """How often a pair meets: a cadence, and N for "every N weeks".

    Raises ValueError for an unknown cadence, or for "every N weeks" without
    an N in ``EVERY_WEEKS_RANGE``."""

    cadence: str
    every_weeks: int | None = None

    def __post_init__(self):
        if self.cadence not in Cadence.values:
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if self.cadence == Cadence.EVERY_N_WEEKS and self.every_weeks not in EVERY_WEEKS_RANGE:
            raise ValueError("every N weeks needs N from 1 to 8")
        if self.cadence != Cadence.EVERY_N_WEEKS and self.every_weeks is not None:
            object.__setattr__(self, "every_weeks", None)

    @classmethod
    def of(cls, agreement) -> "Rhythm":
        """The rhythm an agreement (or anything with ``cadence`` and ``every_weeks``) sets."""
        return cls(agreement.cadence, agreement.every_weeks)

    @classmethod
    def of_cadence(cls, cadence: str) -> "Rhythm":
        """A cadence given without its N: "every N weeks" is every ``DEFAULT_EVERY_WEEKS`` weeks."""
        return cls(cadence, DEFAULT_EVERY_WEEKS if cadence == Cadence.EVERY_N_WEEKS else None)

    @classmethod
    def every(cls) -> list["Rhythm"]:
        """Every rhythm there can be, for SQL that needs one constant per rhythm."""
        fixed = [cls(c) for c in Cadence.values if c != Cadence.EVERY_N_WEEKS]
        return fixed + [cls(Cadence.EVERY_N_WEEKS, n) for n in EVERY_WEEKS_RANGE]

    def matches(self, cadence_field: str = "cadence", every_weeks_field: str = "every_weeks") -> Q:
        """A filter for rows whose fields name this rhythm."""
        condition = Q(**{cadence_field: self.cadence})
        if self.cadence == Cadence.EVERY_N_WEEKS:
            condition &= Q(**{every_weeks_field: self.every_weeks})
        return condition

    @property
    def weeks(self) -> int | None:
        """The step in weeks, for the cadences that count weeks."""
        weeks: dict[str, int | None] = {
            Cadence.WEEKLY: 1,
            Cadence.EVERY_TWO_WEEKS: 2,
            Cadence.EVERY_N_WEEKS: self.every_weeks,
        }
        return weeks.get(self.cadence)

    @property
    def nominal_days(self) -> int:
        weeks = self.weeks
        return 7 * weeks if weeks else NOMINAL_DAYS[Cadence(self.cadence)]

    @property
    def grace_days(self) -> int:
        """How long after its expected day a call counts as late: a quarter of
        the interval, at least 3 days and at most a week."""
        return min(MAX_GRACE_DAYS, max(MIN_GRACE_DAYS, round(self.nominal_days / 4)))

    @property
    def interval(self) -> relativedelta:
        """The time from one check-in to the next (a rating is due once per interval)."""
        weeks = self.weeks
        return relativedelta(weeks=weeks) if weeks else _STEPS[Cadence(self.cadence)]

    @property
    def meetings_per_month(self) -> float:
        weeks = self.weeks
        if weeks:
            return 52 / weeks / 12
        return 2.0 if self.cadence == Cadence.TWICE_A_MONTH else 1.0

    @property
    def text(self) -> str:
        """In words, e.g. "every two weeks", "every 3 weeks", "monthly"."""
        if self.cadence == Cadence.EVERY_N_WEEKS:
            n = self.every_weeks or DEFAULT_EVERY_WEEKS
            return ngettext("every week", "every %(n)d weeks", n) % {"n": n}
        return gettext(_WORDS[Cadence(self.cadence)])


def cadence_choices() -> list[tuple[str, str]]:
    """The cadences where one comes without its N (a program's default, a
    person's preferred cadence), in the words every page shows them with:
    "Weekly", …, "Every 3 weeks" (``DEFAULT_EVERY_WEEKS``, the N such a cadence
    means for matching and for a pair's first agreement). The one label of each."""
    return [(cadence, cadence_words(cadence)) for cadence in Cadence.values]


def cadence_words(cadence: str) -> str:
    """One cadence given without its N, in words as ``cadence_choices`` says it; "" for none."""
    return capfirst(Rhythm.of_cadence(cadence).text) if cadence else ""
