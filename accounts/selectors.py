"""Reads of a person's own settings, in declared shapes; they never write."""

import datetime
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mentoring.time_zones import zone_named

from .models import DEFAULT_WEEKLY_HOURS, DayAway, User, WeeklyHours


@dataclass(frozen=True)
class Availability:
    """When a person can take calls, on their own clock.

    ``weekly_hours`` maps a weekday (Monday=0 … Sunday=6, ``date.weekday()``)
    to the local (start, end) of its hours; a weekday missing is not available.
    ``days_away`` are inclusive local date ranges. ``is_default`` while the
    person has not set their hours (weekdays 09:00–17:00, ``DEFAULT_WEEKLY_HOURS``)."""

    tz: zoneinfo.ZoneInfo
    weekly_hours: Mapping[int, tuple[datetime.time, datetime.time]]
    days_away: tuple[tuple[datetime.date, datetime.date], ...] = ()
    is_default: bool = False

    def is_away(self, day: datetime.date) -> bool:
        """Whether the local ``day`` falls in one of the person's days away."""
        return any(first <= day <= last for first, last in self.days_away)


def availability_of(
    users: Sequence[User], *, away_from: datetime.date | None = None
) -> dict[int, Availability]:
    """Each person's ``Availability`` by user id, in two queries whatever their
    number. ``away_from``: leave out days away that ended before that day."""
    ids = [user.pk for user in users]
    hours: dict[int, dict[int, tuple[datetime.time, datetime.time]]] = {pk: {} for pk in ids}
    for row in WeeklyHours.objects.filter(user_id__in=ids).values_list(
        "user_id", "weekday", "starts_at", "ends_at"
    ):
        hours[row[0]][row[1]] = (row[2], row[3])
    away: dict[int, list[tuple[datetime.date, datetime.date]]] = {pk: [] for pk in ids}
    days = DayAway.objects.filter(user_id__in=ids)
    if away_from is not None:
        days = days.filter(last_day__gte=away_from)
    for user_id, first, last in days.order_by("first_day").values_list("user_id", "first_day", "last_day"):
        away[user_id].append((first, last))
    result = {}
    for user in users:
        is_default = user.availability_set_at is None
        result[user.pk] = Availability(
            tz=zone_named(user.time_zone),
            weekly_hours=dict(DEFAULT_WEEKLY_HOURS) if is_default else hours[user.pk],
            days_away=tuple(away[user.pk]),
            is_default=is_default,
        )
    return result
