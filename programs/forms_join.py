"""Forms for joining a program by the domain of one's verified address: the
domains and role its admins set, and the role a person chooses on joining."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import MultiLineField
from mentoring.form_words import InOurWords

from .models import Participant
from .models.programs import JoinRole
from .services.join import DOMAINS_MAX, clean_domain


class JoinDomainsForm(InOurWords, forms.Form):
    """A program's join-by-domain domains, one a line, and the role people join as."""

    domains = MultiLineField(
        label=_("Domains"),
        max_length=DOMAINS_MAX * 256,
        required=False,
        help_text=_(
            "One a line, e.g. example.org: the part of an address after “@”. Up to 10. "
            "Leave empty to admit people by personal invitation only."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(
        label=_("They join as"), choices=JoinRole.choices, widget=forms.RadioSelect, initial=JoinRole.EITHER
    )

    def clean_domains(self) -> list[str]:
        lines = [line.strip() for line in (self.cleaned_data.get("domains") or "").splitlines()]
        domains: list[str] = []
        errors = []
        for line in filter(None, lines):
            try:
                domain = clean_domain(line)
            except forms.ValidationError as error:
                errors.append(error)
            else:
                if domain not in domains:
                    domains.append(domain)
        if len(domains) > DOMAINS_MAX:
            errors.append(
                forms.ValidationError(
                    gettext("A program has at most %(max)d domains; this is %(count)d.")
                    % {"max": DOMAINS_MAX, "count": len(domains)},
                    code="too_many_domains",
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return domains


class JoinRoleForm(forms.Form):
    """The role someone chooses when the program lets them (``JoinRole.EITHER``)."""

    role = forms.ChoiceField(
        label=_("Join as"),
        choices=[
            (Participant.Role.MENTOR, _("A mentor: I guide a protégé")),
            (Participant.Role.PROTEGE, _("A protégé: I want a mentor")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you join as a mentor or as a protégé.")},
    )
