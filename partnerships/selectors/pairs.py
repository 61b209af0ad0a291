"""Reads for partnerships: the pair as one side sees it, its agreement's history,
whom a participant is paired with. Each says how many queries it runs; none
grows with the size of the program."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships import schedule
from partnerships.agreements import TERMS, schedule_zone
from partnerships.models import Agreement, AgreementQuerySet, ClosingReflection, Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant
from programs.rhythms import Rhythm

# --- A pair's own pages: home, agreement, calls (never shown to admins) ---


@dataclass(frozen=True)
class PairView:
    """A partnership as one side of the pair sees it on the pair's pages: who
    they are in it, the other person, the agreement in force and the open
    proposal, and the next call."""

    partnership: Partnership
    my_role: Participant.Role
    other: Participant
    in_force: Agreement | None
    proposal: Agreement | None
    next_call: schedule.NextCall | None  # None for an ended partnership, or nothing to count from
    next_call_late: bool


if TYPE_CHECKING:  # Prefetch is generic only in django-stubs
    CurrentVersions = Prefetch[Literal["agreements"], AgreementQuerySet, Literal["current_versions"]]


def current_versions(*, terms_only: bool = False) -> "CurrentVersions":
    """The version in force and the open proposal of each partnership, as
    ``current_versions``. Uses the partial unique indexes on status."""
    versions = Agreement.objects.current().order_by("-version")
    if terms_only:
        versions = versions.terms_only()
    return Prefetch("agreements", queryset=versions, to_attr="current_versions")


def describe_for(
    partnership: Partnership, user, *, versions: Iterable[Agreement], now: datetime.datetime
) -> PairView:
    """The pair as ``user`` sees it, from its current ``versions`` (the version
    in force and the open proposal, as ``current_versions`` reads them). No query."""
    versions = list(versions)
    in_force = next((v for v in versions if v.status == Agreement.Status.IN_FORCE), None)
    next_call = None
    if partnership.status in CURRENT_PAIR_STATUSES:
        next_call = schedule.next_call(
            rhythm=Rhythm.of(in_force) if in_force else None,
            set_at=partnership.next_call_at,
            last_call_at=partnership.last_call_at,
            started_on=partnership.started_on if partnership.status == Partnership.Status.ACTIVE else None,
            tz=schedule_zone(partnership),
            now=now,
        )
    return PairView(
        partnership=partnership,
        my_role=partnership.side_of(user),
        other=partnership.other_side(user),
        in_force=in_force,
        proposal=next((v for v in versions if v.status == Agreement.Status.PROPOSED), None),
        next_call=next_call,
        next_call_late=next_call is not None and next_call.is_late(now),
    )


def pair_for(partnership: Partnership, user, *, now: datetime.datetime | None = None) -> PairView:
    """The pair as ``user`` sees it (``describe_for``), for a partnership
    reached through ``access.get_partnership_for``. One query."""
    versions = Agreement.objects.current().filter(partnership=partnership).order_by("-version")
    return describe_for(partnership, user, versions=versions, now=now or timezone.now())


class PairPage(TypedDict):
    """The top of the partnership home and the pages beside it (``partnership_page``)."""

    partnership: Partnership
    pair: PairView
    reflections: list[ClosingReflection]
    now: datetime.datetime


def partnership_page(partnership: Partnership, user) -> PairPage:
    """The pair as ``user`` sees it on its pages (``pair_for``): the
    agreement in force and the open proposal, the next call, and once ended,
    the closing reflections. One query, two once the partnership has ended."""
    now = timezone.now()
    reflections = []
    if partnership.status not in CURRENT_PAIR_STATUSES:
        reflections = list(partnership.closing_reflections.all())
    return {
        "partnership": partnership,
        "pair": pair_for(partnership, user, now=now),
        "reflections": reflections,
        "now": now,
    }


@dataclass(frozen=True)
class Version:
    """One version of the agreement in its history: which terms changed from
    the version before, and until when it was in force (None while it is, or
    if it never was)."""

    agreement: Agreement
    changes: list[str]
    in_force_until: datetime.datetime | None


class AgreementPage(TypedDict):
    """The agreement page (``agreement_page``)."""

    partnership: Partnership
    pair: PairView
    versions: list[Version]  # newest first
    proposal_changes: list[str]  # of the open proposal, if any


def agreement_page(partnership: Partnership, user) -> AgreementPage:
    """Every version of the pair's agreement, newest first, each with who
    accepted it when, until when it was in force, and which terms changed from
    the version before. One query."""
    agreements = list(partnership.agreements.select_related("proposed_by").order_by("-version"))
    current = [v for v in agreements if v.status in (Agreement.Status.PROPOSED, Agreement.Status.IN_FORCE)]
    pair = describe_for(partnership, user, versions=current, now=timezone.now())
    versions = []
    until = None
    for agreement, older in zip(agreements, [*agreements[1:], None], strict=False):
        versions.append(
            Version(
                agreement=agreement,
                changes=_changes(older, agreement) if older else [],
                in_force_until=until if agreement.in_force_at else None,
            )
        )
        if agreement.in_force_at:
            until = agreement.in_force_at
    proposal_changes = next((v.changes for v in versions if v.agreement == pair.proposal), [])
    return {
        "partnership": partnership,
        "pair": pair,
        "versions": versions,
        "proposal_changes": proposal_changes,
    }


# How a change of each term is named in a version's history.
CHANGE_LABELS = {
    "cadence": _("how often"),
    "every_weeks": _("every how many weeks"),
    "call_minutes": _("call length"),
    "checkin_minutes": _("check-in time"),
    "topic_minutes": _("deeper-topic time"),
    "prepare_minutes": _("preparation time"),
    "method": _("how you meet"),
    "location": _("where you meet"),
    "async_welcome": _("messages between calls"),
    "agenda_owner": _("who owns the agenda"),
    "ground_rules": _("ground rules"),
    "first_review_on": _("first review date"),
    "ends_on": _("end date"),
    "success": _("what success means"),
}


def _changes(before: Agreement, after: Agreement) -> list[str]:
    """What changed between two versions, in words."""
    return [str(CHANGE_LABELS[name]) for name in TERMS if getattr(before, name) != getattr(after, name)]


# --- The people page and a participant as the admin sees them ---


def partnerships_of(participant: Participant) -> list[Partnership]:
    """Who this person is paired with in their program (never what a pair writes). One query."""
    return list(
        Partnership.objects.filter(Q(mentor=participant) | Q(protege=participant))
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk")
    )
