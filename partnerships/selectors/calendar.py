"""Reads for the calendar feed: a person's feed by its token. Each says how many
queries it runs; none grows with the size of the program."""

import datetime
import re

from django.db.models import (
    Prefetch,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.calendar import PAST_CALLS_KEPT
from partnerships.models import Agreement, CalendarFeed, Partnership
from programs.models import CURRENT_PAIR_STATUSES
from sessions_log.models import Session

# What CalendarFeed.new_token makes (secrets.token_urlsafe), up to the column's length.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def calendar_of(token: str, *, now: datetime.datetime | None = None) -> tuple:
    """The owner of a calendar link and their current partnerships, each with
    ``in_force`` (the agreement in force, or None) and ``recent_calls`` (the
    calls logged since ``calendar.PAST_CALLS_KEPT`` before ``now``, cancelled
    ones left out); 404 for an unknown (or reset) token. Four queries."""

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
    partnerships = list(
        Partnership.objects.of(feed.user)
        .with_people()
        .filter(status__in=CURRENT_PAIR_STATUSES)
        .prefetch_related(in_force, recent)
        .order_by("pk")
    )
    for partnership in partnerships:
        partnership.in_force = next(iter(partnership.current_versions), None)
    return feed.user, partnerships


def calendar_feed_of(user) -> CalendarFeed | None:
    """The person's calendar link, if they have made one. One query."""
    return CalendarFeed.objects.filter(user=user).first()
