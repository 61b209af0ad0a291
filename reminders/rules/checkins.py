"""Check-ins: before each set call (the day before, and the morning of it), and
before the call a pair's agreement expects when none is set."""

import datetime
from collections.abc import Iterator

from django.db.models import Case, DateTimeField, Exists, F, FilteredRelation, OuterRef, Q, Value, When

from mentoring.time_zones import zone_named, zone_of
from partnerships import schedule
from partnerships.models import Agreement, Partnership
from partnerships.schedule import anchor_of
from programs.models import Cadence
from programs.rhythms import Rhythm

from ..models import Kind, Reminder
from ..timing import QUIET_UNTIL, at_local, day_before
from .common import Decision, Recipient, readable, since_last_call

CHECK_IN_AHEAD = datetime.timedelta(days=1)
# How far ahead a call is looked at: "the day before" is on the recipient's
# clock, 25 hours before the call across a change of the clocks.
CHECK_IN_WINDOW = CHECK_IN_AHEAD + datetime.timedelta(hours=2)


# --- a day before each planned call, and the morning of it ---------------------


def check_in(now: datetime.datetime) -> Iterator[Decision]:
    """To both people of an active pair whose set call is within a day: one
    at the call's time on the day before on their own clock ("day_before"),
    and one at 08:00 on the day of the call if that is before the call
    ("morning"). Both are decided as soon as the call is about a day away and
    wait in the ledger until their time; the scan keeps only those that fit
    ``timing.check_in_fits`` (the day before must reach them on the day before)."""
    decided = Reminder.objects.filter(
        kind=Kind.CHECK_IN, partnership=OuterRef("pk"), due_at=OuterRef("next_call_at")
    )
    calls = (
        # Uses the partial index reminders_partnership_next_call (migration 0002).
        # Plain values, not model instances: at 5 % of 100,000 pairs, building
        # five objects per pair was a good part of the scan's budget.
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE, next_call_at__gt=now, next_call_at__lte=now + CHECK_IN_WINDOW
        )
        .exclude(Exists(decided))
        .order_by()
        .values_list(
            "pk",
            "next_call_at",
            "mentor__user_id",
            "mentor__user__time_zone",
            "protege__user_id",
            "protege__user__time_zone",
        )
    )
    for partnership_id, call, mentor_id, mentor_zone, protege_id, protege_zone in calls:
        if call is None:  # never: the filter above keeps set calls only
            continue
        for person in (Recipient(mentor_id, mentor_zone), Recipient(protege_id, protege_zone)):
            tz = zone_of(person)
            call_day = call.astimezone(tz).date()
            yield Decision(Kind.CHECK_IN, partnership_id, "day_before", call, person, day_before(call, tz))
            morning = at_local(call_day, QUIET_UNTIL, tz)
            if morning < call:
                yield Decision(Kind.CHECK_IN, partnership_id, "morning", call, person, morning)


# --- before a call the agreement expects, when none is set ---------------------

# How far apart two calls of the calendar-month cadences can be
# (partnerships.schedule.step); the others are their weeks apart.
_GAPS: dict[str, tuple[int, int]] = {
    Cadence.TWICE_A_MONTH: (12, 17),
    Cadence.MONTHLY: (28, 31),
}
# Either side of a gap, for a change of the clocks.
_CLOCKS = datetime.timedelta(hours=2)


def _expected_bounds(now: datetime.datetime) -> tuple[Case, Case]:
    """For an outer Partnership annotated with ``cadence`` and ``every_weeks``:
    the range of anchors whose next expected call can fall in (now, now +
    CHECK_IN_WINDOW], one constant pair per rhythm."""
    lower, upper = [], []
    for rhythm in Rhythm.every():
        weeks = rhythm.weeks
        shortest, longest = (7 * weeks, 7 * weeks) if weeks else _GAPS[rhythm.cadence]
        condition = rhythm.matches()
        lower.append(When(condition, then=Value(now - datetime.timedelta(days=longest) - _CLOCKS)))
        upper.append(
            When(condition, then=Value(now + CHECK_IN_WINDOW - datetime.timedelta(days=shortest) + _CLOCKS))
        )
    return Case(*lower, output_field=DateTimeField()), Case(*upper, output_field=DateTimeField())


def expected_call(
    cadence: str,
    every_weeks: int | None,
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date,
    zone: str,
    now: datetime.datetime,
) -> datetime.datetime:
    """The call the agreement expects next when none is set ahead: one step
    of its rhythm after ``anchor_of``, at that call's local time in the pair's
    zone (partnerships.schedule.next_call, as the pair's pages show it)."""
    tz = zone_named(zone)
    anchor = anchor_of(last_call_at, next_call_at, started_on, now)
    return schedule.expected_after(Rhythm(cadence, every_weeks), anchor, tz)


def expected_check_in(now: datetime.datetime) -> Iterator[Decision]:
    """To both people of an active pair with an agreement in force and no call
    set ahead, before the call their agreement expects ("expected"): one, at
    that call's time on the day before on their clock. SQL keeps the pairs
    whose anchor puts the expected call within about a day (per rhythm, as the
    nudge rule does) and not yet reminded of it; ``expected_call`` decides."""
    reminded = Reminder.objects.filter(
        kind=Kind.CHECK_IN, partnership=OuterRef("pk"), object_key="expected", due_at__gt=OuterRef("anchor")
    )
    lower, upper = _expected_bounds(now)
    pairs = (
        Partnership.objects.annotate(
            in_force=FilteredRelation(
                "agreements", condition=Q(agreements__status=Agreement.Status.IN_FORCE)
            ),
        )
        .filter(status=Partnership.Status.ACTIVE, started_on__isnull=False, in_force__isnull=False)
        .filter(Q(next_call_at__isnull=True) | Q(next_call_at__lte=now))
        .annotate(
            cadence=F("in_force__cadence"),
            every_weeks=F("in_force__every_weeks"),
            anchor=since_last_call(now),
        )
        .filter(anchor__gt=lower, anchor__lte=upper)
        .exclude(Exists(reminded))
        .annotate(held_call=readable("last_call_at"), set_call=readable("next_call_at"))
        .order_by()
        .values_list(
            "pk",
            "cadence",
            "every_weeks",
            "held_call",
            "set_call",
            "started_on",
            "next_call_time_zone",
            "mentor__user_id",
            "mentor__user__time_zone",
            "protege__user_id",
            "protege__user__time_zone",
        )
    )
    for pk, cadence, every_weeks, held, set_at, started_on, zone, mentor, m_zone, protege, p_zone in pairs:
        if started_on is None:  # never: the filter above keeps started pairs only
            continue
        call = expected_call(cadence, every_weeks, held, set_at, started_on, zone, now)
        if not now < call <= now + CHECK_IN_WINDOW:
            continue
        for person in (Recipient(mentor, m_zone), Recipient(protege, p_zone)):
            yield Decision(Kind.CHECK_IN, pk, "expected", call, person, day_before(call, zone_of(person)))
