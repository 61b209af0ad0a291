"""A person's or a pair's time zone by name, with one fallback: the site's
zone (``TIME_ZONE``, UTC) when the name is empty or unknown."""

import datetime
import functools
import zoneinfo

from django.conf import settings

# A person's quiet hours, on their own clock: no reminder reaches them and no
# call is offered to them from 21:00 to 08:00 (``reminders.timing``,
# ``partnerships.slots``).
QUIET_FROM = datetime.time(21)
QUIET_UNTIL = datetime.time(8)


@functools.lru_cache(maxsize=1024)
def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that IANA name; the site's zone (UTC) when it is empty or unknown.
    Cached: ZoneInfo keeps only the last few zones it was asked for, and a scan
    over people in a dozen zones read their files from disk hundreds of times."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The person's zone (``User.time_zone``); the site's for a signed-out visitor."""
    return zone_named(getattr(user, "time_zone", ""))
