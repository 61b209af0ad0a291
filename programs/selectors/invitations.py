"""Reads for invitations: the one a link's token belongs to and whether it can
still be used, those waiting for a person's verified addresses, and a program's
open invitations. Each says how many queries it runs."""

import datetime
from typing import TYPE_CHECKING, TypedDict

from allauth.account.models import EmailAddress
from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Invitation, InvitationQuerySet, Program

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations

INVITATIONS_PER_PAGE = 50


class InvitationState(TypedDict):
    """What ``invitations_page`` adds to each invitation: its ``Invitation.State`` now."""

    state: str


#: An open invitation of ``invitations_page``, with its ``state``.
type InvitationWithState = WithAnnotations[Invitation, InvitationState]

# Why a link cannot be used, in the invitee's words; the same words on the page
# shown for the link and in the error of services.invitations.invitation_accept.
UNUSABLE = {
    "unknown": _(
        "This invitation link does not work. It may have been replaced by a newer invitation, "
        "or part of the link may be missing."
    ),
    Invitation.State.EXPIRED: _("This invitation has expired."),
    Invitation.State.REVOKED: _("This invitation was withdrawn by the program admin."),
    Invitation.State.ACCEPTED: _("This invitation has already been used."),
}


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this link's token belongs to, with its program and inviter; None if unknown. One query."""
    return (
        Invitation.objects.select_related("program", "invited_by")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def unusable_reason(invitation: Invitation | None, *, now: datetime.datetime) -> str | None:
    """Why this link cannot be used to join, in plain words; None if it can. No query."""
    if invitation is None:
        return str(UNUSABLE["unknown"])
    reason = UNUSABLE.get(invitation.state_at(now))
    return None if reason is None else str(reason)


def sent_to_addresses_of(user) -> InvitationQuerySet:
    """Invitations sent to one of ``user``'s verified addresses (allauth's
    ``EmailAddress``: proven by a sign-up from an invitation or a confirmation)."""
    verified = EmailAddress.objects.filter(user=user, verified=True).annotate(address=Lower("email"))
    return Invitation.objects.annotate(address=Lower("email")).filter(address__in=verified.values("address"))


def invitations_waiting_for(user, *, now: datetime.datetime) -> list[Invitation]:
    """The invitations ``user`` can still accept (not accepted, revoked or
    expired at ``now``) sent to one of their verified addresses, oldest first,
    with program and inviter: the home page offers each with a Join button. One query."""
    return list(
        sent_to_addresses_of(user)
        .open()
        .filter(expires_at__gt=now)
        .select_related("program", "invited_by")
        .order_by("created_at")
    )


def open_invitations_of(program: Program) -> InvitationQuerySet:
    """Invitations not yet accepted or revoked (waiting or expired), newest first, with who sent them."""
    return (
        Invitation.objects.filter(program=program)
        .open()
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitations_page(*, program: Program, page: int | str | None) -> Page[InvitationWithState]:
    """A page of open invitations, each annotated with its ``state`` now
    (``Invitation.State``: waiting or expired, as ``Invitation.state_at`` says). Two queries."""
    now = timezone.now()
    invitations = open_invitations_of(program).annotate(
        state=Case(
            When(expires_at__lte=now, then=Value(Invitation.State.EXPIRED.value)),
            default=Value(Invitation.State.PENDING.value),
            output_field=CharField(),
        )
    )
    shown = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(page)
    shown.object_list = list(shown.object_list)
    return shown
