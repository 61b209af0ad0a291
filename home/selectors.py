"""Reads for the home pages, which put several apps together: a person's home
(their partnerships, the programs they run), the partnership home (the pair,
its calls, its goals), the program list and a person's calendar feed (the
calls held and the calls expected). Each says how many queries it runs; none
grows with the numbers shown."""

import datetime
import re
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from goals.selectors.panel import goals_panel_for
from partnerships.calendar import PAST_CALLS_KEPT, FeedPair, LoggedCall
from partnerships.models import Agreement, CalendarFeed, ClosingReflection, Partnership
from partnerships.selectors.pairs import PairPage, PairView, current_versions, describe_for, partnership_page
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.selectors.matching import waiting_proteges
from sessions_log.models import Session
from sessions_log.selectors import home_calls


@dataclass(frozen=True)
class PairOnHome:
    """One partnership on a person's home: the pair as they see it, and what
    needs their action in it (``to_do``)."""

    pair: PairView
    to_do: list[str]


class MyHome(TypedDict):
    """What a person's home shows (``home_for``)."""

    as_mentor: list[PairOnHome]
    as_protege: list[PairOnHome]
    closed: list[PairOnHome]
    programs_run: list[Program]
    now: datetime.datetime


class PartnershipHome(PairPage):
    """The top of the partnership home (``partnership_home``)."""

    to_do: list[str]


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on ``OuterRef``)."""
    counted = queryset.order_by().values("program").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_run_by(user) -> list[Program]:
    """The programs ``user`` runs, with people and active partnerships counted. One query."""
    return list(
        Program.objects.run_by(user).annotate(
            people=_count(
                Participant.objects.filter(program=OuterRef("pk")).exclude(
                    status=Participant.Status.WITHDRAWN
                )
            ),
            active_partnerships=_count(
                Partnership.objects.filter(program=OuterRef("pk"), status=Partnership.Status.ACTIVE)
            ),
            waiting=_count(waiting_proteges(OuterRef("pk"))),
        )
    )


def _to_do(pair: PairView, *, reflected: bool) -> list[str]:
    """Short names of what needs this person's action in a partnership, most
    urgent first; once it has ended, their closing reflection unless
    ``reflected``."""
    if pair.partnership.status not in CURRENT_PAIR_STATUSES:
        return [] if reflected else ["reflect"]
    to_do = []
    if pair.proposal is not None and pair.proposal.waiting_for_role == pair.my_role:
        to_do.append("accept")
    elif pair.proposal is None and pair.in_force is None:
        to_do.append("propose")
    if pair.in_force is not None and (pair.next_call is None or not pair.next_call.is_set):
        to_do.append("set_call")
    return to_do


def home_for(user) -> MyHome:
    """What a person's home shows: their current partnerships as mentor and as
    protégé, each with its next call and what needs their action (``to_do``);
    partnerships that have ended; and the programs they run. Three queries,
    whatever the numbers."""
    now = timezone.now()
    partnerships = (
        Partnership.objects.of(user)
        .with_people()
        .annotate(
            mentor_reflected=Exists(
                ClosingReflection.objects.filter(partnership=OuterRef("pk"), role="mentor")
            ),
            protege_reflected=Exists(
                ClosingReflection.objects.filter(partnership=OuterRef("pk"), role="protege")
            ),
        )
        .prefetch_related(current_versions(terms_only=True))
        .order_by("status", "-started_on", "pk")
    )
    rows = []
    for partnership in partnerships:
        pair = describe_for(partnership, user, versions=partnership.current_versions, now=now)
        reflected = (
            partnership.mentor_reflected
            if pair.my_role == Participant.Role.MENTOR
            else partnership.protege_reflected
        )
        rows.append(PairOnHome(pair=pair, to_do=_to_do(pair, reflected=reflected)))
    current = [row for row in rows if row.pair.partnership.status in CURRENT_PAIR_STATUSES]
    return {
        "as_mentor": [row for row in current if row.pair.my_role == Participant.Role.MENTOR],
        "as_protege": [row for row in current if row.pair.my_role == Participant.Role.PROTEGE],
        "closed": sorted(
            (row for row in rows if row.pair.partnership.status not in CURRENT_PAIR_STATUSES),
            key=lambda row: row.pair.partnership.ended_at or row.pair.partnership.updated_at,
            reverse=True,
        ),
        "programs_run": programs_run_by(user),
        "now": now,
    }


def partnership_home(partnership: Partnership, user) -> PartnershipHome:
    """The top of the partnership home: the pair as ``user`` sees it
    (``partnership_page``: the agreement, the next call, the closing
    reflections) and what needs their action (``to_do``). One query, two once
    the partnership has ended."""
    page = partnership_page(partnership, user)
    pair = page["pair"]
    reflected = pair.my_role in {r.role for r in page["reflections"]}
    return {**page, "to_do": _to_do(pair, reflected=reflected)}


def partnership_home_sections(partnership: Partnership, *, calls_page: str | None) -> dict[str, Any]:
    """The rest of the full partnership home: the call log's open homework,
    agenda and timeline (``sessions_log.selectors.home_calls``) and the goals
    panel (``goals.selectors.panel.goals_panel_for``)."""
    return home_calls(partnership, page=calls_page) | {"goals_panel": goals_panel_for(partnership)}


# --- A person's calendar feed (partnerships.calendar builds its text) ---

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
