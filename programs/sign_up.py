"""Signing up from a program's invitation: allauth's adapter and sign-up form."""

from types import SimpleNamespace

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.adapter import AccountAdapter
from accounts.forms import PASSWORD_MAX_LENGTH, in_our_words, offer_browser_time_zone
from accounts.models import User, time_zone_choices
from mentoring.bounds.text import validate_single_line
from mentoring.site import site_domain

from .invitation_session import forget_invitation, stashed_invitation
from .models import Participant, Program
from .question_forms import ANSWER_FIELD_PREFIX, answer_fields, answers_from
from .selectors.questions import questions_for
from .services.answers import answers_save
from .services.invitations import invitation_accept, inviter_name, role_phrase

#: What allauth's emails call the site ("Hello from …!", "Thank you for using …!").
SITE_NAME = "Mentoring"  # i18n: not shown (the product's name, the same in every language)


class InvitationOnlyAccountAdapter(AccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up uninvited: people join through a program's invitation
        link, and the first admin comes from ``createsuperuser`` or ``seed_demo``.
        Sign-up is open only in a session that opened an invitation link that can
        still be accepted (programs.views.invitations.accept puts it there),
        and only until the invited address has an account; otherwise allauth
        shows "sign-up closed"."""
        pending = stashed_invitation(request)
        if pending is None:
            return False
        _token, invitation = pending
        return not User.objects.filter(email__iexact=invitation.email).exists()

    def save_user(self, request: HttpRequest, user: User, form: BaseForm, commit: bool = True) -> User:
        """Creates the account from the sign-up form (accounts.forms.InvitationSignUpForm:
        the invited address, a password, a time zone, the program's questions)
        and joins the invitation's program at once, with the answers given, in
        one transaction: the sign-up page asks "Join <program> as <role>", so
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
            with transaction.atomic():  # joined with the answers, or not at all
                participant = invitation_accept(token=token, user=user)
                questions = getattr(form, "questions", [])
                if isinstance(participant, Participant) and questions:
                    answers_save(participant=participant, cleaned=answers_from(questions, form.cleaned_data))
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            if isinstance(participant, Program):  # an invitation to help run it
                messages.success(
                    request,
                    _("You now help run %(program)s. It is under Programs.") % {"program": participant.name},
                )
                forget_invitation(request)
                return user
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
        context["current_site"] = SimpleNamespace(name=SITE_NAME, domain=site_domain())
        super().send_mail(template_prefix, email, context)


class InvitationSignUpForm(SignupForm):
    """allauth's sign-up form, which only an invitation opens
    (InvitationOnlyAccountAdapter): the email address is the invited one, shown and never
    taken from what is posted (another address means another invitation), and
    the person says their time zone, preselected from the browser, and answers
    the program's own questions for their role (required ones required)."""

    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=time_zone_choices, initial=settings.TIME_ZONE
    )

    field_order = ["email", "password1", "password2", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.help_text = gettext_lazy("The address your invitation was sent to.")
        pending = stashed_invitation(context.request) if context.request is not None else None
        #: The invitation being taken up, for the page to say what signing up joins.
        self.invitation = pending[1] if pending else None
        email.initial = self.invitation.email if self.invitation else ""
        #: The program's questions for the invited role, asked among the form's fields.
        self.questions = []
        if self.invitation:
            self.inviter = inviter_name(self.invitation)
            self.role_phrase = role_phrase(self.invitation.role)
            if self.invitation.role in Participant.Role.values:
                self.questions = questions_for(self.invitation.program_id, self.invitation.role)
                self.fields.update(answer_fields(self.questions))
        for name in ("password1", "password2"):
            # A password is typed too: bounded, and on one line like any other.
            password = self.fields[name]
            password.max_length = PASSWORD_MAX_LENGTH
            password.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
            password.validators += [MaxLengthValidator(PASSWORD_MAX_LENGTH), validate_single_line]
        in_our_words(
            self, {"email": gettext_lazy("Email address"), "password2": gettext_lazy("Password again")}
        )
        if not self.is_bound:
            offer_browser_time_zone(self.fields["time_zone"])

    def account_fields(self) -> list:
        """The visible fields about the account (address, password, time zone), shown first."""
        return [field for field in self.visible_fields() if not field.name.startswith(ANSWER_FIELD_PREFIX)]

    def question_fields(self) -> list:
        """The program's questions' fields, shown under "Questions from <program>"."""
        return [field for field in self.visible_fields() if field.name.startswith(ANSWER_FIELD_PREFIX)]
