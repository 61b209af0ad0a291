from allauth.account.fields import PasswordField, SetPasswordField
from allauth.account.forms import (
    AddEmailForm,
    ChangePasswordForm,
    LoginForm,
    ReauthenticateForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
)
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import validate_single_line
from mentoring.languages import language_of

from .models import User

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
    # Each language named in itself, as a person looking for theirs reads it.
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages, emails and reminders are in this language."),
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]
        labels = {"display_name": _("Display name"), "time_zone": _("Time zone")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["language"] = language_of(self.instance)
        # Nobody picks UTC on purpose: it is the zone of someone who never chose.
        # (The zone shown may be one typed and not saved yet: home.views.profile.)
        if not self.is_bound and self.initial.get("time_zone") == settings.TIME_ZONE:
            offer_browser_time_zone(self.fields["time_zone"])


# allauth's sign-in, password and email forms, in our words: sentence-case
# labels, no placeholder repeating the label (it reads as a filled-in value and
# is gone once typing starts), and the "forgotten your password?" link on the
# page rather than as the password field's hint (templates/account/login.html).
# Each text typed is bounded and on one line, like any other (passwords included).
def in_our_words(form: forms.Form, labels: dict[str, str]) -> None:
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        if name in labels:
            field.label = labels[name]
        if isinstance(field, forms.CharField):
            if field.max_length is None:
                field.max_length = PASSWORD_MAX_LENGTH
                field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)
                field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
            if validate_single_line not in field.validators:
                field.validators.append(validate_single_line)
        if isinstance(field, PasswordField) and not isinstance(field, SetPasswordField):
            field.help_text = ""  # allauth's "Forgot your password?" link: the page has ours


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {
                "login": _("Email address"),
                "password": _("Password"),
                "remember": _("Keep me signed in on this device"),
            },
        )


class PasswordResetForm(ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(self, {"email": _("Email address")})


class NewPasswordForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(self, {"password1": _("New password"), "password2": _("New password again")})


class PasswordChangeForm(ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("New password again"),
            },
        )


class PasswordSetForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(self, {"password1": _("Password"), "password2": _("Password again")})


class EmailAddForm(AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_our_words(self, {"email": _("Email address")})


class ConfirmItIsYouForm(ReauthenticateForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        in_our_words(self, {"password": _("Password")})
