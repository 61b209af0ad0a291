"""Reads for a program's settings page: its topics with how many people chose
each, its admins, and the invitations to help run it still waiting."""

from django.db.models import Count, QuerySet

from accounts.models import User

from ..models import Invitation, InvitationRole, Program, Topic


def topics_with_people(program: Program) -> list[Topic]:
    """The program's topics by name, each with ``people``: how many chose it
    (mentors offering it plus protégés seeking it). One query."""
    return list(
        Topic.objects.filter(program=program)
        .annotate(people=Count("offered_by", distinct=True) + Count("sought_by", distinct=True))
        .order_by("name", "pk")
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
