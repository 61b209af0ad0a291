"""The invitation being accepted, kept in the session across sign-up: the link's
token, stashed when a person without an account opens it (views.invitations.accept),
read by the sign-up adapter and form (sign_up), forgotten once they joined."""

from django.http import HttpRequest
from django.utils import timezone

from .models import Invitation
from .selectors.invitations import invitation_for_token, unusable_reason

SESSION_KEY = "invitation_token"


def stash_invitation(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = token


def stashed_invitation(request: HttpRequest) -> tuple[str, Invitation] | None:
    """The link token in this session and its invitation, while it can still be accepted."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    invitation = invitation_for_token(token)
    if invitation is None or unusable_reason(invitation, now=timezone.now()):
        return None
    return token, invitation


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
