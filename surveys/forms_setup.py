"""A program admin's survey form: the survey's words, kind, audience and
timing (``SurveyForm``), its questions as rows of a formset (``QuestionRowForm``,
``question_formset``), and the two templates a new survey may start from
(``STARTS``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import MultiLineField, SingleLineField
from mentoring.form_words import InOurWords
from programs.models.questions import Audience
from programs.question_forms import choice_labels

from .models import (
    CHOICES_MAX,
    EVERY_DAYS,
    FIRST_AFTER_DAYS,
    QUESTIONS_MAX,
    QuestionKind,
    Survey,
    SurveyKind,
    SurveyQuestion,
)

CHOICE_MAX_LENGTH = 80
CHOICES_MIN = 2
# Empty rows offered below the questions of a form (within QUESTIONS_MAX).
EXTRA_ROWS = 2

FIRST_AFTER_MESSAGE = _("Give a number of days from 1 to 365.")
EVERY_MESSAGE = _("Give a number of days from 14 to 365, or leave it empty to send it once.")


class DaysInput(forms.NumberInput):
    """A number of days, without the browser's ``required``: a closing survey leaves it empty."""

    def use_required_attribute(self, initial) -> bool:
        return False


class PulseDaysField(forms.IntegerField):
    """Days a pulse needs (the days after the match): ``required``, so its
    label is not marked "(optional)", yet left empty it passes its own check,
    since a closing survey leaves it empty; ``SurveyForm.clean`` asks for it
    for a pulse and clears it for a closing survey."""

    def validate(self, value) -> None:
        """Nothing beyond ``IntegerField``'s range checks: ``Field.validate`` checks only ``required``."""


def _days_field(
    label, low_high: tuple[int, int], message, help_text, *, field_class=forms.IntegerField
) -> forms.IntegerField:
    return field_class(
        label=label,
        min_value=low_high[0],
        max_value=low_high[1],
        required=field_class is PulseDaysField,
        help_text=help_text,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        widget=DaysInput(attrs={"inputmode": "numeric"}),
    )


class SurveyForm(InOurWords, forms.Form):
    """A survey's own fields. A pulse needs the days after the match (1–365)
    and may repeat every 14–365 days; a closing survey takes no days, and any
    filled in (the blank start fills in 30) are cleared without a word rather
    than refused, since they say nothing about a closing survey. With
    ``locked`` (answers were given) its kind no longer changes."""

    title = SingleLineField(label=_("Title"), max_length=Survey._meta.get_field("title").max_length)
    kind = forms.ChoiceField(label=_("When it is sent"), choices=SurveyKind.choices, widget=forms.RadioSelect)
    audience = forms.ChoiceField(
        label=_("Sent to"), choices=Audience.choices, initial=Audience.BOTH, widget=forms.RadioSelect
    )
    first_after_days = _days_field(
        _("Days after the match"),
        FIRST_AFTER_DAYS,
        FIRST_AFTER_MESSAGE,
        _(
            "A pulse's first round goes this many days after a pair is matched. A closing survey leaves it empty."
        ),
        field_class=PulseDaysField,
    )
    every_days = _days_field(
        _("Then every (days)"),
        EVERY_DAYS,
        EVERY_MESSAGE,
        _("Pulse only: 14 to 365. Empty: sent once."),
    )
    intro = MultiLineField(
        label=_("Introduction"),
        max_length=Survey._meta.get_field("intro").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions. Up to 500 characters."),
    )

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give the survey a title.")
        if locked:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Answers were given: the kind no longer changes.")

    @classmethod
    def of(cls, survey: Survey, data=None, *, locked: bool = False) -> "SurveyForm":
        initial = {name: getattr(survey, name) for name in SURVEY_FIELDS}
        return cls(data, initial=initial, locked=locked)

    def clean(self):
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == SurveyKind.CLOSING:
            for name in ("first_after_days", "every_days"):
                cleaned[name] = None
                self.errors.pop(name, None)
        elif (
            kind == SurveyKind.PULSE
            and "first_after_days" not in self.errors
            and cleaned.get("first_after_days") is None
        ):
            self.add_error(
                "first_after_days", _("Give the days after the match for the first round, from 1 to 365.")
            )
        return cleaned

    def survey_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SURVEY_FIELDS}


SURVEY_FIELDS = ["title", "kind", "audience", "first_after_days", "every_days", "intro"]
QUESTION_FIELDS = ["kind", "text", "choices", "required"]


