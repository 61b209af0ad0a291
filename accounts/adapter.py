from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up uninvited: people join through a program's invitation
        link, and the first admin comes from ``createsuperuser`` or ``seed_demo``.
        Until an invitation is being accepted, allauth shows "sign-up closed"."""
        return False
