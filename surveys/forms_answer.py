"""The answer form: one field per question of the survey, in its order, and
the tick that shares written answers with the program team."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.bounds.text import MultiLineField
from mentoring.form_words import InOurWords

from .models import NPS_MAX, NPS_MIN, QuestionKind, SurveyQuestion

TEXT_MAX = 1000

# The five points of an agreement scale, 1 to 5 (Likert's wording).
SCALE_LABELS = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)
NPS_LOW = _("Not at all likely")
NPS_HIGH = _("Extremely likely")


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.pk}"


class AnswerForm(InOurWords, forms.Form):
    """Built from the survey's questions (``questions``, in order): a scale as
    five labelled radios, an NPS question as 0–10 radios, a choice as its
    choices, text up to 1,000 characters. Each is required when its question
    says so; text past its length is refused in the product's words
    (``InOurWords``). ``answers()`` gives what the service saves, by question id."""

    shared = forms.BooleanField(
        label=_("Share my written answers with the program team (without my name)"), required=False
    )

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        shared = self.fields.pop("shared")
        for question in questions:
            field = self._field(question)
            field.survey_kind = question.kind  # how the template lays it out
            self.fields[field_name(question)] = field
        self.fields["shared"] = shared
        self.has_text = any(question.kind == QuestionKind.TEXT for question in questions)

    @staticmethod
    def _field(question: SurveyQuestion) -> forms.Field:
        common = {
            "label": question.text,
            "required": question.required,
            "error_messages": {
                "required": _("Answer this question.")
                if question.kind == QuestionKind.TEXT
                else _("Choose an answer to this question."),
                "invalid_choice": _("Choose one of the answers offered."),
            },
        }
        if question.kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=SCALE_LABELS, coerce=int, widget=forms.RadioSelect, **common
            )
        if question.kind == QuestionKind.NPS:
            return forms.TypedChoiceField(
                choices=[(n, str(n)) for n in range(NPS_MIN, NPS_MAX + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                **common,
            )
        if question.kind == QuestionKind.CHOICE:
            return forms.ChoiceField(
                choices=[(choice, choice) for choice in question.choice_list],
                widget=forms.RadioSelect,
                **common,
            )
        return MultiLineField(
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
            help_text=pgettext_lazy("survey text answer", "Up to 1,000 characters."),
            **common,
        )

    def answers(self) -> dict[int, int | str | None]:
        """The cleaned answers by question id (None or "" for one skipped)."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}
