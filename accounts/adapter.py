"""allauth's account adapter, speaking in the product's words. The sign-up
rules (by invitation only) are programs.sign_up.InvitationOnlyAccountAdapter,
which builds on this one."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    #: allauth's form errors, with ours where allauth's read like a machine's
    #: ("The email address and/or password you specified are not correct.").
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "That email and password don't match an account. Check them, or reset your password."
        ),
    }
