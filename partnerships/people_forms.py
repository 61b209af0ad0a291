"""Forms of the people page: invite one person, or upload a CSV of many.
(Apart from forms.py, which the matching board owns, until the two settle.)"""

from django import forms

from .invitations import normalise_email
from .models import Participant

CSV_MAX_BYTES = 1024 * 1024


class InvitationForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="As they like to be called; used in the email.",
        error_messages={"required": "Enter the person’s name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address to send the invitation to.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Participant.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they join as a mentor or a protégé."},
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class InvitationsUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One person a line under the column names name,email,role. Role is mentor or protégé.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        template_name="partnerships/forms/file_field.html",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty: add the column names and one line per person.",
        },
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > CSV_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB. Split it into smaller files.")
        return file
