"""When a reminder may reach a person: never in their quiet hours (21:00 to
08:00 on their own clock), whatever the daylight-saving state of their zone."""

import datetime
import functools
import zoneinfo

QUIET_FROM = datetime.time(21)
QUIET_UNTIL = datetime.time(8)


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The person's time zone; UTC when it is unknown."""
    return _zone(user.time_zone or "UTC")


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    # ZoneInfo keeps only the last few zones it was asked for: a scan over
    # people in a dozen zones read their files from disk hundreds of times.
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


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
