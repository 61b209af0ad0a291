"""The health of a partnership, in one place: a label (thriving, on track, at
risk, stalled) and the reason in words, from numbers only (``numbers``) — never
from what the pair writes.

The rule, first match wins (``RULE`` is shown on the overview page):

1. no agreement in force: at risk when matched more than two weeks ago, else on track;
2. stalled: no call held for twice the agreed interval (as the reminders' stall flag);
3. at risk: under three in four expected calls held, under half the due
   homework done, ratings down a point or more, or either side says 2/5 or
   less to "is it working";
4. thriving: every expected call held, at least four in five homework done,
   and ratings rising or both sides saying 4/5 or more;
5. otherwise on track.

The label is computed in SQL from the stored numbers (``annotate``), so the
overview can sort and filter by it over every partnership; the words
(``reason``) are written in Python for the rows shown only, from the same
numbers and thresholds."""

import datetime
import decimal
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext, pgettext_lazy

from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Cadence
from programs.rhythms import Rhythm

from .numbers import STORED, with_agreement

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import StrOrPromise, WithAnnotations

AGREEMENT_GRACE_DAYS = 14  # matched this long without an agreement in force: at risk
STALL_AFTER = 2.0  # × the agreed interval without a held call (reminders.rules.stalls.STALL_AFTER)
# Calls held against expected, as fractions (numerator, denominator) so SQL compares integers.
AT_RISK_CALLS = (3, 4)  # under three in four
AT_RISK_HOMEWORK = (1, 2)  # under half of what is due
THRIVING_HOMEWORK = (4, 5)  # at least four in five
RATING_DROP = 1.0  # the latest round's average down this much or more
AT_RISK_WORKING = 2  # "is it working?" 2/5 or less from either side
THRIVING_WORKING = 4
HOMEWORK_MIN_DUE = 2  # fewer due pieces say nothing either way


class Label(models.TextChoices):
    THRIVING = "thriving", pgettext_lazy("partnership health", "Thriving")
    ON_TRACK = "on_track", pgettext_lazy("partnership health", "On track")
    AT_RISK = "at_risk", pgettext_lazy("partnership health", "At risk")
    STALLED = "stalled", pgettext_lazy("partnership health", "Stalled")


# Worst first: the order of "sort by health".
SEVERITY = {Label.STALLED: 0, Label.AT_RISK: 1, Label.ON_TRACK: 2, Label.THRIVING: 3}
LABELS = {rank: label.value for label, rank in SEVERITY.items()}


def _at_risk_in_words() -> str:
    return ngettext(
        "Fewer than three in four of the calls the agreed cadence expects in the last 90 days; "
        "under half the due homework done; the protégé's goal ratings down a point or more since "
        "the round before; or either side answering 2 of 5 or less to “is it working?”. "
        "Also a pair matched over %(days)s day ago without an agreement.",
        "Fewer than three in four of the calls the agreed cadence expects in the last 90 days; "
        "under half the due homework done; the protégé's goal ratings down a point or more since "
        "the round before; or either side answering 2 of 5 or less to “is it working?”. "
        "Also a pair matched over %(days)s days ago without an agreement.",
        AGREEMENT_GRACE_DAYS,
    ) % {"days": AGREEMENT_GRACE_DAYS}


# The rule in words, label by label, in the order it is applied; translated when shown.
RULE: list[tuple[Label, "StrOrPromise"]] = [
    (
        Label.STALLED,
        gettext_lazy(
            "No call held for twice the agreed interval (e.g. four weeks when meeting every two weeks)."
        ),
    ),
    (Label.AT_RISK, lazy(_at_risk_in_words, str)()),
    (
        Label.THRIVING,
        gettext_lazy(
            "Every expected call held, at least four in five homework done, and ratings rising or "
            "both sides answering 4 of 5 or more to “is it working?”."
        ),
    ),
    (Label.ON_TRACK, gettext_lazy("Everything else: calls mostly on rhythm, nothing alarming.")),
]


class HealthAnnotations(TypedDict):
    """What ``annotate`` adds to each partnership: the terms of the agreement
    version in force (None before one is), the stored numbers and the label's rank."""

    accepted_at: datetime.datetime | None
    agreement_version: int | None
    cadence: str | None
    every_weeks: int | None
    call_minutes: int | None
    method: str | None
    first_review_on: datetime.date | None
    agreement_ends_on: datetime.date | None
    numbers_as_of: datetime.date | None
    calls_expected: int
    calls_held: int
    homework_assigned: int
    homework_due: int
    homework_done: int
    rating_latest: float | None
    rating_previous: float | None
    rating_change: float | None
    working: int | None
    severity: int | None


