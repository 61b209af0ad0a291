from django import forms

from .models import Participant


class MatchForm(forms.Form):
    protege = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Protégé")
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Mentor")

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        people = Participant.objects.filter(program=program).select_related("user")
        self.fields["protege"].queryset = people.filter(role=Participant.Role.PROTEGE)
        self.fields["mentor"].queryset = people.filter(role=Participant.Role.MENTOR)


class UnmatchForm(forms.Form):
    reason = forms.CharField(
        label="Why are you ending this match?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="No blame: a sentence that helps the next match, e.g. “time zones did not work out”.",
    )


class DraftChangeForm(forms.Form):
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Mentor")

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Participant.objects.filter(
            program=program, role=Participant.Role.MENTOR
        ).select_related("user")


CRITERIA = {
    "topics": "Topics offered vs. sought",
    "methods": "Shared communication method",
    "cadence": "Compatible cadence",
    "time_zone": "Working-day overlap",
    "load": "Mentor's free places",
}


class MatchingSettingsForm(forms.Form):
    """The weight of each criterion and the minimum score of a match."""

    min_score = forms.IntegerField(
        label="Minimum score of a match",
        min_value=0,
        max_value=100,
        help_text="Below this a protégé stays unmatched rather than badly matched.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CRITERIA.items():
            self.fields[f"weight_{name}"] = forms.IntegerField(label=label, min_value=0, max_value=100)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"weight_{name}") for name in CRITERIA):
            raise forms.ValidationError("At least one criterion must count for something.")
        return cleaned

    def weights(self) -> dict[str, int]:
        return {
            name.removeprefix("weight_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }
