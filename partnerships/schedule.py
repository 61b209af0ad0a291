"""A pair's rhythm: when calls are expected under their agreement, and what
"late" means for their cadence. Pure functions of dates, no database.

Calls keep their local time: a weekly call at 17:00 in London stays at 17:00
after the clocks change (so it moves by an hour in UTC). Every step is counted
from one anchor call, never from the previous step, so month ends do not make
the series drift: monthly from 31 January is 28 (or 29) February, then 31 March;
twice a month from 31 January is on the 16th and the last day of each month.

Times go in and come out as aware datetimes; the zone that keeps local time is
passed alongside (a ``zoneinfo.ZoneInfo``)."""

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import overload

from dateutil.relativedelta import relativedelta

from programs.models import Cadence
from programs.rhythms import Rhythm


def _local(moment: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("schedule times must be aware datetimes")
    return moment.astimezone(tz)


def _aware(local_date: datetime.date, wall: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """That local date and wall-clock time in ``tz``, in UTC. A time skipped by
    the clocks going forward lands an hour later (zoneinfo's fold=0); a time
    that happens twice when they go back is the first of the two."""
    local = datetime.datetime.combine(local_date, wall, tzinfo=tz)
    return local.astimezone(datetime.UTC)


def _twice_a_month_day(anchor: datetime.date, k: int) -> datetime.date:
    """The k-th call after ``anchor`` when meeting twice a month: on two days of
    every month, half a month apart, the later one moved to the month's last
    day when the month is shorter (the 15th and 30th become the 15th and 28th
    in February, and 30th again in March)."""
    first_day = anchor.day if anchor.day <= 15 else anchor.day - 15  # 1..16
    slot = (0 if anchor.day <= 15 else 1) + k
    month = datetime.date(anchor.year, anchor.month, 1) + relativedelta(months=slot // 2)
    day = first_day if slot % 2 == 0 else first_day + 15
    last_day = (month + relativedelta(months=1) - datetime.timedelta(days=1)).day
    return month.replace(day=min(day, last_day))


def step(rhythm: Rhythm, anchor: datetime.datetime, k: int, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The k-th expected call after the call at ``anchor`` (k=0 is the anchor
    itself), at the anchor's local time in ``tz``."""
    if k < 0:
        raise ValueError("k counts calls after the anchor")
    local = _local(anchor, tz)
    day, wall = local.date(), local.time().replace(tzinfo=None, fold=0)
    if rhythm.weeks:
        day = day + datetime.timedelta(weeks=rhythm.weeks * k)
    elif rhythm.cadence == Cadence.MONTHLY:
        day = day + relativedelta(months=k)  # 31 January + 1 month = 28/29 February
    else:
        day = _twice_a_month_day(day, k)
    return _aware(day, wall, tz)


def expected_after(rhythm: Rhythm, last_call: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """When the call after ``last_call`` is expected."""
    return step(rhythm, last_call, 1, tz)


def late_from(rhythm: Rhythm, expected: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """From when an expected call that has not happened counts as late: the
    end of the grace days after its expected day, in local time."""
    local = _local(expected, tz)
    last_day = local.date() + datetime.timedelta(days=rhythm.grace_days)
    return _aware(last_day + datetime.timedelta(days=1), datetime.time(0), tz)


def upcoming(
    rhythm: Rhythm,
    anchor: datetime.datetime,
    tz: zoneinfo.ZoneInfo,
    *,
    after: datetime.datetime,
    until: datetime.datetime,
    limit: int,
) -> list[datetime.datetime]:
    """Up to ``limit`` expected calls of the series through ``anchor`` that fall
    after ``after`` and no later than ``until``."""
    calls: list[datetime.datetime] = []
    k = 1
    while len(calls) < limit:
        call = step(rhythm, anchor, k, tz)
        if call > until:
            break
        if call > after:
            calls.append(call)
        k += 1
    return calls


def _last_call(
    last_call_at: datetime.datetime | None, next_call_at: datetime.datetime | None, now: datetime.datetime
) -> datetime.datetime | None:
    """The pair's last call: the later of the logged one and a set one whose
    time has passed (it counts as held until the call log says otherwise)."""
    known = [t for t in (last_call_at, next_call_at if next_call_at and next_call_at <= now else None) if t]
    return max(known, default=None)


@overload
def anchor_of(
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date,
    now: datetime.datetime,
) -> datetime.datetime: ...
@overload
def anchor_of(
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date | None,
    now: datetime.datetime,
) -> datetime.datetime | None: ...
def anchor_of(
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date | None,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """The call the expected calls are counted from at ``now``: the pair's last
    call (the logged one, or a set one whose time has passed), or before any,
    noon UTC of the day the partnership started; None before it has started.
    The one rule of the pair's pages (``next_call``), the calendar feed, health
    and the reminders (their SQL twin: ``reminders.rules.common.since_last_call``)."""
    last = _last_call(last_call_at, next_call_at, now)
    if last is not None or started_on is None:
        return last
    return datetime.datetime.combine(started_on, datetime.time(12), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class NextCall:
    """The pair's next call as their home pages show it."""

    at: datetime.datetime
    is_set: bool  # a date and time the pair set; otherwise expected from the agreement
    late_from: datetime.datetime | None  # only for an expected call
    last_call: datetime.datetime | None  # the call it is counted from, if any
    # The call counted from is a set time that has passed, not a finished log
    # (it counts as held until the log says otherwise; it is not "your last call").
    last_call_unlogged: bool = False
    tz: zoneinfo.ZoneInfo | None = (
        None  # the pair's zone (``agreements.schedule_zone``), for an expected call
    )

    @property
    def expected_on(self) -> datetime.date:
        """The day the call is expected, in the pair's zone: the same words for
        both sides, wherever each lives."""
        return self.at.astimezone(self.tz).date() if self.tz else self.at.date()

    @property
    def late_on(self) -> datetime.date | None:
        """The first day an expected call counts as late, in the pair's zone
        (``late_from`` is the start of that day there)."""
        if self.late_from is None:
            return None
        return self.late_from.astimezone(self.tz).date() if self.tz else self.late_from.date()

    @property
    def zone_key(self) -> str:
        """The pair's zone's IANA name ("" without one)."""
        return str(self.tz) if self.tz else ""

    @property
    def zone_name(self) -> str:
        """The pair's zone as people read it ("America/New_York" reads "America/New York")."""
        return str(self.tz).replace("_", " ") if self.tz else ""

    def is_late(self, now: datetime.datetime) -> bool:
        return self.late_from is not None and now >= self.late_from


def next_call(
    *,
    rhythm: Rhythm | None,
    set_at: datetime.datetime | None,
    last_call_at: datetime.datetime | None,
    started_on: datetime.date | None,
    tz: zoneinfo.ZoneInfo,
    now: datetime.datetime,
) -> NextCall | None:
    """The next call: the one the pair set, while it is ahead; otherwise the
    call expected one step after ``anchor_of`` (the last call, or the day the
    partnership started: pass ``started_on`` only once it is active). None when
    there is nothing to count from yet: no set call and no agreement in force."""
    if set_at is not None and set_at > now:
        return NextCall(at=set_at, is_set=True, late_from=None, last_call=last_call_at)
    if rhythm is None:
        return None
    anchor = anchor_of(last_call_at, set_at, started_on, now)
    if anchor is None:
        return None
    expected = expected_after(rhythm, anchor, tz)
    last = _last_call(last_call_at, set_at, now)
    return NextCall(
        at=expected,
        is_set=False,
        late_from=late_from(rhythm, expected, tz),
        last_call=last,
        last_call_unlogged=last is not None and last != last_call_at,
        tz=tz,
    )
