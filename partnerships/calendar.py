"""Each person's upcoming calls as an iCalendar feed (RFC 5545) that Google
Calendar, Outlook and Apple Calendar subscribe to by a private link.

The feed holds, for every current partnership of the person, in the person's
time zone, each with the call's structure:

* the calls of the last ``PAST_CALLS_KEPT`` (six weeks) as the call log has them
  (a held call described by its own length; a missed one cancelled, see
  ``_event``), and the call the pair set, from before it starts until six weeks after it
  ends (confirmed): a call in progress or just held must not vanish, or
  subscribed calendars delete it;
* the calls their agreement expects after the latest of the set call and the
  last logged call, counted from it, while they are ahead or in progress
  (tentative, ``EXPECTED_CALLS_SHOWN`` at most): the rhythm does not stop when
  a set call passes.

A call keeps its UID from one refresh to the next (one per pair per day), so
calendars update it in place; a logged call keeps the UID it had as the set
call. Each VTIMEZONE block covers every event of the feed, so a client that
reads the block instead of its own zone database places each call right.

What goes in is read by the home app (``home.selectors.calendar_of``), which
puts the call log beside the pairs: this module builds the text from it."""

import datetime
from dataclasses import dataclass

import icalendar
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from mentoring.site import absolute_url, site_host
from mentoring.time_zones import zone_of
from programs.rhythms import Rhythm

from . import schedule
from .agreements import schedule_zone
from .models import Agreement, CalendarFeed, Partnership

EXPECTED_CALLS_SHOWN = 3  # after the set call, per partnership
HORIZON = datetime.timedelta(days=120)
PAST_CALLS_KEPT = datetime.timedelta(weeks=6)  # calls stay this long after they end
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
    return absolute_url(reverse("home:calendar_feed", args=[feed.token]))


@dataclass(frozen=True)
class LoggedCall:
    """A call of the pair's call log, as the feed shows it."""

    starts_at: datetime.datetime
    minutes: int
    missed: bool  # otherwise held


@dataclass(frozen=True)
class FeedPair:
    """One current partnership in a person's feed."""

    partnership: Partnership  # with its program and both people
    in_force: Agreement | None
    logged_calls: list[LoggedCall]  # those of the last PAST_CALLS_KEPT (and a day), cancelled ones left out


def _method_word(method: str) -> str:
    """How the pair meets, as the event's description names it ("30 minutes, video:")."""
    # Translators: completes "30 minutes, %(method)s:" in a calendar event's description.
    return {
        "phone": pgettext("how a call is held", "phone"),
        "video": pgettext("how a call is held", "video"),
        "in_person": pgettext("how a call is held", "in person"),
        "chat": pgettext("how a call is held", "chat"),
    }.get(method, "")


def _description(agreement: Agreement | None, call: "_Call", *, link: str) -> str:
    """What the event says: a logged call its own length (held) or that it was
    missed; a set or expected call the structure of the agreement in force."""
    lines = []
    if call.kind == HELD:
        lines.append(
            ngettext("Held: %(count)d minute.", "Held: %(count)d minutes.", call.minutes)
            % {"count": call.minutes}
        )
    elif call.kind == MISSED:
        lines.append(gettext("Missed: this call did not take place."))
    elif call.kind == EXPECTED:
        lines.append(
            gettext("Expected from your agreement; the time is not set yet. Set it on your partnership page.")
        )
    if agreement is not None and call.kind in (SET, EXPECTED):
        lines.append(
            ngettext(
                "%(count)d minute, %(method)s:", "%(count)d minutes, %(method)s:", agreement.call_minutes
            )
            % {"count": agreement.call_minutes, "method": _method_word(agreement.method)}
        )
        lines += [
            gettext("- %(minutes)d min: %(part)s") % {"minutes": minutes, "part": label}
            for label, minutes in agreement.time_boxes
        ]
        if agreement.agenda_owner == "protege":
            lines.append(gettext("The agenda is owned by the protégé."))
        else:
            lines.append(gettext("The agenda is owned by the mentor."))
    lines.append(gettext("Partnership page: %(link)s") % {"link": link})
    return "\n".join(lines)


# What a call in the feed is: logged (held or missed), set by the pair, or expected from their agreement.
HELD, MISSED, SET, EXPECTED = "held", "missed", "set", "expected"
# RFC 5545 §3.8.1.11: a missed call did not take place, so it is CANCELLED (not
# CONFIRMED); it stays in the feed under its UID, so a calendar that showed it
# as set marks it off instead of keeping a call that never happened.
STATUS = {HELD: "CONFIRMED", SET: "CONFIRMED", MISSED: "CANCELLED", EXPECTED: "TENTATIVE"}


