"""A person's calendar feed: their current partnerships with the calls held
and the calls expected (``partnerships.calendar`` builds its text)."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from partnerships.calendar import PAST_CALLS_KEPT, FeedPair, LoggedCall
from partnerships.models import Agreement, CalendarFeed, Partnership
from programs.models import CURRENT_PAIR_STATUSES
from sessions_log.models import Session

# What CalendarFeed.new_token makes (secrets.token_urlsafe), up to the column's length.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Feed:
    """Whose calendar link it is, and their current partnerships with the calls
    the feed lists (``calendar_of``)."""

    owner: User
    pairs: list[FeedPair]


def calendar_of(token: str, *, now: datetime.datetime | None = None) -> Feed:
    """The owner of a calendar link and their current partnerships, each with
    the agreement in force (or None) and the calls logged since
    ``calendar.PAST_CALLS_KEPT`` before ``now``, cancelled ones left out; 404
    for an unknown (or reset) token. Four queries."""

    if not CALENDAR_TOKEN.fullmatch(token):
        raise Http404("not a calendar link")  # e.g. a NUL, which PostgreSQL refuses in a query
    now = now or timezone.now()
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    in_force = Prefetch(
        "agreements",
        queryset=Agreement.objects.filter(status=Agreement.Status.IN_FORCE).terms_only(),
        to_attr="current_versions",
    )
    # A day's margin for the longest call (calendar.py keeps those that end in the window).
    recent = Prefetch(
        "sessions",
        queryset=Session.objects.logged()
        .exclude(status=Session.Status.CANCELLED)
        .filter(starts_at__gte=now - PAST_CALLS_KEPT - datetime.timedelta(days=1), starts_at__lte=now)
        .only("partnership_id", "starts_at", "minutes", "status")
        .order_by("starts_at"),
        to_attr="recent_calls",
    )
    partnerships = (
        Partnership.objects.of(feed.user)
        .with_people()
        .filter(status__in=CURRENT_PAIR_STATUSES)
        .prefetch_related(in_force, recent)
        .order_by("pk")
    )
    return Feed(
        owner=feed.user,
        pairs=[
            FeedPair(
                partnership=partnership,
                in_force=next(iter(partnership.current_versions), None),
                logged_calls=[
                    LoggedCall(call.starts_at, call.minutes, missed=call.status == Session.Status.MISSED)
                    for call in partnership.recent_calls
                ],
            )
            for partnership in partnerships
        ],
    )
