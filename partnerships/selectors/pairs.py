"""Reads for partnerships: the pair as one side sees it, its agreement's history, a program's pairs. Each says
how many queries it runs; none grows with the size of the program."""

import logging

from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.utils import timezone

from partnerships import schedule
from partnerships.agreements import TERMS, schedule_zone
from partnerships.models import Agreement, Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.rhythms import Rhythm

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


# --- A pair's own pages: home, agreement, calls (never shown to admins) ---


def current_versions(*, terms_only: bool = False) -> Prefetch:
    """The version in force and the open proposal of each partnership, as
    ``current_versions``. Uses the partial unique indexes on status."""
    versions = Agreement.objects.current().order_by("-version")
    if terms_only:
        versions = versions.terms_only()
    return Prefetch("agreements", queryset=versions, to_attr="current_versions")


def describe_for(partnership: Partnership, user, *, now) -> Partnership:
    """Adds what a pair's pages show about a partnership for ``user``:
    ``my_role``, ``other`` (the other side), ``in_force``, ``proposal``,
    ``next_call`` (schedule.NextCall or None) and ``next_call_late``."""
    versions = getattr(partnership, "current_versions", [])
    partnership.in_force = next((v for v in versions if v.status == Agreement.Status.IN_FORCE), None)
    partnership.proposal = next((v for v in versions if v.status == Agreement.Status.PROPOSED), None)
    is_mentor = partnership.mentor.user_id == user.pk
    partnership.my_role = Participant.Role.MENTOR if is_mentor else Participant.Role.PROTEGE
    partnership.other = partnership.protege if is_mentor else partnership.mentor
    partnership.next_call = None
    if partnership.status in CURRENT_PAIR_STATUSES:
        partnership.next_call = schedule.next_call(
            rhythm=Rhythm.of(partnership.in_force) if partnership.in_force else None,
            set_at=partnership.next_call_at,
            last_call_at=partnership.last_call_at,
            started_on=partnership.started_on if partnership.status == Partnership.Status.ACTIVE else None,
            tz=schedule_zone(partnership),
            now=now,
        )
    partnership.next_call_late = partnership.next_call is not None and partnership.next_call.is_late(now)
    return partnership


def partnership_page(partnership: Partnership, user) -> dict:
    """The pair as ``user`` sees it on its pages (``describe_for``): the
    agreement in force and the open proposal, the next call, and once ended,
    the closing reflections. One query, two once the partnership has ended."""
    now = timezone.now()
    prefetch_related_objects([partnership], current_versions())
    describe_for(partnership, user, now=now)
    reflections = []
    if partnership.status not in CURRENT_PAIR_STATUSES:
        reflections = list(partnership.closing_reflections.all())
    return {"partnership": partnership, "reflections": reflections, "now": now}


def agreement_page(partnership: Partnership, user) -> dict:
    """Every version of the pair's agreement, newest first, each with who
    accepted it when, until when it was in force, and which terms changed from
    the version before. One query."""
    versions = list(partnership.agreements.select_related("proposed_by").order_by("-version"))
    partnership.current_versions = [
        v for v in versions if v.status in (Agreement.Status.PROPOSED, Agreement.Status.IN_FORCE)
    ]
    describe_for(partnership, user, now=timezone.now())
    until = None
    for version, older in zip(versions, [*versions[1:], None], strict=False):
        version.changes = _changes(older, version) if older else []
        if version.in_force_at:
            version.in_force_until = until
            until = version.in_force_at
        else:
            version.in_force_until = None
    return {"partnership": partnership, "versions": versions}


# How a change of each term is named in a version's history.
CHANGE_LABELS = {
    "cadence": "how often",
    "every_weeks": "every how many weeks",
    "call_minutes": "call length",
    "checkin_minutes": "check-in time",
    "topic_minutes": "deeper-topic time",
    "prepare_minutes": "preparation time",
    "method": "how you meet",
    "async_welcome": "messages between calls",
    "agenda_owner": "who owns the agenda",
    "ground_rules": "ground rules",
    "first_review_on": "first review date",
    "ends_on": "end date",
    "success": "what success means",
}


def _changes(before: Agreement, after: Agreement) -> list[str]:
    """What changed between two versions, in words."""
    return [CHANGE_LABELS[name] for name in TERMS if getattr(before, name) != getattr(after, name)]


def program_pairs(program: Program, page: int | str | None) -> Page:
    """A page of the program's current pairs with the terms of their agreement
    in force (never what success means to the protégé, nor what the pair
    writes), and whether a proposal waits. Three queries."""
    in_force = Prefetch(
        "agreements",
        queryset=Agreement.objects.filter(status=Agreement.Status.IN_FORCE).terms_only(),
        to_attr="current_versions",
    )
    pairs: Page = Paginator(
        Partnership.objects.filter(program=program, status__in=CURRENT_PAIR_STATUSES)
        .select_related("mentor__user", "protege__user")
        .annotate(
            has_proposal=Exists(Agreement.objects.filter(partnership=OuterRef("pk"), status="proposed"))
        )
        .prefetch_related(in_force)
        .order_by("protege__user__display_name", "pk"),
        PAGE_SIZE,
    ).get_page(page)
    pairs.object_list = list(pairs.object_list)
    for pair in pairs.object_list:
        pair.in_force = next(iter(pair.current_versions), None)
    return pairs


# --- The people page and a participant as the admin sees them ---


def partnerships_of(participant: Participant) -> list[Partnership]:
    """Who this person is paired with in their program (never what a pair writes). One query."""
    return list(
        Partnership.objects.filter(Q(mentor=participant) | Q(protege=participant))
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk")
    )
