from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from partnerships.invitations import forget_invitation, invitation_accept, role_phrase, stashed_invitation

#: What allauth's emails call the site ("Hello from …!", "Thank you for using …!").
SITE_NAME = "Mentoring"


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up uninvited: people join through a program's invitation
        link, and the first admin comes from ``createsuperuser`` or ``seed_demo``.
        Sign-up is open only in a session that opened an invitation link that can
        still be accepted (partnerships.views.invitations.accept puts it there),
        and only until the invited address has an account; otherwise allauth
        shows "sign-up closed"."""
        pending = stashed_invitation(request)
        if pending is None:
            return False
        _token, invitation = pending
        return not User.objects.filter(email__iexact=invitation.email).exists()

    def save_user(self, request: HttpRequest, user: User, form: BaseForm, commit: bool = True) -> User:
        """Creates the account from the sign-up form (accounts.forms.InvitationSignUpForm:
        the invited address, a password, a time zone) and joins the invitation's
        program at once: the sign-up page asks "Join <program> as <role>", so
        signing up is accepting. Should the invitation stop being usable between
        the page and the button (revoked, expired), the account stays and the
        person is told why they did not join."""
        user.time_zone = form.cleaned_data.get("time_zone") or settings.TIME_ZONE
        user = super().save_user(request, user, form, commit)
        pending = stashed_invitation(request) if commit else None
        if pending is None:
            return user
        token, invitation = pending
        try:
            participant = invitation_accept(token=token, user=user)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "You joined %(program)s as %(role)s. Your partnership shows here once "
                    "your program admin matches you."
                )
                % {"program": invitation.program.name, "role": role_phrase(participant.role)},
            )
        forget_invitation(request)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails, greeting from the product ("Hello from Mentoring!")
        rather than from the host the request came to, and without a sign-up
        link: sign-up is by invitation, so the "unknown account" mail (a
        password reset for an address nobody uses) must not invite anyone to
        sign up (templates/account/email/unknown_account_message.txt says what
        to do)."""
        context = {key: value for key, value in context.items() if key != "signup_url"}
        context["current_site"] = SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, context)
