"""Reads for a program's people: who is in it, the head counts, a person's
programs, and the people page. Each says how many queries it runs; none grows
with the size of the program."""

from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import Invitation, Participant, Program
from .invitations import InvitationWithState, invitations_page
from .matching import waiting_proteges

PARTICIPANTS_PER_PAGE = 50


class ProgramFigures(TypedDict):
    """Head counts of a program (``program_figures``)."""

    mentors: int
    proteges: int
    waiting: int
    invited: int


class PeoplePage(TypedDict):
    """What the people page lists (``people_page``)."""

    participants: Page[Participant]
    invitations: Page[InvitationWithState]


def program_figures(program: Program) -> ProgramFigures:
    """Head counts of a program: ``mentors`` and ``proteges`` who joined, the
    protégés ``waiting`` for a mentor (``waiting_proteges``), and the open
    invitations (``invited``). Two queries."""
    joined = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE).aggregate(
        mentors=Count("pk", filter=Q(role=Participant.Role.MENTOR)),
        proteges=Count("pk", filter=Q(role=Participant.Role.PROTEGE)),
        waiting=Count("pk", filter=Q(pk__in=waiting_proteges(program).order_by().values("pk"))),
    )
    return ProgramFigures(
        mentors=joined["mentors"],
        proteges=joined["proteges"],
        waiting=joined["waiting"],
        invited=Invitation.objects.filter(program=program)
        .open()
        .filter(expires_at__gt=timezone.now())
        .count(),
    )


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


def participants_of(program: Program) -> QuerySet[Participant]:
    """Everyone in ``program`` with their account and topics: active and invited
    first, withdrawn last; by role, then name."""
    return (
        Participant.objects.filter(program=program)
        .select_related("user")
        .prefetch_related("topics_offered", "topics_sought")
        .order_by("status", "role", "user__display_name", "user__email", "pk")
    )


def people_page(
    *, program: Program, page: int | str | None, invitations_page_number: int | str | None
) -> PeoplePage:
    """A page of participants and a page of open invitations. Six queries
    (a count and a page of each, and the topics of the participants shown)."""
    return PeoplePage(
        participants=Paginator(participants_of(program), PARTICIPANTS_PER_PAGE).get_page(page),
        invitations=invitations_page(program=program, page=invitations_page_number),
    )


def participant_for_admin(program: Program, participant_id: int) -> Participant:
    """One person of ``program`` with their topics; 404 if not in it. Three queries."""
    return get_object_or_404(
        Participant.objects.select_related("user").prefetch_related("topics_offered", "topics_sought"),
        program=program,
        pk=participant_id,
    )
