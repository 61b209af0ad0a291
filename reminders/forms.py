from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class ReminderPreferencesForm(forms.Form):
    """The reminder kinds a person gets, offering only those that can reach
    them (``selectors.reachable_kinds``): a protégé is not asked about stall
    flags of programs they do not run."""

    kinds = forms.MultipleChoiceField(
        label=_("Email me these reminders"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Untick a kind to stop it. Reminders never arrive between 21:00 and 08:00 in your time zone."
        ),
    )

    def __init__(self, *args, offered: Iterable[str] = Kind.values, **kwargs):
        super().__init__(*args, **kwargs)
        offered = set(offered)
        self.offered = [kind for kind in Kind.values if kind in offered]
        self.fields["kinds"].choices = [(kind, Kind(kind).label) for kind in self.offered]
        # Only the kinds offered start ticked: a kind wanted but not shown (see
        # ``wanted``) made the form look changed however it was left.
        if (initial := self.initial.get("kinds")) is not None:
            self.initial["kinds"] = [kind for kind in initial if kind in offered]

    def wanted(self, now_wanted: Iterable[str]) -> list[str]:
        """The kinds to keep on: those ticked, and those not offered here as
        they are now (``now_wanted``), so saving never changes a hidden kind."""
        return [*self.cleaned_data["kinds"], *(kind for kind in now_wanted if kind not in self.offered)]
