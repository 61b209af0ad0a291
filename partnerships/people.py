"""Reads for a program's people page and a participant's profile as the admin
sees it. Each says how many queries it runs; none grows with the program."""

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Invitation, Participant, Partnership, Program

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


def partnerships_of(participant: Participant) -> list[Partnership]:
    """Who this person is paired with in their program (never what a pair writes). One query."""
    return list(
        Partnership.objects.filter(Q(mentor=participant) | Q(protege=participant))
        .select_related("mentor__user", "protege__user")
        .order_by("-created_at", "-pk")
    )
