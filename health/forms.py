"""The program overview's filters of partnerships by their health."""

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy

from mentoring.bounds.text import SingleLineField
from partnerships.models import Partnership

from .rule import Label
from .selectors import HEALTH_SORTS

# A filter's choice of no filtering.
ANY = pgettext_lazy("filter", "Any")


class HealthFilterForm(forms.Form):
    """The overview's filters: a plain GET form, so it works without JavaScript
    and every filtered view has an address to bookmark."""

    q = SingleLineField(label=gettext_lazy("Name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=pgettext_lazy("partnership", "Status"),
        required=False,
        choices=[
            ("current", gettext_lazy("Current (proposed or active)")),
            ("all", pgettext_lazy("partnerships filter", "All")),
            *Partnership.Status.choices,
        ],
    )
    health = forms.ChoiceField(
        label=pgettext_lazy("partnership health", "Health"),
        required=False,
        choices=[("", ANY), *Label.choices],
    )
    agreement = forms.ChoiceField(
        label=gettext_lazy("Agreement"),
        required=False,
        choices=[
            ("", ANY),
            ("yes", pgettext_lazy("agreement", "Accepted")),
            ("no", pgettext_lazy("agreement", "None yet")),
        ],
    )
    calls = forms.ChoiceField(
        label=gettext_lazy("Calls"),
        required=False,
        choices=[
            ("", ANY),
            ("behind", gettext_lazy("Behind the cadence")),
            ("on_rhythm", gettext_lazy("On rhythm")),
        ],
    )
    homework = forms.ChoiceField(
        label=gettext_lazy("Homework"),
        required=False,
        choices=[("", ANY), ("behind", gettext_lazy("Some due not done"))],
    )
    rating = forms.ChoiceField(
        label=gettext_lazy("Goal ratings"),
        required=False,
        choices=[
            ("", ANY),
            ("down", gettext_lazy("Going down")),
            ("up", gettext_lazy("Going up")),
            ("none", gettext_lazy("Not rated yet")),
        ],
    )
    sort = SingleLineField(required=False, max_length=20, widget=forms.HiddenInput)

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort.lstrip("-") in HEALTH_SORTS else ""

    @property
    def filters(self) -> dict:
        """What was valid of the filters; an invalid one is ignored, not an error page."""
        self.is_valid()
        return self.cleaned_data
