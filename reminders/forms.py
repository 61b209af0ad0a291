from django import forms

from .models import Kind


class ReminderPreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Email me these reminders",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a kind to stop it. Reminders never arrive between 21:00 and 08:00 in your time zone.",
    )
