from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mentoring.bounds import validate_single_line
from partnerships.invitations import inviter_name, role_phrase, stashed_invitation

from .models import User, time_zone_choices

# Long enough for any passphrase; the hash is what is stored.
PASSWORD_MAX_LENGTH = 128

# Shown under a time zone that nobody chose yet. Without JavaScript the first
# stays; static/js/time-zone.js picks the browser's zone and shows the second.
TIME_ZONE_NOT_CHOSEN = _("Set to UTC. Choose where you are, so call times and reminders are in your time.")
TIME_ZONE_FROM_BROWSER = _("Filled in from your browser. Change it if you are usually somewhere else.")


def offer_browser_time_zone(field: forms.Field) -> None:
    """Marks a time zone choice for static/js/time-zone.js to preselect the
    browser's zone (``Intl.DateTimeFormat().resolvedOptions().timeZone``),
    with hints that say which happened."""
    field.help_text = TIME_ZONE_NOT_CHOSEN
    field.widget.attrs["data-browser-time-zone"] = TIME_ZONE_FROM_BROWSER


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody picks UTC on purpose: it is the zone of someone who never chose.
        if not self.is_bound and self.instance.time_zone == settings.TIME_ZONE:
            offer_browser_time_zone(self.fields["time_zone"])


class InvitationSignUpForm(SignupForm):
    """allauth's sign-up form, which only an invitation opens
    (accounts.adapter): the email address is the invited one, shown and never
    taken from what is posted (another address means another invitation), and
    the person says their time zone, preselected from the browser."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial=settings.TIME_ZONE)

    field_order = ["email", "password1", "password2", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.help_text = _("The address your invitation was sent to.")
        pending = stashed_invitation(context.request) if context.request is not None else None
        #: The invitation being taken up, for the page to say what signing up joins.
        self.invitation = pending[1] if pending else None
        email.initial = self.invitation.email if self.invitation else ""
        if self.invitation:
            self.inviter = inviter_name(self.invitation)
            self.role_phrase = role_phrase(self.invitation.role)
        for name in ("password1", "password2"):
            # A password is typed too: bounded, and on one line like any other.
            password = self.fields[name]
            password.max_length = PASSWORD_MAX_LENGTH
            password.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
            password.validators += [MaxLengthValidator(PASSWORD_MAX_LENGTH), validate_single_line]
        if not self.is_bound:
            offer_browser_time_zone(self.fields["time_zone"])
