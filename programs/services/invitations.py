"""Writes for people and invitations: inviting one person, resending, revoking,
accepting, withdrawing, and the invitation email (the CSV import of many is
``invitations_csv``).

Each service validates and saves inside one transaction and refuses with a
ValidationError in words an admin or an invitee can act on. The link's token is
never stored (only its hash), so every service that emails a link makes a new
token and hands it to the task, after commit, with ``delay_on_commit``."""

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from mentoring import mail
from mentoring.site import absolute_url

from ..models import Invitation, InvitationRole, Participant, Program
from ..selectors.invitations import UNUSABLE, sent_to_addresses_of, unusable_reason

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = datetime.timedelta(days=14)


def normalise_email(email: str) -> str:
    # Accounts store emails lower-cased (accounts.User), so invitations do too.
    return email.strip().lower()


def role_phrase(role: str) -> str:
    """ "a mentor", "a protégé" or "a program admin" (``InvitationRole``), for sentences."""
    phrases = {
        # Translators: a role as it follows "as", e.g. "Join Acme mentoring as a mentor".
        InvitationRole.MENTOR: gettext("a mentor"),
        # Translators: a role as it follows "as", e.g. "Join Acme mentoring as a protégé".
        InvitationRole.PROTEGE: gettext("a protégé"),
        # Translators: a role as it follows "as", e.g. "Join Acme mentoring as a program admin".
        InvitationRole.ADMIN: gettext("a program admin"),
    }
    return phrases[InvitationRole(role)]


def inviter_name(invitation: Invitation) -> str:
    return invitation.invited_by.name if invitation.invited_by else gettext("your program admin")


def invitation_link(token: str) -> str:
    """The absolute address of the invitation page, for emails."""
    return absolute_url(reverse("programs:invitation_accept", args=[token]))


def _enqueue_email(invitation: Invitation, token: str) -> None:
    from ..tasks import send_invitation  # tasks imports this module

    send_invitation.delay_on_commit(invitation.pk, token)


def _already_in(program: Program, email: str) -> Participant | None:
    """The person with this email if they take part in ``program`` now (a
    withdrawn person, or one not active yet, can be invited)."""
    return Participant.objects.filter(
        program=program, user__email__iexact=email, status=Participant.Status.ACTIVE
    ).first()


@transaction.atomic
def invitation_create(
    *, program: Program, email: str, name: str, role: str, invited_by: User | None
) -> Invitation:
    """Invites a person to ``program`` in ``role`` (``InvitationRole``: a
    mentor, a protégé, or one of its admins) and emails them a link after commit.

    An open invitation (waiting or expired) for the same email and program is
    reused: its name, role and inviter are updated, it gets a new link and a new
    expiry, and the old link stops working. Someone already active in the
    program is refused as a mentor or protégé, someone who already helps run
    it as an admin; and an open invitation to take part is never turned into
    one to help run the program, nor the other way round (code
    ``other_invitation``). Program admins only: the caller checks (the people
    page and the CSV offer mentor and protégé only; the settings page, admin)."""
    email = normalise_email(email)
    validate_email(email)
    if role not in InvitationRole.values:
        raise ValidationError(
            gettext("'%(role)s' is not a role: choose mentor or protégé.") % {"role": role}, code="role"
        )
    as_admin = role == InvitationRole.ADMIN
    if as_admin and program.admins.filter(email__iexact=email).exists():
        raise ValidationError(
            gettext("%(email)s already helps run this program.") % {"email": email}, code="already_admin"
        )
    if not as_admin and (member := _already_in(program, email)):
        raise ValidationError(
            gettext("%(email)s is already in this program as %(role)s.")
            % {"email": email, "role": role_phrase(member.role)},
            code="already_participant",
        )

    now = timezone.now()
    fields = {
        "name": name.strip(),
        "role": role,
        "invited_by": invited_by,
        "expires_at": now + INVITATION_VALID_FOR,
    }
    invitation = (
        Invitation.objects.select_for_update().open().filter(program=program, email__iexact=email).first()
    )
    if invitation is not None and (invitation.role == InvitationRole.ADMIN) != as_admin:
        raise ValidationError(
            gettext("%(email)s has an invitation waiting to join as %(role)s: they accept it first.")
            % {"email": email, "role": role_phrase(invitation.role)},
            code="other_invitation",
        )
    if invitation is None:
        invitation = Invitation(program=program, email=email, **fields)
        token = invitation.new_token()
        try:
            with transaction.atomic():  # a savepoint: someone may invite the same person at this moment
                invitation.save()
        except IntegrityError:
            # The one-open-invitation constraint refused ours: refresh theirs instead.
            invitation = (
                Invitation.objects.select_for_update().open().get(program=program, email__iexact=email)
            )
            token = _refresh(invitation, fields)
    else:
        token = _refresh(invitation, fields)
    _enqueue_email(invitation, token)
    return invitation