class QuestionRowForm(InOurWords, forms.Form):
    """One question: its kind of answer, its words, its choices one per line (a
    choice question only: 2 to 8, each up to 80 characters, each once), and
    whether an answer is required. A row left as offered is ignored."""

    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, initial=QuestionKind.SCALE
    )
    text = SingleLineField(
        label=_("Question"),
        max_length=SurveyQuestion._meta.get_field("text").max_length,
        error_messages={"required": _("Write the question, or clear this row.")},
    )
    choices = MultiLineField(
        label=_("Choices, one per line"),
        max_length=CHOICES_MAX * (CHOICE_MAX_LENGTH + 2),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question only: 2 to 8 choices, one a line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def has_changed(self) -> bool:
        """Whether anything was typed: a row with no question and no choices is
        ignored, whatever its kind and tick (so clearing a row removes it)."""
        return any((self[name].value() or "").strip() for name in ("text", "choices"))

    def clean_choices(self) -> list[str]:
        return choice_labels(
            self.cleaned_data.get("choices", ""), most=CHOICES_MAX, longest=CHOICE_MAX_LENGTH
        )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("DELETE"):
            return cleaned
        kind, labels = cleaned.get("kind"), cleaned.get("choices")
        if kind == QuestionKind.CHOICE and labels is not None and len(labels) < CHOICES_MIN:
            self.add_error("choices", _("Give at least 2 choices, one a line."))
        if kind and kind != QuestionKind.CHOICE and labels:
            self.add_error("choices", _("Only a choice question has choices: empty this box."))
        return cleaned

    def row(self) -> dict:
        """The question as the services take it: kind, text, choices (a list), required."""
        return {name: self.cleaned_data.get(name) for name in QUESTION_FIELDS}


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this question")

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if not self.rows():
            raise ValidationError(_("A survey needs at least one question: write one."), code="no_questions")

    def rows(self) -> list[dict]:
        """The questions in their order, without rows left as offered or marked to remove."""
        return [
            form.row()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


QuestionFormSet = forms.formset_factory(
    QuestionRowForm,
    formset=BaseQuestionFormSet,
    extra=EXTRA_ROWS,
    max_num=QUESTIONS_MAX,
    absolute_max=QUESTIONS_MAX,
    validate_max=True,
    can_delete=True,
)
QUESTIONS_PREFIX = "questions"


def question_formset(data=None, *, rows: list[dict] | None = None) -> BaseQuestionFormSet:
    """The question rows: what was posted, or ``rows`` (a template's or the
    survey's questions) followed by empty rows up to ``QUESTIONS_MAX``."""
    # Every row may be left empty, the template's too: clearing a row removes it.
    kwargs = {
        "prefix": QUESTIONS_PREFIX,
        "form_kwargs": {"empty_permitted": True},
        "error_messages": {
            "too_many_forms": _("Keep it to %(num)d questions or fewer.") % {"num": QUESTIONS_MAX},
            "missing_management_form": _("The questions were not all sent: try again."),
        },
    }
    if data is not None:
        formset = QuestionFormSet(data, **kwargs)
    else:
        formset = QuestionFormSet(initial=rows or None, **kwargs)
    return formset


def question_rows(questions) -> list[dict]:
    """A survey's stored questions as initial rows of the formset."""
    return [
        {"kind": q.kind, "text": q.text, "choices": "\n".join(q.choice_list), "required": q.required}
        for q in questions
    ]


def _row(kind: str, text, *, required: bool = True, choices=()) -> dict:
    return {"kind": kind, "text": text, "choices": "\n".join(str(c) for c in choices), "required": required}


def starts() -> dict[str, tuple[dict, list[dict]]]:
    """The three ways to start a new survey (``?start=``): its fields and question rows."""
    return {
        "pulse": (
            {
                "title": _("Monthly pulse"),
                "kind": SurveyKind.PULSE,
                "audience": Audience.BOTH,
                "first_after_days": 30,
                "every_days": 30,
            },
            [
                _row(QuestionKind.SCALE, _("Our calls are worth the time we give them")),
                _row(QuestionKind.SCALE, _("I am making progress on what I came for")),
                _row(QuestionKind.TEXT, _("Anything the program team should know?"), required=False),
            ],
        ),
        "closing": (
            {"title": _("Closing survey"), "kind": SurveyKind.CLOSING, "audience": Audience.BOTH},
            [
                _row(QuestionKind.NPS, _("How likely are you to recommend this program to a colleague?")),
                _row(QuestionKind.SCALE, _("The program met my expectations")),
                _row(
                    QuestionKind.CHOICE,
                    _("Would you take part again?"),
                    choices=[_("Yes, as a mentor"), _("Yes, as a protégé"), _("Not now")],
                ),
                _row(QuestionKind.TEXT, _("What was the most valuable part?"), required=False),
            ],
        ),
        "blank": ({"kind": SurveyKind.PULSE, "audience": Audience.BOTH, "first_after_days": 30}, []),
    }


def start_of(name: str | None) -> tuple[dict, list[dict]]:
    """The start named ``name``, or the blank one for any other name."""
    found = starts()
    return found.get(name or "", found["blank"])
