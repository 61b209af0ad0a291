"""The program overview's filters of partnerships by their health."""

from django import forms

from mentoring.bounds.text import SingleLineField
from partnerships.models import Partnership

from .rule import Label
from .selectors import HEALTH_SORTS


class HealthFilterForm(forms.Form):
    """The overview's filters: a plain GET form, so it works without JavaScript
    and every filtered view has an address to bookmark."""

    q = SingleLineField(label="Name", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("current", "Current (proposed or active)"), ("all", "All"), *Partnership.Status.choices],
    )
    health = forms.ChoiceField(label="Health", required=False, choices=[("", "Any")])
    agreement = forms.ChoiceField(
        label="Agreement", required=False, choices=[("", "Any"), ("yes", "Accepted"), ("no", "None yet")]
    )
    calls = forms.ChoiceField(
        label="Calls",
        required=False,
        choices=[("", "Any"), ("behind", "Behind the cadence"), ("on_rhythm", "On rhythm")],
    )
    homework = forms.ChoiceField(
        label="Homework", required=False, choices=[("", "Any"), ("behind", "Some due not done")]
    )
    rating = forms.ChoiceField(
        label="Goal ratings",
        required=False,
        choices=[("", "Any"), ("down", "Going down"), ("up", "Going up"), ("none", "Not rated yet")],
    )
    sort = SingleLineField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["health"].choices = [("", "Any"), *Label.choices]

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort.lstrip("-") in HEALTH_SORTS else ""

    @property
    def filters(self) -> dict:
        """What was valid of the filters; an invalid one is ignored, not an error page."""
        self.is_valid()
        return self.cleaned_data
