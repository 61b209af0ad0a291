"""Where a partnership is on its way: matched → agreement → first call → goals
rated → mid-point review → closing, and how far it has come (week 17 of 24,
calls held against the calls agreed so far).

Each stage's rule is written once, here (``steps_of``); the cards on my home
and the tracker on the partnership home both read it (``progress_of``). Pure
functions of what the selectors read (``StageFacts``): no query.

The rules, each "done" when:

1. matched: always (the partnership exists);
2. agreement: a version of the agreement is in force;
3. first call: a call was held (``Partnership.last_call_at``, kept by the call log);
4. goals rated: the protégé gave a rating round (the baseline or any later one);
5. mid-point review: a check-in or end rating was given on or after the
   mid-point of the partnership (half way from its start to its planned end;
   without a planned end, any check-in rating);
6. closing: the partnership has ended (completed, or ended early).

The current stage is the first that is not done (the one to do now: a card
says "Goals rated (to do)" until the protégé rates them), or once all before
closing are, the mid-point review (done: the pair is between it and closing);
before the mid-point its review is current but not yet open (``Step.opens_on``);
from ``partnerships.services.CLOSING_PERIOD`` before the planned end (or once
ended) it is closing, whatever came before."""

import datetime
import math
from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from partnerships.services import CLOSING_PERIOD
from programs.rhythms import Rhythm


class Stage(models.TextChoices):
    MATCHED = "matched", pgettext_lazy("partnership stage", "Matched")
    AGREEMENT = "agreement", pgettext_lazy("partnership stage", "Agreement")
    FIRST_CALL = "first_call", pgettext_lazy("partnership stage", "First call")
    GOALS_RATED = "goals_rated", pgettext_lazy("partnership stage", "Goals rated")
    MIDPOINT = "midpoint", pgettext_lazy("partnership stage", "Mid-point review")
    CLOSING = "closing", pgettext_lazy("partnership stage", "Closing")


@dataclass(frozen=True)
class StageFacts:
    """What the stages are read from (``home.selectors.facts`` reads them)."""

    current: bool  # proposed or active
    has_agreement: bool  # a version in force
    held_a_call: bool
    rated: bool  # any rating round
    reviewed_on: datetime.date | None  # the day of the latest check-in or end rating
    started_on: datetime.date | None  # None before it has started
    ends_on: datetime.date | None  # the planned end


@dataclass(frozen=True)
class Step:
    """One stage as the tracker shows it."""

    stage: Stage
    done: bool
    current: bool
    passed: bool  # before the current stage
    opens_on: datetime.date | None = None  # the current stage's first day, while it is still ahead

    @property
    def state(self) -> str:
        """ "current" (not done yet), "done", "skipped" (passed without being
        done) or "to_come"; the current stage may be done (the pair is past it)."""
        if self.current and not self.done:
            return "current"
        if self.done:
            return "done"
        return "skipped" if self.passed else "to_come"


def midpoint_of(started_on: datetime.date | None, ends_on: datetime.date | None) -> datetime.date | None:
    """Half way from the start to the planned end; None without both."""
    if started_on is None or ends_on is None or ends_on <= started_on:
        return None
    return started_on + (ends_on - started_on) / 2


def _done(facts: StageFacts) -> dict[Stage, bool]:
    midpoint = midpoint_of(facts.started_on, facts.ends_on)
    reviewed = facts.reviewed_on is not None and (midpoint is None or facts.reviewed_on >= midpoint)
    return {
        Stage.MATCHED: True,
        Stage.AGREEMENT: facts.has_agreement,
        Stage.FIRST_CALL: facts.held_a_call,
        Stage.GOALS_RATED: facts.rated,
        Stage.MIDPOINT: reviewed,
        Stage.CLOSING: not facts.current,
    }


def _in_closing(facts: StageFacts, today: datetime.date) -> bool:
    if not facts.current:
        return True
    return facts.ends_on is not None and today >= facts.ends_on - CLOSING_PERIOD