#: A partnership as ``annotate`` returns it.
type WithHealth = WithAnnotations[Partnership, HealthAnnotations]


def _quiet_for_stall(now: datetime.datetime) -> Q:
    """No call held for STALL_AFTER × the agreed interval, one condition per
    rhythm (so it compares columns to constants). A set call whose time has
    passed counts as held (as in ``schedule.next_call``)."""
    stalled = Q(pk__in=[])
    for rhythm in Rhythm.every():
        cutoff = now - datetime.timedelta(days=rhythm.nominal_days * STALL_AFTER)
        condition = (
            Q(cadence=rhythm.cadence)
            & (Q(last_call_at__isnull=True) | Q(last_call_at__lte=cutoff))
            & (Q(next_call_at__isnull=True) | Q(next_call_at__lte=cutoff) | Q(next_call_at__gt=now))
            & Q(started_on__lte=cutoff.date())
        )
        if rhythm.cadence == Cadence.EVERY_N_WEEKS:
            condition &= Q(every_weeks=rhythm.every_weeks)
        stalled |= condition
    return Q(status=Partnership.Status.ACTIVE) & stalled


def _share(field: str, fraction: tuple[int, int]) -> ExpressionWrapper:
    """That fraction of ``field``, as a float (the Python side compares the same way)."""
    n, d = fraction
    return ExpressionWrapper(F(field) * Value(n / d), output_field=FloatField())


def annotate(queryset: QuerySet[Partnership], *, now: datetime.datetime) -> QuerySet[WithHealth]:
    """Adds the health numbers and the label to each partnership:

    ``accepted_at`` (the version in force, since), ``cadence``, ``every_weeks``,
    ``calls_expected``, ``calls_held`` (last 90 days), ``homework_assigned``,
    ``homework_due``, ``homework_done``, ``rating_latest``, ``rating_previous``,
    ``rating_change``, ``working`` and ``severity``, the label's rank (``label_of``;
    None once closed), to filter and sort by. The numbers are the stored ones
    (``services.refresh_stale_numbers`` first, for numbers of today); nothing here reads a
    pair's history, so the cost is one join per row."""
    today = now.date()
    numbers = {name: F(f"health_numbers__{name}") for name in STORED}
    queryset = with_agreement(queryset).annotate(
        accepted_at=F("in_force__in_force_at"),
        agreement_version=F("in_force__version"),
        cadence=F("in_force__cadence"),
        every_weeks=F("in_force__every_weeks"),
        call_minutes=F("in_force__call_minutes"),
        method=F("in_force__method"),
        first_review_on=F("in_force__first_review_on"),
        agreement_ends_on=F("in_force__ends_on"),
        numbers_as_of=F("health_numbers__as_of"),
        calls_expected=Coalesce(numbers["calls_expected"], 0),
        calls_held=Coalesce(numbers["calls_held"], 0),
        homework_assigned=Coalesce(numbers["homework_assigned"], 0),
        homework_due=Coalesce(numbers["homework_due"], 0),
        homework_done=Coalesce(numbers["homework_done"], 0),
        rating_latest=numbers["rating_latest"],
        rating_previous=numbers["rating_previous"],
        rating_change=F("rating_latest") - F("rating_previous"),
        working=numbers["working"],
    )
    at_risk = (
        Q(calls_expected__gt=0, calls_held__lt=_share("calls_expected", AT_RISK_CALLS))
        | Q(homework_due__gte=HOMEWORK_MIN_DUE, homework_done__lt=_share("homework_due", AT_RISK_HOMEWORK))
        | Q(rating_change__lte=-RATING_DROP)
        | Q(working__lte=AT_RISK_WORKING)
    )
    thriving = (
        Q(calls_expected__gt=0, calls_held__gte=F("calls_expected"))
        & (Q(homework_due=0) | Q(homework_done__gte=_share("homework_due", THRIVING_HOMEWORK)))
        & (Q(rating_change__gt=0) | Q(working__gte=THRIVING_WORKING))
    )
    # The label as its rank (SEVERITY), so SQL writes the rule out once: a
    # string label referred to by a rank would repeat it once per label.
    return queryset.annotate(
        severity=Case(
            When(~Q(status__in=CURRENT_PAIR_STATUSES), then=Value(None)),
            When(
                cadence__isnull=True,
                then=Case(
                    When(
                        started_on__lt=today - datetime.timedelta(days=AGREEMENT_GRACE_DAYS),
                        then=Value(SEVERITY[Label.AT_RISK]),
                    ),
                    default=Value(SEVERITY[Label.ON_TRACK]),
                ),
            ),
            When(_quiet_for_stall(now), then=Value(SEVERITY[Label.STALLED])),
            When(at_risk, then=Value(SEVERITY[Label.AT_RISK])),
            When(thriving, then=Value(SEVERITY[Label.THRIVING])),
            default=Value(SEVERITY[Label.ON_TRACK]),
            output_field=IntegerField(),
        ),
    )


