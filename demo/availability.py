"""The demo pair's availability for calls (issue 19): Morgan in London and
Priya in New York keep weekly hours that overlap in London's afternoon, and
Priya is away for two days of the coming week, so the times offered for their
next call skip them. Everyone else keeps the default (weekdays 09:00–17:00)."""

import datetime

from accounts.models import User
from accounts.services import availability_save, day_away_add

from .story import Story

H = datetime.time
HOURS = {
    # Monday to Thursday afternoons into the early evening; Friday mornings.
    "mentor@example.com": {**{day: (H(10), H(18, 30)) for day in range(4)}, 4: (H(9), H(13))},
    # Weekdays from 08:30, New York time: London's 13:30 onwards in winter.
    "protege@example.com": {day: (H(8, 30), H(17)) for day in range(5)},
}
AWAY = {"protege@example.com": (5, 6, "Team offsite")}  # days from today, on her own calendar


def seed_availability(*, story: Story) -> None:
    """Sets the demo pair's weekly hours and days away once: a person whose
    hours are set already is left as they are."""
    for email, hours in HOURS.items():
        user = User.objects.get(email=email)
        if user.availability_set_at is not None:
            continue
        availability_save(user=user, hours=hours)
        if email in AWAY:
            first, last, note = AWAY[email]
            day_away_add(
                user=user,
                first_day=story.today + datetime.timedelta(days=first),
                last_day=story.today + datetime.timedelta(days=last),
                note=note,
            )
