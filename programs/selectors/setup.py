"""Reads for a program's settings page: its topics with how many people chose
each, its admins, and the invitations to help run it still waiting."""

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet

from accounts.models import User
from mentoring.querysets import correlated_count

from ..models import Invitation, InvitationRole, Participant, Program, Topic


def topics_with_people(program: Program, among: Iterable[int] | None = None) -> list[Topic]:
    """The program's topics by name (only those with ids ``among``, if given),
    each with ``people``: how many chose it
    (mentors offering it plus protégés seeking it). One query, counting each
    side apart: one count over both joins multiplied the rows (0.14 s at the
    benchmark's 2,000 people)."""
    offered = Participant.topics_offered.through.objects.filter(topic=OuterRef("pk"))
    sought = Participant.topics_sought.through.objects.filter(topic=OuterRef("pk"))
    topics = Topic.objects.filter(program=program)
    if among is not None:
        topics = topics.filter(pk__in=among)
    return list(
        topics.annotate(
            people=correlated_count(offered, by="topic") + correlated_count(sought, by="topic")
        ).order_by("name", "pk")
    )


def admins_of(program: Program) -> QuerySet[User]:
    """The people who run the program, by name. One query when read."""
    return program.admins.order_by("display_name", "email")


def admin_invitations_waiting(program: Program) -> list[Invitation]:
    """Invitations to help run the program not yet accepted or revoked, oldest first. One query."""
    return list(
        Invitation.objects.open()
        .filter(program=program, role=InvitationRole.ADMIN)
        .order_by("created_at", "pk")
    )
