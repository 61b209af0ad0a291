"""Forms for programs: matching settings, a participant's profile, invitations."""

from typing import cast

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import SingleLineField

from .matching import Weights
from .models import Method, Participant
from .rhythms import cadence_choices
from .services.invitations import normalise_email

CRITERIA = {
    "topics": _("Topics offered vs. sought"),
    "methods": _("Shared communication method"),
    "cadence": _("Compatible cadence"),
    "time_zone": _("Working-day overlap"),
    "load": _("Mentor's free places"),
}


CSV_MAX_BYTES = 1024 * 1024


class MatchingSettingsForm(forms.Form):
    """The weight of each criterion and the minimum score of a match."""

    min_score = forms.IntegerField(
        label=_("Minimum score of a match"),
        min_value=0,
        max_value=100,
        help_text=_("Below this a protégé stays unmatched rather than badly matched."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CRITERIA.items():
            self.fields[f"weight_{name}"] = forms.IntegerField(label=label, min_value=0, max_value=100)

    def clean(self):
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"weight_{name}") for name in CRITERIA):
            raise forms.ValidationError(gettext("At least one criterion must count for something."))
        return cleaned

    def weights(self) -> dict[str, int]:
        return {
            name.removeprefix("weight_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }

    @classmethod
    def stored_weights_errors(cls, stored: object) -> list[str]:
        """What is wrong with weights as stored in ``Program.match_weights``, judged by
        this form's own fields and rule, so the site admin and the matching board
        accept exactly what the board's settings form accepts.

        ``stored``: a JSON object of criterion name (the keys of ``CRITERIA``) to a
        whole number 0–100; a missing criterion keeps its default
        (``matching.Weights``), ``{}`` means all defaults. Returns one message per
        problem, ``[]`` when the value is fine."""
        if not isinstance(stored, dict):
            return [
                gettext('Give the weights as an object, e.g. {"topics": 45, "methods": 15}; use %(names)s.')
                % {"names": ", ".join(CRITERIA)}
            ]
        unknown = sorted(str(name) for name in stored if name not in CRITERIA)
        if unknown:
            return [
                gettext("Unknown criteria: %(unknown)s; use %(names)s.")
                % {"unknown": ", ".join(unknown), "names": ", ".join(CRITERIA)}
            ]
        weights = {**Weights().to_dict(), **stored}
        form = cls({"min_score": 0, **{f"weight_{name}": value for name, value in weights.items()}})
        if form.is_valid():
            return []
        return [
            f"{field.removeprefix('weight_')}: {message}" if field in form.fields else str(message)
            for field, messages in form.errors.items()
            for message in messages
        ]


class ParticipantProfileForm(forms.ModelForm):
    """What a person tells their program: mentors their intro, strengths and
    capacity; protégés their challenges; both their topics and preferences."""

    methods = forms.MultipleChoiceField(
        label=_("Preferred ways to meet"),
        choices=Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Participant
        fields = ["intro", "strengths", "challenges", "topics_offered", "topics_sought", "methods",
                  "preferred_cadence", "capacity"]  # fmt: skip
        labels = {
            "intro": _("About you"),
            "strengths": _("Strengths you offer, in your words"),
            "challenges": _("Challenges you want help with, in your words"),
            "topics_offered": _("Topics you can mentor on"),
            "topics_sought": _("Topics you want to work on"),
            "preferred_cadence": _("How often you would like to meet"),
            "capacity": _("How many protégés you can mentor at once"),
        }
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 5}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "topics_offered": forms.CheckboxSelectMultiple,
            "topics_sought": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participant = self.instance
        topics = participant.program.topics.all()
        if participant.role == Participant.Role.MENTOR:
            for name in ["challenges", "topics_sought"]:
                del self.fields[name]
            cast(forms.ModelMultipleChoiceField, self.fields["topics_offered"]).queryset = topics
            self.fields["intro"].help_text = gettext(
                "Your work experience, why you mentor, earlier partnerships. Protégés read this first: "
                "sharing it is how trust starts."
            )
            self.fields["capacity"].help_text = gettext("From 1 to 10. You mentor %(count)d now.") % {
                "count": participant.load
            }
        else:
            for name in ["strengths", "topics_offered", "capacity"]:
                del self.fields[name]
            cast(forms.ModelMultipleChoiceField, self.fields["topics_sought"]).queryset = topics
            self.fields["intro"].help_text = gettext("A few lines about you and your work, for your mentor.")
        self.fields["preferred_cadence"].required = False
        # The same words as the program's default cadence in its settings (``rhythms.cadence_choices``).
        blank = list(Participant._meta.get_field("preferred_cadence").get_choices(include_blank=True))[:1]
        cast(forms.ChoiceField, self.fields["preferred_cadence"]).choices = [*blank, *cadence_choices()]

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if capacity < self.instance.load:
            raise forms.ValidationError(
                ngettext(
                    "You mentor %(count)d person now; capacity cannot be lower than that.",
                    "You mentor %(count)d people now; capacity cannot be lower than that.",
                    self.instance.load,
                )
                % {"count": self.instance.load}
            )
        return capacity


class InvitationForm(forms.Form):
    name = SingleLineField(
        label=_("Name"),
        max_length=120,
        help_text=_("As they like to be called; used in the email."),
        error_messages={"required": _("Enter the person’s name.")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address to send the invitation to."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Participant.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether they join as a mentor or a protégé.")},
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class InvitationsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        # Translators: name,email,role, mentor and protégé are what the file says: keep them in English.
        help_text=_("One person a line under the column names name,email,role. Role is mentor or protégé."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        template_name="partnerships/forms/file_field.html",  # type: ignore[call-arg]  # Field takes it; the stubs miss it
        error_messages={
            "required": _("Choose a CSV file to upload."),
            "empty": _("The file is empty: add the column names and one line per person."),
        },
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > CSV_MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 1 MB. Split it into smaller files."))
        return file