def _refresh(invitation: Invitation, fields: dict[str, Any]) -> str:
    for field, value in fields.items():
        setattr(invitation, field, value)
    invitation.sent_at = None
    token = invitation.new_token()
    invitation.save(update_fields=[*fields, "sent_at", "token_hash"])
    return token


def _refuse_if_closed(invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise ValidationError(
            gettext("%(email)s has already accepted this invitation.") % {"email": invitation.email},
            code="accepted",
        )
    if invitation.revoked_at:
        raise ValidationError(
            gettext("The invitation to %(email)s was revoked.") % {"email": invitation.email}, code="revoked"
        )


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Emails a waiting or expired invitation again, with a new link valid for
    another 14 days; the old link stops working. Program admins only."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _refuse_if_closed(invitation)
    token = _refresh(invitation, {"expires_at": timezone.now() + INVITATION_VALID_FOR})
    _enqueue_email(invitation, token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Makes a waiting or expired invitation's link stop working. The person can
    be invited again later. Idempotent; refused once accepted. Program admins only."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        return invitation
    _refuse_if_closed(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def participant_withdraw(*, participant: Participant, by: User) -> Participant:
    """Marks a person as withdrawn from their program: they are no longer offered
    for matching and can be invited again later. Their partnerships are left as
    they are (ending one is the matching board's job). Idempotent. Program admins only."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != Participant.Status.WITHDRAWN:
        participant.status = Participant.Status.WITHDRAWN
        participant.save(update_fields=["status", "updated_at"])
        logger.info(
            "Participant %s withdrawn from program %s by user %s",
            participant.pk,
            participant.program_id,
            by.pk,
        )
    return participant


@transaction.atomic
def invitation_accept(
    *, user: User, token: str | None = None, invitation_id: int | None = None
) -> Participant | Program:
    """``user`` joins the invitation's program in the invitation's role: a new
    participant, or a withdrawn one active again, returned. An invitation to
    help run the program (``InvitationRole.ADMIN``) makes them one of its
    admins instead, and no participant: the program is returned. The link is
    then used up. Someone with no display name yet takes the name on the invitation.

    The invitation is the one of the link's ``token`` (anyone holding the link
    may accept it: the link was emailed to the person invited and is the
    proof), or ``invitation_id`` when it was sent to one of ``user``'s verified
    addresses (the home page's Join button: the address is the proof; any
    other id is "unknown"). Refused, with a different message each, when the
    link is unknown (or replaced by a resend), expired, revoked or already
    used, and when the person is already in the program."""
    if token is not None:
        found = Invitation.objects.filter(token_hash=Invitation.hash_token(token))
    elif invitation_id is not None:
        found = sent_to_addresses_of(user).filter(pk=invitation_id)
    else:
        found = Invitation.objects.none()
    invitation = found.select_for_update(of=("self",)).select_related("program").first()
    now = timezone.now()
    if invitation is None:
        raise ValidationError(UNUSABLE["unknown"], code="unknown")
    if reason := unusable_reason(invitation, now=now):
        raise ValidationError(reason, code=invitation.state_at(now))
    program = invitation.program
    if invitation.role == InvitationRole.ADMIN:
        if program.admins.filter(pk=user.pk).exists():
            raise ValidationError(
                gettext("You already help run %(program)s.") % {"program": program.name},
                code="already_participant",
            )
        program.admins.add(user)
        _used_up(invitation, user, now)
        return program

    participant = Participant.objects.select_for_update().filter(program=program, user=user).first()
    if participant is not None and participant.status == Participant.Status.ACTIVE:
        raise ValidationError(
            gettext("You are already in %(program)s as %(role)s.")
            % {"program": program.name, "role": role_phrase(participant.role)},
            code="already_participant",
        )
    participant = participant_activate(
        program=program, user=user, role=invitation.role, participant=participant
    )
    if participant is None:  # joined through another invitation at this very moment
        raise ValidationError(
            gettext("You are already in %(program)s.") % {"program": program.name}, code="already_participant"
        )
    _used_up(invitation, user, now)
    return participant


def participant_activate(
    *, program: Program, user: User, role: str, participant: Participant | None
) -> Participant | None:
    """``user`` made an active participant of ``program`` as ``role``
    (``Participant.Role``): ``participant``, their row in it that the caller
    locked (``select_for_update``), active again in that role, or a new row
    when they have none (``participant`` None). Returns the participant, or
    None when another transaction created their row at this very moment (the
    one-row-per-person constraint, ``participant_once_per_program``): the
    caller decides what that means (joining by domain answers with that row;
    accepting an invitation refuses). Sends nothing; call it inside the
    caller's transaction, after the caller's own checks (who may join, and as
    what)."""
    if participant is not None:
        participant.role = role
        participant.status = Participant.Status.ACTIVE
        participant.save(update_fields=["role", "status", "updated_at"])
        return participant
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction goes on after a refusal
            return Participant.objects.create(
                program=program, user=user, role=role, status=Participant.Status.ACTIVE
            )
    except IntegrityError:
        return None


def _used_up(invitation: Invitation, user: User, now) -> None:
    if not user.display_name and invitation.name:
        # Someone who signed up from the invitation is shown by the name the admin gave.
        user.display_name = invitation.name
        user.save(update_fields=["display_name"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def invitation_send_email(*, invitation_id: int, token: str) -> None:
    """Emails the invitation's link (templates/email/invitation/: plain text and
    HTML) once, and records when.

    Called by the ``send_invitation`` task, outside any transaction. Sends
    nothing when the invitation was accepted or revoked meanwhile, when
    ``token`` is no longer its link (resent since: the newer task sends the
    newer link), or when it was already sent. The email goes through the
    ledger (``mentoring.mail.send_once``) keyed by the invitation and its link,
    so a task that runs twice sends once, and a resend, with a new link, sends
    again. If sending fails, nothing is recorded and the task's retry sends it."""
    token_hash = Invitation.hash_token(token)
    invitation = (
        Invitation.objects.select_related("program", "invited_by")
        .open()
        .filter(pk=invitation_id, token_hash=token_hash, sent_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    mail.send_once(
        "invitation",
        # The start of the link's hash tells links apart; the link itself is never stored.
        key=f"invitation-{invitation.pk}-{token_hash[:16]}",
        to=invitation.email,
        context={
            "invitation": invitation,
            "program": invitation.program,
            "inviter": inviter_name(invitation),
            "link": invitation_link(token),
            "valid_days": INVITATION_VALID_FOR.days,
        },
    )
    # Sent now, or by an earlier run that stopped before this line; recorded while still its link.
    Invitation.objects.filter(pk=invitation.pk, token_hash=token_hash, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
