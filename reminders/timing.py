"""When a reminder may reach a person: never in their quiet hours (21:00 to
08:00 on their own clock), whatever the daylight-saving state of their zone."""

import datetime
import zoneinfo

from mentoring.time_zones import QUIET_FROM, QUIET_UNTIL

__all__ = ["QUIET_FROM", "QUIET_UNTIL", "at_local", "check_in_fits", "day_before", "outside_quiet_hours"]


def at_local(day: datetime.date, wall: datetime.time, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """That wall-clock time on that local day in ``tz``, as an aware UTC datetime."""
    return datetime.datetime.combine(day, wall, tzinfo=tz).astimezone(datetime.UTC)


def outside_quiet_hours(moment: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """``moment``, or 08:00 local on the morning after it when it falls in the
    quiet hours. Computed on the local clock, so 08:00 stays 08:00 on the day
    the clocks change (the UTC offset of that morning, not of ``moment``)."""
    local = moment.astimezone(tz)
    if local.time() >= QUIET_FROM:
        return at_local(local.date() + datetime.timedelta(days=1), QUIET_UNTIL, tz)
    if local.time() < QUIET_UNTIL:
        return at_local(local.date(), QUIET_UNTIL, tz)
    return moment


def day_before(call: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The call's wall-clock time on the day before, on ``tz``'s clock: 25 or
    23 hours before it across a change of the clocks, never "call − 24 h"."""
    local = call.astimezone(tz)
    return at_local(local.date() - datetime.timedelta(days=1), local.time().replace(tzinfo=None, fold=0), tz)


def check_in_fits(object_key: str, call: datetime.datetime, moment: datetime.datetime, tz) -> bool:
    """Whether a check-in about ``call`` may reach a person in ``tz`` at
    ``moment``: before the call, and on the day it speaks of: the day-before
    one ("tomorrow") on an earlier day than the call's, the morning one
    ("today") on the call's day. So on one day a person gets at most one
    check-in per call, and none says "tomorrow" on the day itself."""
    if moment >= call:
        return False
    day, call_day = moment.astimezone(tz).date(), call.astimezone(tz).date()
    if object_key == "day_before":
        return day < call_day
    if object_key == "morning":
        return day == call_day
    return True
