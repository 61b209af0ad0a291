"""The product's own words where Django would speak its defaults.

A crafted post reaches a form's checks the page never lets a person trip:
text past the field's length, a choice the form does not offer, a NUL byte.
Django answers those with "Ensure this value has at most 300 characters (it
has 5000)", "Select a valid choice. X is not one of the available choices."
and, for a NUL already refused as a control character, a second message
"Null characters are not allowed.". A form that mixes in ``InOurWords`` says
each in the product's calm voice, once, without echoing what was sent."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import validate_multi_line, validate_single_line

TOO_LONG = _("Keep it to %(limit_value)d characters or fewer; this is %(show_value)d.")
NOT_AN_OPTION = _("Choose one of the options shown.")


def _django_default(field: forms.Field, code: str):
    """The message Django's own field classes give for ``code``."""
    for klass in type(field).__mro__:
        if code in getattr(klass, "default_error_messages", {}) and klass.__module__.startswith("django."):
            return klass.default_error_messages[code]
    return None


def in_our_words(form: forms.BaseForm) -> None:
    """Gives each field of ``form`` the product's words for a text too long and
    a choice not offered (unless the form has its own), and drops Django's NUL
    check where the field refuses control characters already."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            field.error_messages.setdefault("max_length", TOO_LONG)
        if "invalid_choice" in field.error_messages and field.error_messages["invalid_choice"] is (
            _django_default(field, "invalid_choice")
        ):
            field.error_messages["invalid_choice"] = NOT_AN_OPTION
        if validate_single_line in field.validators or validate_multi_line in field.validators:
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]


class InOurWords:
    """Mixed into a form (before ``forms.Form`` or ``forms.ModelForm``): its
    fields, including those added in ``__init__``, speak the product's words."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        in_our_words(self)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]
