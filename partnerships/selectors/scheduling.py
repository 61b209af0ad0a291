"""Reads for a pair's scheduling: the window their rhythm allows for the next
call, the times one side offered and how each reads to the other, and whether
an offer waits for someone. Each says how many queries it runs; none grows
with the pair's history."""

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Prefetch
from django.utils import timezone

from accounts.selectors import Availability, availability_of
from mentoring.time_zones import zone_of
from partnerships import schedule, slots
from partnerships.agreements import schedule_zone
from partnerships.models import Agreement, OfferedTime, Partnership, TimeOffer
from partnerships.selectors.pairs import PairView, pair_for
from programs.models import Participant
from programs.rhythms import Rhythm


@dataclass(frozen=True)
class PairWindow:
    """When the pair's next call may be (``slots.window_for``), from the rhythm
    they agreed (or their program's before any agreement), with the call's length."""

    window: slots.Window
    rhythm: Rhythm
    minutes: int
    tz: zoneinfo.ZoneInfo  # the pair's zone, whose local time their calls keep
    late_from: datetime.datetime | None  # when the expected call counts as late, if one is expected

    @property
    def last_minute(self) -> datetime.datetime:
        """The window's last minute, to say where it ends: "until Sat 5 Dec,
        23:59" rather than "to Sun 6 Dec, 00:00"."""
        return self.window.ends_at - datetime.timedelta(minutes=1)


def window_of(partnership: Partnership, *, in_force: Agreement | None, now: datetime.datetime) -> PairWindow:
    """The pair's window at ``now``, from the agreement ``in_force`` (None
    before one is: the program's default cadence and call length). No query
    (the partnership comes with its program)."""
    program = partnership.program
    rhythm = Rhythm.of(in_force) if in_force else Rhythm.of_cadence(program.default_cadence)
    minutes = in_force.call_minutes if in_force else program.default_call_minutes
    tz = schedule_zone(partnership)
    started_on = partnership.started_on if partnership.status == Partnership.Status.ACTIVE else None
    anchor = schedule.anchor_of(partnership.last_call_at, partnership.next_call_at, started_on, now)
    window = slots.window_for(rhythm=rhythm, anchor=anchor, tz=tz, now=now)
    late = schedule.late_from(rhythm, window.expected_at, tz) if window.expected_at else None
    return PairWindow(window=window, rhythm=rhythm, minutes=minutes, tz=tz, late_from=late)


def in_force_of(partnership: Partnership) -> Agreement | None:
    """The pair's agreement in force, if any. One query."""
    return Agreement.objects.filter(partnership=partnership, status=Agreement.Status.IN_FORCE).first()


def is_live(offer: TimeOffer, now: datetime.datetime) -> bool:
    """Open and not past its expiry: an open offer past ``expires_at`` counts
    as expired, though its row says open until a new offer is made."""
    return offer.status == TimeOffer.Status.OPEN and offer.expires_at > now


@dataclass(frozen=True)
class TimeShown:
    """One offered time as the viewer reads it: whether it fits their hours,
    and if not, why (their quiet hours, a day away, or outside their hours);
    and whether it fits the other person's (their quiet hours, or not)."""

    time: OfferedTime
    fits_me: bool
    quiet_for_me: bool
    away_for_me: bool
    started: bool
    fits_other: bool = True
    quiet_for_other: bool = False


def time_shown(
    time: OfferedTime, me: Availability, now: datetime.datetime, *, other: Availability | None = None
) -> TimeShown:
    """``time`` read against the viewer's hours ``me`` and, if given, the other's."""
    return TimeShown(
        time=time,
        fits_me=slots.fits(time.starts_at, time.minutes, me),
        quiet_for_me=slots.in_quiet_hours(time.starts_at, time.minutes, me.tz),
        away_for_me=me.is_away(time.starts_at.astimezone(me.tz).date()),
        started=time.starts_at <= now,
        fits_other=other is None or slots.fits(time.starts_at, time.minutes, other),
        quiet_for_other=other is not None and slots.in_quiet_hours(time.starts_at, time.minutes, other.tz),
    )


@dataclass(frozen=True)
class OfferShown:
    """The pair's latest offer as the viewer sees it."""

    offer: TimeOffer
    mine: bool  # the viewer offered these times (they wait); else the viewer picks
    live: bool  # still open and not expired (``is_live``)
    times: list[TimeShown]
    # Nothing fitted in the window: the times are the nearest after it.
    after_window: bool = False


class SchedulePage(TypedDict):
    """The pair's scheduling page (``schedule_page``)."""

    partnership: Partnership
    pair: PairView
    window: PairWindow
    my_zone: zoneinfo.ZoneInfo
    other_zone: zoneinfo.ZoneInfo
    offer: OfferShown | None
    now: datetime.datetime


def latest_offer(partnership: Partnership) -> TimeOffer | None:
    """The pair's most recent offer with its times. Two queries."""
    times = Prefetch("times", queryset=OfferedTime.objects.order_by("starts_at"))
    return TimeOffer.objects.filter(partnership=partnership).prefetch_related(times).order_by("-pk").first()


def schedule_page(partnership: Partnership, user, *, now: datetime.datetime | None = None) -> SchedulePage:
    """The scheduling page as ``user`` (a side of the pair) sees it: the
    window, both people's zones, and the pair's latest offer with each time
    read against the viewer's hours. Five queries whatever the pair's history."""
    now = now or timezone.now()
    pair = pair_for(partnership, user, now=now)
    other_user = pair.other.user
    window = window_of(partnership, in_force=pair.in_force, now=now)
    offer = latest_offer(partnership)
    shown = None
    if offer is not None:
        live = is_live(offer, now)
        times: list[TimeShown] = []
        if live:
            hours = availability_of([user, other_user], away_from=timezone.localdate(now))
            times = [
                time_shown(t, hours[user.pk], now, other=hours[other_user.pk]) for t in offer.times.all()
            ]
        else:
            times = [time_shown_plain(t, now) for t in offer.times.all()]
        shown = OfferShown(
            offer=offer,
            mine=offer.offered_by_role == pair.my_role,
            live=live,
            times=times,
            after_window=bool(times) and all(t.time.ends_at > window.window.ends_at for t in times),
        )
    return {
        "partnership": partnership,
        "pair": pair,
        "window": window,
        "my_zone": zone_of(user),
        "other_zone": zone_of(other_user),
        "offer": shown,
        "now": now,
    }


def time_shown_plain(time: OfferedTime, now: datetime.datetime) -> TimeShown:
    """An offered time of an answered offer: only when it is, nothing to weigh."""
    return TimeShown(
        time=time, fits_me=True, quiet_for_me=False, away_for_me=False, started=time.starts_at <= now
    )


def offer_waiting_for(partnership: Partnership, role: str, *, now: datetime.datetime) -> bool:
    """Whether times the other side offered wait for the side ``role`` to pick
    one (open and not expired). One query."""
    other = Participant.Role.PROTEGE if role == Participant.Role.MENTOR else Participant.Role.MENTOR
    return (
        TimeOffer.objects.open()
        .filter(partnership=partnership, offered_by_role=other, expires_at__gt=now)
        .exists()
    )