def _summary(kind: str, name: str) -> str:
    """The event's title: the call with the other person, and whether it was missed or is expected."""
    if kind == MISSED:
        return gettext("Mentoring call with %(name)s (missed)") % {"name": name}
    if kind == EXPECTED:
        return gettext("Mentoring call with %(name)s (expected)") % {"name": name}
    return gettext("Mentoring call with %(name)s") % {"name": name}


def _event(*, uid, start, minutes, summary, description, url, kind, stamp, tz) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", (start + datetime.timedelta(minutes=minutes)).astimezone(tz))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("status", STATUS[kind])
    event.add("transp", "OPAQUE" if STATUS[kind] == "CONFIRMED" else "TRANSPARENT")
    return event


def _uid(partnership: Partnership, start: datetime.datetime) -> str:
    # One call per pair per day: the same call keeps its UID whatever its time that day.
    return f"partnership-{partnership.pk}-call-{start.astimezone(datetime.UTC):%Y%m%d}@{site_host()}"


@dataclass(frozen=True)
class _Call:
    start: datetime.datetime
    minutes: int
    kind: str  # HELD, MISSED, SET or EXPECTED

    @property
    def end(self) -> datetime.datetime:
        return self.start + datetime.timedelta(minutes=self.minutes)


def _calls(pair: FeedPair, *, now: datetime.datetime) -> list[_Call]:
    """The pair's calls in the feed, as the module's docstring says, by start."""
    partnership, agreement = pair.partnership, pair.in_force
    minutes = agreement.call_minutes if agreement else partnership.program.default_call_minutes
    kept_since = now - PAST_CALLS_KEPT
    calls = [
        _Call(call.starts_at, call.minutes, MISSED if call.missed else HELD)
        for call in pair.logged_calls
        if call.starts_at + datetime.timedelta(minutes=call.minutes) > kept_since
    ]
    set_at = partnership.next_call_at
    if set_at is not None and set_at + datetime.timedelta(minutes=minutes) > kept_since:
        calls.append(_Call(set_at, minutes, SET))
    # The calls expected run on from the set call, as they will once it is held,
    # even while it is ahead; with no call yet, the feed expects none.
    anchor = schedule.anchor_of(partnership.last_call_at, set_at, None, max(now, set_at) if set_at else now)
    if agreement is not None and anchor is not None:
        until = now + HORIZON
        if end := partnership.planned_end_on:
            until = min(until, datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC))
        in_progress = now - datetime.timedelta(minutes=minutes)  # an expected call stays until it ends
        calls += [
            _Call(at, minutes, EXPECTED)
            for at in schedule.upcoming(
                Rhythm.of(agreement),
                anchor,
                schedule_zone(partnership),
                after=max(anchor, in_progress),
                until=until,
                limit=EXPECTED_CALLS_SHOWN,
            )
        ]
    # One call per pair per day (its UID): a logged call over the set call, a set call over an expected one.
    by_day: dict[str, _Call] = {}
    for call in calls:
        by_day.setdefault(_uid(partnership, call.start), call)
    return sorted(by_day.values(), key=lambda call: call.start)


def calendar_for(user, pairs: list[FeedPair], *, now: datetime.datetime | None = None) -> bytes:
    """The iCalendar text of ``user``'s calls (see the module's docstring) in
    their current partnerships, ``pairs``."""
    now = now or timezone.now()
    tz = zone_of(user)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", gettext("Mentoring calls"))
    cal.add("x-wr-timezone", tz.key)
    starts, ends = [now - PAST_CALLS_KEPT], [now + HORIZON]
    for pair in pairs:
        partnership = pair.partnership
        other = partnership.other_side(user)
        link = absolute_url(reverse("home:partnership", args=[partnership.pk]))
        for call in _calls(pair, now=now):
            starts.append(call.start)
            ends.append(call.end)
            cal.add_component(
                _event(
                    uid=_uid(partnership, call.start),
                    start=call.start,
                    minutes=call.minutes,
                    summary=_summary(call.kind, other.user.name),
                    description=_description(pair.in_force, call, link=link),
                    url=link,
                    kind=call.kind,
                    stamp=partnership.updated_at,
                    tz=tz,
                )
            )
    # From a day before the first event to a day after the last (a set call may be far ahead), whatever the zone.
    cal.add_missing_timezones(
        first_date=(min(starts) - datetime.timedelta(days=1)).date(),
        last_date=(max(ends) + datetime.timedelta(days=1)).date(),
    )
    return cal.to_ical()
