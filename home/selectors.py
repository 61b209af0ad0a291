"""Reads for the home pages, which put several apps together: a person's home
(their partnerships, the programs they run), the partnership home (the pair,
its calls, its goals) and the program list. Each says how many queries it
runs; none grows with the numbers shown."""

import datetime
from typing import Any, TypedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.selectors.panel import goals_panel_for
from partnerships.models import ClosingReflection, Partnership
from partnerships.selectors.pairs import current_versions, describe_for, partnership_page
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.selectors.matching import waiting_proteges
from sessions_log.selectors import home_calls


class MyHome(TypedDict):
    """What a person's home shows (``home_for``)."""

    as_mentor: list[Partnership]
    as_protege: list[Partnership]
    closed: list[Partnership]
    programs_run: list[Program]
    now: datetime.datetime


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


def _to_do(partnership: Partnership) -> list[str]:
    """Short names of what needs this person's action in a partnership described
    for them (``describe_for``), most urgent first."""
    if partnership.status not in CURRENT_PAIR_STATUSES:
        reflected = getattr(partnership, f"{partnership.my_role}_reflected", None)
        return ["reflect"] if reflected is False else []
    to_do = []
    proposal = partnership.proposal
    if proposal is not None and proposal.waiting_for_role == partnership.my_role:
        to_do.append("accept")
    elif proposal is None and partnership.in_force is None:
        to_do.append("propose")
    next_call = partnership.next_call
    if partnership.in_force is not None and (next_call is None or not next_call.is_set):
        to_do.append("set_call")
    return to_do


def home_for(user) -> MyHome:
    """What a person's home shows: their current partnerships as mentor and as
    protégé, each with its next call and what needs their action (``to_do``);
    partnerships that have ended; and the programs they run. Three queries,
    whatever the numbers."""
    now = timezone.now()
    partnerships = list(
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
    for partnership in partnerships:
        describe_for(partnership, user, now=now)
        partnership.to_do = _to_do(partnership)
    current = [p for p in partnerships if p.status in CURRENT_PAIR_STATUSES]
    return {
        "as_mentor": [p for p in current if p.my_role == Participant.Role.MENTOR],
        "as_protege": [p for p in current if p.my_role == Participant.Role.PROTEGE],
        "closed": sorted(
            (p for p in partnerships if p.status not in CURRENT_PAIR_STATUSES),
            key=lambda p: p.ended_at or p.updated_at,
            reverse=True,
        ),
        "programs_run": programs_run_by(user),
        "now": now,
    }


def partnership_home(partnership: Partnership, user) -> dict[str, Any]:
    """The top of the partnership home: the pair as ``user`` sees it
    (``partnership_page``: the agreement, the next call, the closing
    reflections) and what needs their action (``to_do``). One query, two once
    the partnership has ended."""
    context = partnership_page(partnership, user)
    if partnership.status in CURRENT_PAIR_STATUSES:
        partnership.to_do = _to_do(partnership)
    else:
        mine = {r.role for r in context["reflections"]}
        partnership.to_do = [] if partnership.my_role in mine else ["reflect"]
    return context


def partnership_home_sections(partnership: Partnership, *, calls_page: str | None) -> dict[str, Any]:
    """The rest of the full partnership home: the call log's open homework,
    agenda and timeline (``sessions_log.selectors.home_calls``) and the goals
    panel (``goals.selectors.panel.goals_panel_for``)."""
    return home_calls(partnership, page=calls_page) | {"goals_panel": goals_panel_for(partnership)}