def label_of(severity: int | None) -> str:
    """The Label value of an ``annotate``d ``severity``; "" for a closed partnership."""
    return "" if severity is None else LABELS[severity]


@dataclass(frozen=True)
class Numbers:
    """The numbers of one partnership, as ``annotate`` adds them."""

    status: str
    has_agreement: bool
    started_on: datetime.date | None
    cadence_text: str
    calls_expected: int
    calls_held: int
    homework_assigned: int
    homework_due: int
    homework_done: int
    rating_latest: float | None
    rating_change: float | None
    working: int | None
    interval_days: int | None = None  # the agreed rhythm's nominal interval

    @classmethod
    def of(cls, partnership: WithHealth) -> "Numbers":
        p = partnership
        return cls(
            status=p.status,
            has_agreement=p.cadence is not None,
            started_on=p.started_on,
            cadence_text=cadence_text(p.cadence, p.every_weeks),
            calls_expected=p.calls_expected,
            calls_held=p.calls_held,
            homework_assigned=p.homework_assigned,
            homework_due=p.homework_due,
            homework_done=p.homework_done,
            rating_latest=p.rating_latest,
            rating_change=p.rating_change,
            working=p.working,
            interval_days=Rhythm(p.cadence, p.every_weeks).nominal_days if p.cadence else None,
        )


def cadence_text(cadence: str | None, every_weeks: int | None) -> str:
    return Rhythm(cadence, every_weeks).text if cadence else ""


def _lt(part: float, whole: float, fraction: tuple[int, int]) -> bool:
    n, d = fraction
    return part < whole * n / d


def _one_decimal(number: float) -> str:
    """The size of a change, one decimal, written as the reader's language writes numbers."""
    return formats.number_format(decimal.Decimal(f"{abs(number):.1f}"), 1)


def reason(label: str, numbers: Numbers) -> str:
    """Why the partnership has ``label`` (from ``annotate``), in words, from its numbers only."""
    n = numbers
    if not label:
        return pgettext("partnership health", "Closed.")
    if not n.has_agreement:
        if label == Label.AT_RISK:
            return ngettext(
                "Matched over %(days)s day ago and no agreement accepted yet.",
                "Matched over %(days)s days ago and no agreement accepted yet.",
                AGREEMENT_GRACE_DAYS,
            ) % {"days": AGREEMENT_GRACE_DAYS}
        return gettext("Newly matched: agreeing how they will work together.")
    if label == Label.STALLED:
        return gettext("No call held for over twice the agreed interval (%(cadence)s).") % {
            "cadence": n.cadence_text
        }
    calls = {"held": n.calls_held, "expected": n.calls_expected}
    homework = {"done": n.homework_done, "due": n.homework_due}
    facts: list[str] = []
    if label == Label.AT_RISK:
        if n.calls_expected and _lt(n.calls_held, n.calls_expected, AT_RISK_CALLS):
            facts.append(
                ngettext(
                    "only %(held)s of %(expected)s expected call held in 90 days",
                    "only %(held)s of %(expected)s expected calls held in 90 days",
                    n.calls_expected,
                )
                % calls
            )
        if n.homework_due >= HOMEWORK_MIN_DUE and _lt(n.homework_done, n.homework_due, AT_RISK_HOMEWORK):
            facts.append(gettext("%(done)s of %(due)s due homework done") % homework)
        if n.rating_change is not None and n.rating_change <= -RATING_DROP:
            facts.append(
                gettext("goal ratings down %(change)s since the last round")
                % {"change": _one_decimal(n.rating_change)}
            )
        if n.working is not None and n.working <= AT_RISK_WORKING:
            facts.append(gettext("“is it working?” answered %(working)s of 5") % {"working": n.working})
    else:
        if n.calls_expected:
            facts.append(
                ngettext(
                    "%(held)s of %(expected)s expected call held in 90 days",
                    "%(held)s of %(expected)s expected calls held in 90 days",
                    n.calls_expected,
                )
                % calls
            )
        else:
            facts.append(gettext("no call expected yet"))
        if n.homework_due:
            facts.append(gettext("%(done)s of %(due)s due homework done") % homework)
        if n.rating_change is not None:
            change = {"change": _one_decimal(n.rating_change)}
            if n.rating_change > 0:
                facts.append(gettext("goal ratings up %(change)s") % change)
            elif n.rating_change < 0:
                facts.append(gettext("goal ratings down %(change)s") % change)
            else:
                facts.append(gettext("goal ratings unchanged"))
        if n.working is not None:
            facts.append(gettext("“is it working?” %(working)s of 5") % {"working": n.working})
    if not facts:
        return gettext("Nothing to go on yet.")
    # The facts joined into one sentence, its first letter capitalised.
    joined = pgettext("between the facts of a health reason", "; ").join(facts)
    return pgettext("a health reason's facts", "%(facts)s.") % {"facts": joined[0].upper() + joined[1:]}


