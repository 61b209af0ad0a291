"""Reads for a person's calendar link. (The feed itself lists the calls held
beside the calls expected, so the home app reads it: ``home.selectors.calendar_of``.)"""

from partnerships.models import CalendarFeed


def calendar_feed_of(user) -> CalendarFeed | None:
    """The person's calendar link, if they have made one. One query."""
    return CalendarFeed.objects.filter(user=user).first()
