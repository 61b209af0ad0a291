"""Reads for programs, their people and invitations, and matching profiles. Each says
how many queries it runs; none grows with the size of the program."""

import datetime
import functools
import logging

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import matching
from .forms import MatchingSettingsForm
from .models import CURRENT_PAIR_STATUSES, Invitation, Participant, Program

logger = logging.getLogger(__name__)


def waiting_proteges(program) -> QuerySet[Participant]:
    """Protégés who joined ``program`` (a Program, an id or OuterRef) and have no current mentor."""
    return (
        Participant.objects.filter(
            program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE
        )
        .exclude(mentored_by__status__in=CURRENT_PAIR_STATUSES)
        .order_by("created_at", "pk")
    )


def mentors_with_places(program: Program) -> QuerySet[Participant]:
    """Mentors who joined and have a free place."""
    return Participant.objects.filter(
        program=program,
        role=Participant.Role.MENTOR,
        status=Participant.Status.ACTIVE,
        load__lt=F("capacity"),
    ).order_by("user__display_name", "pk")


def program_figures(program: Program) -> dict:
    """Head counts of a program: ``mentors`` and ``proteges`` who joined, the
    protégés ``waiting`` for a mentor (``waiting_proteges``), and the open
    invitations (``invited``). Two queries."""
    return Participant.objects.filter(program=program, status=Participant.Status.ACTIVE).aggregate(
        mentors=Count("pk", filter=Q(role=Participant.Role.MENTOR)),
        proteges=Count("pk", filter=Q(role=Participant.Role.PROTEGE)),
        waiting=Count("pk", filter=Q(pk__in=waiting_proteges(program).order_by().values("pk"))),
    ) | {
        "invited": Invitation.objects.filter(program=program)
        .open()
        .filter(expires_at__gt=timezone.now())
        .count(),
    }


@functools.lru_cache(maxsize=1024)
def _offset_today(time_zone: str, day: datetime.date) -> float:
    return matching.utc_offset_hours(
        time_zone, datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    )


def _offset(participant: Participant) -> float:
    return _offset_today(participant.user.time_zone, datetime.date.today())


def mentor_profile(participant: Participant) -> matching.MentorProfile:
    topics = participant.topics_offered.all()
    return matching.MentorProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in topics),
        topic_names={t.pk: t.name for t in topics},
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
        capacity=participant.capacity,
        load=participant.load,
    )


def protege_profile(participant: Participant) -> matching.ProtegeProfile:
    return matching.ProtegeProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in participant.topics_sought.all()),
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
    )


def weights_of(program: Program) -> matching.Weights:
    """The program's matching weights. A stored value the weights form would refuse
    (``MatchingSettingsForm.stored_weights_errors``: written past the forms, e.g. by
    hand in the database) gives the default weights and a warning in the log, so no
    stored value can break the board or a proposal."""
    stored = program.match_weights or {}
    if errors := MatchingSettingsForm.stored_weights_errors(stored):
        logger.warning(
            "Program %s has unusable matching weights %r (%s); using the defaults.",
            program.pk,
            stored,
            "; ".join(errors),
        )
        return matching.Weights()
    return matching.Weights.from_dict(stored)


def matching_profiles(*, program: Program) -> tuple[list, list]:
    """Profiles of every waiting protégé and every mentor with a free place. Four queries."""
    proteges = waiting_proteges(program).select_related("user").prefetch_related("topics_sought")
    mentors = mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    return [protege_profile(p) for p in proteges], [mentor_profile(m) for m in mentors]


def score_pair(*, program: Program, mentor: Participant, protege: Participant) -> matching.Suggestion:
    return matching.score(mentor_profile(mentor), protege_profile(protege), weights_of(program))


def participations_of(user) -> list[Participant]:
    """The programs a person is in (not withdrawn from), with what their profile
    forms need. Three queries, plus one per program for its topic list."""
    return list(
        Participant.objects.filter(user=user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("program")
        .prefetch_related("topics_offered", "topics_sought")
        .order_by("program__name")
    )


PARTICIPANTS_PER_PAGE = 50


INVITATIONS_PER_PAGE = 50


def participants_of(program: Program) -> QuerySet[Participant]:
    """Everyone in ``program`` with their account and topics: active and invited
    first, withdrawn last; by role, then name."""
    return (
        Participant.objects.filter(program=program)
        .select_related("user")
        .prefetch_related("topics_offered", "topics_sought")
        .order_by("status", "role", "user__display_name", "user__email", "pk")
    )


def open_invitations_of(program: Program) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked (waiting or expired), newest first, with who sent them."""
    return (
        Invitation.objects.filter(program=program)
        .open()
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitations_page(*, program: Program, page: int | str | None) -> Page:
    """A page of open invitations, each with its ``state`` now. Two queries."""
    invitations: Page = Paginator(open_invitations_of(program), INVITATIONS_PER_PAGE).get_page(page)
    now = timezone.now()
    invitations.object_list = list(invitations.object_list)
    for invitation in invitations.object_list:
        invitation.state = invitation.state_at(now)
    return invitations


def people_page(
    *, program: Program, page: int | str | None, invitations_page_number: int | str | None
) -> dict:
    """A page of participants and a page of open invitations. Six queries
    (a count and a page of each, and the topics of the participants shown)."""
    return {
        "participants": Paginator(participants_of(program), PARTICIPANTS_PER_PAGE).get_page(page),
        "invitations": invitations_page(program=program, page=invitations_page_number),
    }


def participant_for_admin(program: Program, participant_id: int) -> Participant:
    """One person of ``program`` with their topics; 404 if not in it. Three queries."""
    return get_object_or_404(
        Participant.objects.select_related("user").prefetch_related("topics_offered", "topics_sought"),
        program=program,
        pk=participant_id,
    )
