"""Times to offer for a pair's next call: pure functions of the pair's rhythm,
each person's availability (``accounts.selectors.Availability``) and the moment
of asking; no database.

The window comes from the cadence the pair agreed (``partnerships.schedule``):
not before the earliest sensible day, not after the call counts as late. Inside
it, a call is offered only where it lies, on each person's own clock, inside
their weekly hours, on a day they are not away and outside their quiet hours
(``mentoring.time_zones``). Local times are converted through the real zones,
so a call at 09:00 in London stays 09:00 in London across a daylight-saving
change and moves in New York's terms (issue 19, "Scheduling without
back-and-forth" in the design)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.selectors import Availability
from mentoring.time_zones import QUIET_FROM, QUIET_UNTIL
from programs.rhythms import Rhythm

from .models.scheduling import OFFER_TIMES_MAX, OFFER_TIMES_MIN
from .schedule import expected_after, late_from

UTC = datetime.UTC
LEAD = datetime.timedelta(hours=12)  # no time offered sooner than this from now
STEP = datetime.timedelta(minutes=30)  # candidate starts, on the asker's local clock :00/:30
OVERDUE_DAYS = 7
BEYOND_DAYS = 14
# Second times on a day are at least this far from the day's first one.
SECOND_TIME_GAP = datetime.timedelta(hours=2)
DEFAULT_PREFERRED = datetime.time(10)
_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """When the next call may be: a call must start at or after ``starts_at``
    and end by ``ends_at`` (both aware, UTC)."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime  # a call must END by then
    expected_at: datetime.datetime | None  # the call the rhythm expects, if any
    overdue: bool = False


@dataclass(frozen=True)
class Found:
    """The times to offer and how far they had to give way."""

    times: list[datetime.datetime]  # aware UTC, sorted, may be empty
    fits_both: bool  # False: no time fitted both; these fit one side only (the picker's, else the asker's)
    in_window: bool  # False: nothing in the window; these are the nearest after it


def window_for(
    *, rhythm: Rhythm | None, anchor: datetime.datetime | None, tz: ZoneInfo, now: datetime.datetime
) -> Window:
    """The window the pair's cadence allows for their next call, asked at ``now``.

    With a rhythm and an anchor (the pair's last call, ``schedule.anchor_of``)
    the call is expected one step after the anchor (``schedule.expected_after``,
    in the pair's zone ``tz``). The window opens at 00:00 in ``tz`` of the day
    ``rhythm.grace_days`` before the expected day (issue 19: "not before the
    earliest sensible day"; the cadence's grace, ``Rhythm.grace_days``, either
    side of the expected day) and closes when the call would count as late
    (``schedule.late_from``; issue 19: "not after late"). It
    never opens sooner than ``LEAD`` from now (rounded up to the next ``STEP``),
    so nobody is offered a call in the next few hours.

    When that leaves less than a day (the pair is late already, or nearly),
    the window is overdue: the ``OVERDUE_DAYS`` days from now + ``LEAD``.
    Without a rhythm or an anchor (no agreement in force, not started) it is
    the ``2 * OVERDUE_DAYS`` days from now + ``LEAD``, with nothing expected."""
    earliest = _on_the_grid(now.astimezone(UTC) + LEAD)
    if rhythm is None or anchor is None:
        return Window(earliest, earliest + datetime.timedelta(days=OVERDUE_DAYS * 2), None)
    expected = expected_after(rhythm, anchor, tz)
    first_day = expected.astimezone(tz).date() - datetime.timedelta(days=rhythm.grace_days)
    opens = datetime.datetime.combine(first_day, datetime.time(0), tzinfo=tz).astimezone(UTC)
    starts_at = max(opens, earliest)
    ends_at = late_from(rhythm, expected, tz).astimezone(UTC)
    if ends_at - starts_at < _DAY:
        return Window(earliest, earliest + datetime.timedelta(days=OVERDUE_DAYS), expected, overdue=True)
    return Window(starts_at, ends_at, expected)


