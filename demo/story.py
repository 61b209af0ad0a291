"""The dates of the demo's one story, counted from the day ``seed_demo`` runs.

Every dated row the demo writes takes its date from here, so that the pages
agree with each other: the program began before anyone joined it, people
joined before they were matched, a pair was matched a week before its first
call and agreed how to work at that call; calls, homework, ratings and
reminders follow in that order, and nothing is dated after today but what is
planned. Run on the same day, the story is the same.

The demo pair (Morgan Mentor and Priya Protégé) meets every other Tuesday at
17:00 London time. Their last call was 7 to 13 days ago and its log is still a
draft, so their next call is 1 to 7 days ahead. Morgan's second protégé, Kwame
Asante, last met him on a Thursday five weeks ago, on a two-week rhythm."""

import datetime
import zoneinfo
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

LONDON = zoneinfo.ZoneInfo("Europe/London")
CALL_TIME = datetime.time(17)  # the demo pair's calls, London time
QUIET_CALL_TIME = datetime.time(16)  # the second pair's
TUESDAY, THURSDAY = 1, 3
FORTNIGHT = datetime.timedelta(weeks=2)
DAY = datetime.timedelta(days=1)
LOGGED_CALLS = 8  # the demo pair's finished logs, a fortnight apart, before the draft
QUIET_CALLS = 4  # the second pair's
ENGAGEMENT = relativedelta(months=6)


def at(
    day: datetime.date, wall: datetime.time = CALL_TIME, tz: zoneinfo.ZoneInfo = LONDON
) -> datetime.datetime:
    """That wall-clock time on that day in ``tz`` (London by default), as an aware datetime."""
    return datetime.datetime.combine(day, wall, tzinfo=tz)


@dataclass(frozen=True)
class Story:
    """The story's dates, for a given ``today``."""

    today: datetime.date

    # --- the demo pair ---

    @property
    def draft_call_day(self) -> datetime.date:
        """The Tuesday 7 to 13 days ago: the demo pair's last call, whose log is a draft."""
        return self.today - datetime.timedelta(days=(self.today.weekday() - TUESDAY) % 7 + 7)

    @property
    def call_days(self) -> list[datetime.date]:
        """The demo pair's logged calls, first to last, a fortnight apart."""
        return [self.draft_call_day - FORTNIGHT * k for k in range(LOGGED_CALLS, 0, -1)]

    @property
    def next_call_day(self) -> datetime.date:
        """The demo pair's next call, a fortnight after the last: 1 to 7 days ahead."""
        return self.draft_call_day + FORTNIGHT

    @property
    def started_on(self) -> datetime.date:
        """The demo pair's first call, where they agreed how to work together: about four months ago."""
        return self.call_days[0]

    @property
    def matched_on(self) -> datetime.date:
        return self.started_on - datetime.timedelta(weeks=1)

    @property
    def ends_on(self) -> datetime.date:
        return self.started_on + ENGAGEMENT

    # --- the program ---

    @property
    def program_starts_on(self) -> datetime.date:
        """Three weeks before the demo pair's first call: time to join and be matched."""
        return self.started_on - datetime.timedelta(weeks=3)

    @property
    def program_ends_on(self) -> datetime.date:
        return self.program_starts_on + relativedelta(years=1) - DAY

    def joined_at(self, index: int) -> datetime.datetime:
        """When the ``index``-th participant joined: in the program's first week."""
        return at(self.program_starts_on + datetime.timedelta(days=index % 7), datetime.time(9 + index % 8))

    # --- the mentor's second protégé, whose calls stopped ---

    @property
    def quiet_last_call_day(self) -> datetime.date:
        """A Thursday 33 to 39 days ago: about five weeks without a call on a two-week rhythm."""
        return self.draft_call_day - datetime.timedelta(days=26)

    @property
    def quiet_call_days(self) -> list[datetime.date]:
        return [self.quiet_last_call_day - FORTNIGHT * k for k in range(QUIET_CALLS - 1, -1, -1)]

    @property
    def quiet_started_on(self) -> datetime.date:
        return self.quiet_call_days[0]


def the_story(today: datetime.date | None = None) -> Story:
    """The story for ``today`` (by default, today in the server's time zone)."""
    return Story(today or timezone.localdate())
