"""Reads for a person's home: one list of what needs their action across their
partnerships (``home.to_do``), each partnership with its stage and progress
(``home.stages``), and the programs they run with the pairs that need a look.
Each says how many queries it runs; none grows with the numbers shown."""

import datetime
import functools
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from health import rule as health
from mentoring.querysets import correlated_count
from partnerships.models import Partnership
from partnerships.selectors.pairs import PairView, current_versions, describe_for
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program
from programs.selectors.join import programs_to_join
from programs.selectors.matching import waiting_proteges

from ..stages import Progress
from ..to_do import ToDo, most_urgent_first, to_do_for
from .facts import pair_facts, pair_progress, with_facts

# A correlated COUNT(*) of a queryset filtered on the outer program.
_count = functools.partial(correlated_count, by="program")


@dataclass(frozen=True)
class PairOnHome:
    """One partnership on a person's home: the pair as they see it, where it
    is (``progress``) and what needs their action in it (``to_do``)."""

    pair: PairView
    progress: Progress
    to_do: list[ToDo]


class MyHome(TypedDict):
    """What a person's home shows (``home_for``)."""

    to_do: list[ToDo]  # across every partnership, most urgent first
    several: bool  # more than one partnership: each item says whose it is
    as_mentor: list[PairOnHome]
    as_protege: list[PairOnHome]
    closed: list[PairOnHome]
    programs_run: list[Program]
    to_join: list[Program]  # programs open to their verified address's domain (programs.selectors.join)
    now: datetime.datetime
    today: datetime.date


def _program_counts() -> dict[str, Coalesce]:
    """A program's ``people`` (not withdrawn), ``active_partnerships`` and
    protégés ``waiting`` for a mentor, as annotations."""
    return {
        "people": _count(
            Participant.objects.filter(program=OuterRef("pk")).exclude(status=Participant.Status.WITHDRAWN)
        ),
        "active_partnerships": _count(
            Partnership.objects.filter(program=OuterRef("pk"), status=Partnership.Status.ACTIVE)
        ),
        "waiting": _count(waiting_proteges(OuterRef("pk"))),
    }


def programs_run_by(user) -> list[Program]:
    """The programs ``user`` runs, with people, active partnerships and
    waiting protégés counted. One query."""
    return list(Program.objects.run_by(user).annotate(**_program_counts()))


def programs_to_watch(user, *, now: datetime.datetime) -> list[Program]:
    """The programs ``user`` runs (``programs_run_by``), each also with how
    many current pairs are ``stalled`` and ``at_risk`` by the health rule
    the overview filters with (``health.rule.annotate``, from the stored
    numbers), and how many protégés are ``waiting`` for a mentor. One query."""
    current = Partnership.objects.filter(program=OuterRef("pk"), status__in=CURRENT_PAIR_STATUSES)
    with_health = health.annotate(current, now=now)
    return list(
        Program.objects.run_by(user).annotate(
            **_program_counts(),
            stalled=_count(with_health.filter(severity=health.SEVERITY[health.Label.STALLED])),
            at_risk=_count(with_health.filter(severity=health.SEVERITY[health.Label.AT_RISK])),
        )
    )


def home_for(user) -> MyHome:
    """What a person's home shows: one list of what needs their action across
    their partnerships, most urgent first; their current partnerships as
    mentor and as protégé, each with its next call, stage and progress;
    partnerships that have ended; the programs they run, with the pairs
    and protégés that need a look; and the programs they may join by the
    domain of a verified address. Four queries, whatever the numbers."""
    now = timezone.now()
    today = timezone.localdate(now)
    partnerships = (
        with_facts(Partnership.objects.of(user).with_people(), today=today)
        .prefetch_related(current_versions(terms_only=True))
        .order_by("status", "-started_on", "pk")
    )
    rows = []
    for partnership in partnerships:
        pair = describe_for(partnership, user, versions=partnership.current_versions, now=now)
        rows.append(
            PairOnHome(
                pair=pair,
                progress=pair_progress(partnership, pair, today=today),
                to_do=to_do_for(pair, pair_facts(partnership, pair, today=today), today=today),
            )
        )
    current = [row for row in rows if row.pair.partnership.is_current]
    return {
        "to_do": most_urgent_first([item for row in rows for item in row.to_do]),
        "several": len(rows) > 1,
        "as_mentor": [row for row in current if row.pair.my_role == Participant.Role.MENTOR],
        "as_protege": [row for row in current if row.pair.my_role == Participant.Role.PROTEGE],
        "closed": sorted(
            (row for row in rows if not row.pair.partnership.is_current),
            key=lambda row: row.pair.partnership.ended_at or row.pair.partnership.updated_at,
            reverse=True,
        ),
        "programs_run": programs_to_watch(user, now=now),
        "to_join": programs_to_join(user),
        "now": now,
        "today": today,
    }