def trend(change: float | None) -> str:
    """A change of goal ratings in words, as far as one decimal shows it: "up 0.6",
    "down 5.1" (never "down -5.1"), "unchanged" (as a goal's own change is worded); "" when there is none yet."""
    if change is None:
        return ""
    shown = round(change, 1)
    if shown > 0:
        return pgettext("goal ratings trend", "up %(change)s") % {"change": _one_decimal(shown)}
    if shown < 0:
        return pgettext("goal ratings trend", "down %(change)s") % {"change": _one_decimal(shown)}
    return pgettext("goal ratings trend", "unchanged")


def trend_direction(change: float | None) -> str:
    """The direction ``trend`` words: "up", "down" or "steady"; "" when there is none yet."""
    if change is None:
        return ""
    shown = round(change, 1)
    return "up" if shown > 0 else "down" if shown < 0 else "steady"


def short_reason(label: str, numbers: Numbers) -> str:
    """Why the partnership has ``label``, as one short phrase for a row of the
    overview: the first fact of ``reason`` that decides the label."""
    n = numbers
    if not label:
        return pgettext("partnership health", "Closed")
    if not n.has_agreement:
        if label == Label.AT_RISK:
            return ngettext(
                "No agreement after %(days)s day", "No agreement after %(days)s days", AGREEMENT_GRACE_DAYS
            ) % {"days": AGREEMENT_GRACE_DAYS}
        return gettext("Agreeing how to work together")
    if label == Label.STALLED:
        if n.interval_days:
            weeks = int(n.interval_days * STALL_AFTER // 7)
            return ngettext("No call for over %(weeks)s week", "No call for over %(weeks)s weeks", weeks) % {
                "weeks": weeks
            }
        return gettext("No call for twice the agreed interval")
    calls = ngettext(
        "%(held)s of %(expected)s call held", "%(held)s of %(expected)s calls held", n.calls_expected
    ) % {"held": n.calls_held, "expected": n.calls_expected}
    if label == Label.AT_RISK:
        if n.calls_expected and _lt(n.calls_held, n.calls_expected, AT_RISK_CALLS):
            return calls
        if n.homework_due >= HOMEWORK_MIN_DUE and _lt(n.homework_done, n.homework_due, AT_RISK_HOMEWORK):
            return gettext("%(done)s of %(due)s homework done") % {
                "done": n.homework_done,
                "due": n.homework_due,
            }
        if n.rating_change is not None and n.rating_change <= -RATING_DROP:
            return gettext("Goal ratings %(trend)s") % {"trend": trend(n.rating_change)}
        if n.working is not None and n.working <= AT_RISK_WORKING:
            return gettext("“Is it working?” %(working)s of 5") % {"working": n.working}
        return gettext("Nothing to go on yet")
    if not n.calls_expected:
        return gettext("No call expected yet")
    return calls
