from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts.models import User
from partnerships.invitations import stashed_invitation


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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails, without a sign-up link: sign-up is by invitation, so
        the "unknown account" mail (a password reset for an address nobody
        uses) must not invite anyone to sign up
        (templates/account/email/unknown_account_message.txt says what to do)."""
        context = {key: value for key, value in context.items() if key != "signup_url"}
        super().send_mail(template_prefix, email, context)
