"""Each person's upcoming calls as an iCalendar feed (RFC 5545) that Google
Calendar, Outlook and Apple Calendar subscribe to by a private link.

The feed holds, for every current partnership of the person, the next call the
pair set (confirmed) and the calls their agreement expects after it
(tentative), in the person's time zone, each with the call's structure. A call
keeps its UID from one refresh to the next, so calendars update it in place."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import schedule
from .agreements import schedule_zone
from .models import Agreement, CalendarFeed, Partnership

EXPECTED_CALLS_SHOWN = 3  # after the set call, per partnership
HORIZON = datetime.timedelta(days=120)
PRODID = "-//Mentoring//Partnership calls//EN"


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Gives ``user`` a new private calendar link (creating their first one);
    the old link stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": CalendarFeed.new_token()}
    )
    if not created:
        feed.token = CalendarFeed.new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("partnerships:calendar_feed", args=[feed.token])


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _description(partnership: Partnership, agreement: Agreement | None, *, is_set: bool, link: str) -> str:
    lines = []
    if not is_set:
        lines.append(
            "Expected from your agreement; the time is not set yet. Set it on your partnership page."
        )
    if agreement is not None:
        lines.append(f"{agreement.call_minutes} minutes, {agreement.get_method_display().lower()}:")
        lines += [f"- {minutes} min: {label}" for label, minutes in agreement.time_boxes]
        owner = "the protégé" if agreement.agenda_owner == "protege" else "the mentor"
        lines.append(f"The agenda is owned by {owner}.")
    lines.append(f"Partnership page: {link}")
    return "\n".join(lines)


def _event(*, uid, start, minutes, summary, description, url, confirmed, stamp, tz) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", (start + datetime.timedelta(minutes=minutes)).astimezone(tz))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
    event.add("transp", "OPAQUE" if confirmed else "TRANSPARENT")
    return event


def _uid(partnership: Partnership, start: datetime.datetime) -> str:
    # One call per pair per day: the same call keeps its UID whatever its time that day.
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "mentoring"
    return f"partnership-{partnership.pk}-call-{start.astimezone(datetime.UTC):%Y%m%d}@{host}"


def calendar_for(user, partnerships: list[Partnership], *, now: datetime.datetime | None = None) -> bytes:
    """The iCalendar text of ``user``'s upcoming calls. ``partnerships`` are
    their current partnerships, each with ``in_force`` (Agreement or None)."""
    now = now or timezone.now()
    tz = _zone(user.time_zone)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Mentoring calls")
    cal.add("x-wr-timezone", tz.key)
    site = settings.SITE_URL.rstrip("/")
    for partnership in partnerships:
        agreement = partnership.in_force
        other = partnership.protege if partnership.mentor.user_id == user.pk else partnership.mentor
        link = site + reverse("partnerships:partnership_home", args=[partnership.pk])
        minutes = agreement.call_minutes if agreement else partnership.program.default_call_minutes
        stamp = partnership.updated_at
        calls: list[tuple[datetime.datetime, bool]] = []
        if partnership.next_call_at and partnership.next_call_at > now:
            calls.append((partnership.next_call_at, True))
            if agreement is not None:
                end = partnership.planned_end_on
                until = now + HORIZON
                if end:
                    until = min(until, datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC))
                calls += [
                    (at, False)
                    for at in schedule.upcoming(
                        schedule.Rhythm.of(agreement),
                        partnership.next_call_at,
                        schedule_zone(partnership),
                        after=now,
                        until=until,
                        limit=EXPECTED_CALLS_SHOWN,
                    )
                ]
        for start, confirmed in calls:
            summary = f"Mentoring call with {other.user.name}"
            cal.add_component(
                _event(
                    uid=_uid(partnership, start),
                    start=start,
                    minutes=minutes,
                    summary=summary if confirmed else f"{summary} (expected)",
                    description=_description(partnership, agreement, is_set=confirmed, link=link),
                    url=link,
                    confirmed=confirmed,
                    stamp=stamp,
                    tz=tz,
                )
            )
    cal.add_missing_timezones(
        first_date=(now - datetime.timedelta(days=31)).date(), last_date=(now + HORIZON * 2).date()
    )
    return cal.to_ical()