def _on_the_grid(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` rounded up to the next ``STEP`` (:00 or :30 UTC), so a window
    reads "from 10:30", not "from 10:31"."""
    step = int(STEP.total_seconds())
    seconds = -(-int(moment.timestamp()) // step) * step
    return datetime.datetime.fromtimestamp(seconds, UTC)


def _span(
    start: datetime.datetime, minutes: int, tz: ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """A call's start and end on the clock of ``tz``. The end is counted in real
    elapsed time (in UTC), then converted, so a change of the clocks is honoured."""
    start_utc = start.astimezone(UTC)
    return start_utc.astimezone(tz), (start_utc + datetime.timedelta(minutes=minutes)).astimezone(tz)


def _outside_quiet(local_start: datetime.datetime, local_end: datetime.datetime) -> bool:
    """Whether a call lies outside quiet hours (``QUIET_FROM``–``QUIET_UNTIL``) on
    one local day: it starts at or after 08:00 and ends at or before 21:00."""
    return (
        local_start.date() == local_end.date()
        and local_start.time() >= QUIET_UNTIL
        and local_end.time() <= QUIET_FROM
    )


def in_quiet_hours(start: datetime.datetime, minutes: int, tz: ZoneInfo) -> bool:
    """Whether a call of ``minutes`` from ``start`` (aware) reaches into quiet
    hours on the clock of ``tz``: the opposite of lying whole between 08:00 and
    21:00 of one local day."""
    return not _outside_quiet(*_span(start, minutes, tz))


def _fits_local(local_start: datetime.datetime, local_end: datetime.datetime, person: Availability) -> bool:
    if not _outside_quiet(local_start, local_end) or person.is_away(local_start.date()):
        return False
    hours = person.weekly_hours.get(local_start.weekday())
    return hours is not None and hours[0] <= local_start.time() and local_end.time() <= hours[1]


def fits(start: datetime.datetime, minutes: int, person: Availability) -> bool:
    """Whether a call of ``minutes`` from ``start`` (aware) suits ``person``.

    The whole call, on the person's own clock (``person.tz``), lies inside
    their weekly hours of that local weekday (``Availability.weekly_hours``;
    a call never runs across local midnight), on a day they are not away
    (``Availability.is_away``, inclusive local dates), and outside their quiet
    hours (``mentoring.time_zones``: it starts at or after ``QUIET_UNTIL``,
    08:00, and ends at or before ``QUIET_FROM``, 21:00). A call may end exactly
    when the hours end."""
    local_start, local_end = _span(start, minutes, person.tz)
    return _fits_local(local_start, local_end, person)


@dataclass(frozen=True)
class _Candidate:
    at: datetime.datetime  # UTC
    day: datetime.date  # the asker's local date
    wall: int  # the asker's local wall time, in minutes after midnight
    fits_asker: bool
    asker_free: bool  # outside the asker's quiet hours and days away
    fits_picker: bool
    picker_free: bool  # outside the picker's quiet hours (their days away aside)


def _candidates(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    minutes: int,
    asker: Availability,
    picker: Availability,
) -> Iterator[_Candidate]:
    """Every call of ``minutes`` between ``starts_at`` and ``ends_at`` that starts
    on the asker's :00/:30 grid outside their quiet hours (only those can ever be
    offered), with whether it fits each person; one zone conversion per person."""
    length = datetime.timedelta(minutes=minutes)
    day = starts_at.astimezone(asker.tz).date()
    last_day = ends_at.astimezone(asker.tz).date()
    quiet_until = QUIET_UNTIL.hour * 60 + QUIET_UNTIL.minute
    quiet_from = QUIET_FROM.hour * 60 + QUIET_FROM.minute
    step = int(STEP.total_seconds() // 60)
    while day <= last_day:
        for wall in range(quiet_until, quiet_from - minutes + 1, step):
            naive = datetime.datetime.combine(day, datetime.time(wall // 60, wall % 60))
            at = naive.replace(tzinfo=asker.tz).astimezone(UTC)
            local = at.astimezone(asker.tz)
            if local.replace(tzinfo=None) != naive:
                continue  # a wall time the clocks skip
            if at < starts_at or at + length > ends_at:
                continue
            local_end = (at + length).astimezone(asker.tz)
            picker_start, picker_end = _span(at, minutes, picker.tz)
            yield _Candidate(
                at=at,
                day=day,
                wall=wall,
                fits_asker=_fits_local(local, local_end, asker),
                asker_free=_outside_quiet(local, local_end) and not asker.is_away(day),
                fits_picker=_fits_local(picker_start, picker_end, picker),
                picker_free=_outside_quiet(picker_start, picker_end),
            )
        day += _DAY


def _choose(
    found: list[_Candidate],
    *,
    preferred: int,
    expected_day: datetime.date | None,
    limit: int,
    minimum: int,
) -> list[datetime.datetime]:
    """One time a day, the one closest to ``preferred`` (the asker's local wall
    time, minutes after midnight); if more days than ``limit`` qualify, the
    ``limit`` days closest to ``expected_day`` (the earliest days without one);
    if fewer than ``minimum``, second times at least ``SECOND_TIME_GAP`` from
    the day's first until ``minimum`` is reached or none are left."""
    by_day: dict[datetime.date, list[_Candidate]] = {}
    for candidate in found:
        by_day.setdefault(candidate.day, []).append(candidate)

    def closest(options: list[_Candidate]) -> _Candidate:
        return min(options, key=lambda c: (abs(c.wall - preferred), c.wall))

    days = sorted(by_day)
    if len(days) > limit:
        if expected_day is not None:
            days = sorted(days, key=lambda d: (abs((d - expected_day).days), d))
        days = sorted(days[:limit])
    firsts = {day: closest(by_day[day]) for day in days}
    times = [firsts[day].at for day in days]
    for day in days:
        if len(times) >= min(minimum, limit):
            break
        first = firsts[day].at
        seconds = [c for c in by_day[day] if abs(c.at - first) >= SECOND_TIME_GAP]
        if seconds:
            times.append(closest(seconds).at)
    return sorted(times)


def find_times(
    *,
    window: Window,
    minutes: int,
    asker: Availability,
    picker: Availability,
    preferred: datetime.time | None = None,
    limit: int = OFFER_TIMES_MAX,
    minimum: int = OFFER_TIMES_MIN,
) -> Found:
    """The times the asker offers the picker for a call of ``minutes``: from
    three to five (``OFFER_TIMES_MIN``/``OFFER_TIMES_MAX``, the issue's "three
    to five slots … spread over different days").

    Candidates start every ``STEP`` on the asker's local clock (:00 and :30;
    a zone such as Asia/Kolkata, +05:30, is on the other's half hours). Each
    offered call lies whole inside the window and, in this order of giving way:

    1. fits both people (``fits``): ``Found(times, fits_both=True, in_window=True)``;
    2. else fits both in the ``BEYOND_DAYS`` days after the window, the nearest
       first (``in_window=False``);
    3. else fits the picker only, in the window, then beyond it
       (``fits_both=False``; the issue: "no overlap makes the product say so
       and offer the nearest times that fit one side"). Nobody's quiet hours
       are given up, and the asker is not offered a day they are away;
    4. else fits the asker only, in the window, then beyond it
       (``fits_both=False``): the picker has no hours in all that time, or is
       away for all of it. Still outside both people's quiet hours.

    One time a day (the asker's local date), the one closest to ``preferred``
    (the asker's wall time, 10:00 unless given); if more days qualify than
    ``limit``, the days closest to the expected day (``window.expected_at``;
    the earliest without one). If fewer than ``minimum`` days qualify, second
    times on those days, at least two hours from the first. Nothing at all:
    ``Found([], fits_both=False, in_window=False)``."""
    wall = DEFAULT_PREFERRED if preferred is None else preferred
    preferred_minutes = wall.hour * 60 + wall.minute
    expected_day = window.expected_at.astimezone(asker.tz).date() if window.expected_at else None
    beyond_ends = window.ends_at + datetime.timedelta(days=BEYOND_DAYS)
    inside = list(_candidates(window.starts_at, window.ends_at, minutes, asker, picker))

    def pick(found: list[_Candidate], day: datetime.date | None) -> list[datetime.datetime]:
        return _choose(found, preferred=preferred_minutes, expected_day=day, limit=limit, minimum=minimum)

    both_inside = [c for c in inside if c.fits_asker and c.fits_picker]
    if both_inside:
        return Found(pick(both_inside, expected_day), fits_both=True, in_window=True)
    after = list(_candidates(window.ends_at, beyond_ends, minutes, asker, picker))
    both_after = [c for c in after if c.fits_asker and c.fits_picker]
    if both_after:
        return Found(pick(both_after, None), fits_both=True, in_window=False)
    picker_inside = [c for c in inside if c.fits_picker and c.asker_free]
    if picker_inside:
        return Found(pick(picker_inside, expected_day), fits_both=False, in_window=True)
    picker_after = [c for c in after if c.fits_picker and c.asker_free]
    if picker_after:
        return Found(pick(picker_after, None), fits_both=False, in_window=False)
    asker_inside = [c for c in inside if c.fits_asker and c.picker_free]
    if asker_inside:
        return Found(pick(asker_inside, expected_day), fits_both=False, in_window=True)
    asker_after = [c for c in after if c.fits_asker and c.picker_free]
    return Found(pick(asker_after, None), fits_both=False, in_window=False)