def steps_of(facts: StageFacts, *, today: datetime.date) -> list[Step]:
    """Every stage in order, each done or not, the current one marked (see the module's rules)."""
    done = _done(facts)
    if _in_closing(facts, today):
        current = Stage.CLOSING
    else:
        # Closing comes with the calendar, not with what the pair does.
        current = next((stage for stage in Stage if not done[stage]), Stage.CLOSING)
        if current == Stage.CLOSING:
            current = Stage.MIDPOINT
    # The mid-point review opens at the mid-point: before it the pair is there
    # but waiting for it (never "now" for a stage whose day is still ahead).
    midpoint = midpoint_of(facts.started_on, facts.ends_on)
    opens_on = midpoint if current == Stage.MIDPOINT and midpoint and today < midpoint else None
    order = list(Stage)
    at = order.index(current)
    return [
        Step(
            stage=stage,
            done=done[stage],
            current=stage == current,
            passed=i < at,
            opens_on=opens_on if stage == current and not done[stage] else None,
        )
        for i, stage in enumerate(order)
    ]


@dataclass(frozen=True)
class Progress:
    """A partnership's stage and how far it has come, as its card and its home show them."""

    steps: list[Step]
    week: int | None  # the week of the partnership it is in (1 the first); None before it starts
    weeks: int | None  # how many weeks it is planned for; None without a planned end
    calls_held: int
    calls_agreed: int | None  # the calls the agreement expects so far; None without one
    midpoint_on: datetime.date | None

    @property
    def current(self) -> Step:
        return next(step for step in self.steps if step.current)

    @property
    def number(self) -> int:
        """The current stage's place, from 1."""
        return self.steps.index(self.current) + 1

    @property
    def total(self) -> int:
        return len(self.steps)


def calls_agreed(
    rhythm: Rhythm | None,
    started_on: datetime.date | None,
    until: datetime.date,
    *,
    ends_on: datetime.date | None = None,
) -> int | None:
    """How many calls the agreed rhythm expects from the start up to ``until``,
    one rule for the card and the partnership home: a call slot every
    ``Rhythm.nominal_days`` from the day the partnership started, that day's
    (the first call) included, each counted once its day has come; none on or
    after the planned end ``ends_on``. The health numbers count whole intervals
    of a moving 90-day window instead (``health.numbers``). None without an
    agreement in force or a start."""
    if rhythm is None or started_on is None:
        return None
    days = (until - started_on).days
    if days < 0:
        return 0
    if ends_on is not None and until >= ends_on:
        return max(0, -(-(ends_on - started_on).days // rhythm.nominal_days))  # the slots before the end
    return days // rhythm.nominal_days + 1


def progress_of(
    facts: StageFacts, *, rhythm: Rhythm | None, calls_held: int, today: datetime.date
) -> Progress:
    """The stages (``steps_of``), the week the partnership is in of the weeks
    planned, and the calls held against the calls agreed so far (counted up
    to the planned end at most; ``calls_agreed``). Held calls are the finished
    logs of calls that happened (missed calls and drafts are not held); calls
    beyond the agreed rhythm do not count ahead, so held never exceeds agreed."""
    start, end = facts.started_on, facts.ends_on
    until = min(today, end) if end else today
    week = weeks = None
    if start is not None and today >= start:
        week = (until - start).days // 7 + 1
    if start is not None and end is not None and end > start:
        weeks = math.ceil((end - start).days / 7)
        week = min(week, weeks) if week is not None else None
    agreed = calls_agreed(rhythm, start, until, ends_on=end) if facts.current else None
    return Progress(
        steps=steps_of(facts, today=today),
        week=week,
        weeks=weeks,
        calls_held=calls_held if agreed is None else min(calls_held, agreed),
        calls_agreed=agreed,
        midpoint_on=midpoint_of(start, end),
    )
