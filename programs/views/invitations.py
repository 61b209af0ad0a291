"""The invitation link, ``/invitations/<token>/``: open to anyone holding it.

- A link that cannot be used (unknown or replaced by a resend, expired,
  revoked, already used) answers 410 Gone with a page that says which, and to
  ask the program admin: the address existed and will not work again, which
  is what 410 means, and unlike 404 it does not suggest a typo.
- Signed in: a confirm page, "Join <program> as <role>"; its button POSTs,
  joins, and redirects home with a message.
- Not signed in, and the invited address has an account: asks them to sign in,
  then brings them back here.
- Signed in, from the home page: each invitation waiting for one of the
  person's verified addresses has a Join button (``join``), no link needed.
- Otherwise: sign up. The token goes in the session (which opens sign-up, see
  programs.sign_up) and the invited address is stashed as verified, so no
  second email is needed. The sign-up page says "Join <program> as <role>",
  so signing up joins (programs.sign_up.InvitationOnlyAccountAdapter.save_user) and lands on the home page.
"""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from mentoring.http import HtmxHttpRequest

from ..invitation_session import forget_invitation, stash_invitation
from ..models import Invitation, InvitationRole, Participant, Program
from ..selectors.invitations import invitation_for_token, unusable_reason
from ..services.invitations import invitation_accept, inviter_name, role_phrase


def _gone(request: HtmxHttpRequest, invitation: Invitation | None, reason: str) -> TemplateResponse:
    return TemplateResponse(
        request,
        "partnerships/invitation_unusable.html",
        {
            "invitation": invitation,
            "reason": reason,
            "joined": invitation is not None
            and request.user.is_authenticated
            and invitation.accepted_by_id == request.user.pk,
        },
        status=410,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HtmxHttpRequest, token: str):
    invitation = invitation_for_token(token)
    if reason := unusable_reason(invitation, now=timezone.now()):
        return _gone(request, invitation, reason)
    context = {
        "invitation": invitation,
        "program": invitation.program,
        "token": token,
        "inviter": inviter_name(invitation),
        "role_phrase": role_phrase(invitation.role),
        "next_query": urlencode({"next": request.path}),
    }

    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        if User.objects.filter(email__iexact=invitation.email).exists():
            return TemplateResponse(request, "partnerships/invitation_sign_in.html", context)
        stash_invitation(request, token)
        get_adapter(request).stash_verified_email(request, invitation.email)
        return HttpResponseRedirect(reverse("account_signup"))

    if request.method == "POST":
        try:
            participant = invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            if error.code == "already_participant":
                messages.info(request, " ".join(error.messages))
                return redirect("home:home")
            return _gone(request, invitation, " ".join(error.messages))
        forget_invitation(request)
        _say_joined(request, participant)
        return redirect("home:home")

    if invitation.role == InvitationRole.ADMIN:
        context["already_admin"] = invitation.program.admins.filter(pk=request.user.pk).exists()
    else:
        context["already"] = Participant.objects.filter(
            program=invitation.program, user=request.user, status=Participant.Status.ACTIVE
        ).first()
    context["other_address"] = invitation.email.lower() != request.user.email.lower()
    return TemplateResponse(request, "partnerships/invitation_confirm.html", context)


def _say_joined(request: HtmxHttpRequest, joined: Participant | Program) -> None:
    if isinstance(joined, Program):  # an invitation to help run it
        messages.success(
            request, gettext("You now help run %(program)s. It is under Programs.") % {"program": joined.name}
        )
        return
    role = (
        pgettext("joined as", "mentor")
        if joined.role == Participant.Role.MENTOR
        else pgettext("joined as", "protégé")
    )
    messages.success(
        request,
        gettext("Welcome to %(program)s. You joined as %(role)s.")
        % {"program": joined.program.name, "role": role},
    )


@login_required
@require_POST
def join(request: HtmxHttpRequest, invitation_id: int) -> HttpResponseRedirect:
    """The home page's Join button: accepts an invitation sent to one of the
    signed-in person's verified addresses, then back home with a message. An
    invitation sent to anyone else is a 404."""
    try:
        participant = invitation_accept(user=request.user, invitation_id=invitation_id)
    except ValidationError as error:
        if error.code == "unknown":
            raise Http404 from error
        messages.info(request, " ".join(error.messages))
        return redirect("home:home")
    _say_joined(request, participant)
    return redirect("home:home")
