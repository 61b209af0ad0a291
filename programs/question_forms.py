"""Forms of profile questions: the admin's form for one question
(``QuestionForm``) and the one builder of the answers form a person fills in
(``AnswersForm``, and ``answer_fields``/``answers_from`` for a form that asks
the questions among its own fields, as sign-up does)."""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.bounds.text import MultiLineField, SingleLineField, validate_single_line
from mentoring.form_words import InOurWords

from .models import Answer, Audience, Choice, MatchRule, Participant, Question, QuestionKind
from .models.questions import CHOICE_KINDS, CHOICES_MAX, QUESTION_WEIGHT_MAX, SCALE_MAX, SCALE_MIN
from .selectors.questions import answers_of

CHOICE_MAX_LENGTH = Choice._meta.get_field("label").max_length


def choice_labels(text: str, *, most: int, longest: int = CHOICE_MAX_LENGTH) -> list[str]:
    """The choices typed one per line, blank lines dropped: each one line of at
    most ``longest`` characters, none twice (ignoring case), at most ``most``.
    Raises ``ValidationError`` naming the first that is not. For a profile
    question's choices and a survey question's."""
    labels = [line.strip() for line in text.split("\n") if line.strip()]
    seen: set[str] = set()
    for label in labels:
        if len(label) > longest:
            raise ValidationError(
                _("Keep each choice to %(max)s characters; “%(start)s…” is longer.")
                % {"max": longest, "start": label[:30]}
            )
        validate_single_line(label)
        if label.casefold() in seen:
            raise ValidationError(_("“%(label)s” is there twice: keep each choice once.") % {"label": label})
        seen.add(label.casefold())
    if len(labels) > most:
        raise ValidationError(
            _("Keep it to %(max)s choices; this has %(count)s.") % {"max": most, "count": len(labels)}
        )
    return labels


ANSWER_TEXT_MAX_LENGTH = Answer._meta.get_field("text").max_length
ANSWER_FIELD_PREFIX = "question_"


class QuestionForm(InOurWords, forms.Form):
    """One question as its program's admin writes it: its words, kind, who is
    asked, whether an answer is required, its choices one per line, and whether
    it counts in matching (a weight 0–100 and a rule; choice questions only)."""

    text = SingleLineField(label=_("Question"), max_length=Question._meta.get_field("text").max_length)
    help_text = SingleLineField(
        label=_("Hint"),
        max_length=Question._meta.get_field("help_text").max_length,
        required=False,
        help_text=_("Shown under the question, e.g. what the answers are used for."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    audience = forms.ChoiceField(
        label=_("Asked of"), choices=Audience.choices, initial=Audience.BOTH, widget=forms.RadioSelect
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    choices = MultiLineField(
        label=_("Choices"),
        max_length=CHOICES_MAX * (CHOICE_MAX_LENGTH + 2),
        required=False,
    )
    weight = forms.IntegerField(
        label=_("Weight in matching"),
        min_value=0,
        max_value=QUESTION_WEIGHT_MAX,
        required=False,
        initial=0,
        help_text=_("0 to 100. 0 leaves matching alone; the built-in criteria weigh 10 to 45."),
        error_messages={
            "min_value": _("Give a weight from 0 to 100."),
            "max_value": _("Give a weight from 0 to 100."),
            "invalid": _("Give a weight as a whole number from 0 to 100."),
        },
    )
    rule = forms.ChoiceField(
        label=_("Matching rule"),
        choices=[("", pgettext_lazy("matching rule", "None")), *MatchRule.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("When a mentor's answer fits a protégé's. Only for questions with choices."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].help_text = _(
            "For one choice or several choices: one choice a line, at least 2 and at most %(max)s. "
            "Taking away a line that someone chose keeps their answer, marked retired."
        ) % {"max": CHOICES_MAX}

    @classmethod
    def of(cls, question: Question, data=None) -> "QuestionForm":
        """The form for editing ``question`` (its current choices one per line)."""
        lines = "\n".join(c.label for c in question.choices.all() if c.retired_at is None)
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "audience": question.audience,
            "required": question.required,
            "choices": lines,
            "weight": question.weight,
            "rule": question.rule,
        }
        return cls(data, initial=initial)

    def clean_choices(self) -> list[str]:
        return choice_labels(self.cleaned_data.get("choices", ""), most=CHOICES_MAX)

    def clean_weight(self) -> int:
        return self.cleaned_data.get("weight") or 0

    def clean(self):
        cleaned = super().clean() or {}
        kind, labels = cleaned.get("kind"), cleaned.get("choices")
        if kind in CHOICE_KINDS and labels is not None and len(labels) < 2:
            self.add_error("choices", _("Give at least 2 choices, one a line."))
        if kind and kind not in CHOICE_KINDS and labels:
            self.add_error(
                "choices", _("Only a question of one choice or several choices has choices: empty this box.")
            )
        if kind and kind not in CHOICE_KINDS and (cleaned.get("rule") or cleaned.get("weight")):
            self.add_error("rule", _("Only a question with choices can count in matching."))
        elif cleaned.get("weight") and not cleaned.get("rule") and "rule" not in self.errors:
            self.add_error("rule", _("Choose a rule for a weight above 0."))
        if cleaned.get("weight") and cleaned.get("audience") not in (None, Audience.BOTH):
            self.add_error(
                "audience",
                _(
                    "A question that counts in matching compares a mentor's answer with a protégé's: "
                    "ask it of both, or give it a weight of 0."
                ),
            )
        return cleaned


def _label(choice: Choice) -> str:
    if choice.retired_at is None:
        return choice.label
    return _("%(label)s (retired)") % {"label": choice.label}


def answer_fields(
    questions: Iterable[Question], answers: dict[int, Answer] | None = None
) -> dict[str, forms.Field]:
    """A field per question, named ``question_<id>``, holding ``answers`` (by
    question id) as its initial value: one choice as radios, several as
    checkboxes, a scale as radios 1–5, short text as one bounded line. A retired
    choice is offered only to whoever chose it, labelled retired."""
    answers = answers or {}
    fields: dict[str, forms.Field] = {}
    for question in questions:
        answer = answers.get(question.pk)
        chosen = {c.pk for c in answer.choices.all()} if answer else set()
        common = {"label": question.text, "help_text": question.help_text, "required": question.required}
        field: forms.Field
        if question.kind in CHOICE_KINDS:
            offered = [
                (c.pk, _label(c)) for c in question.choices.all() if c.retired_at is None or c.pk in chosen
            ]
            if question.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=offered, coerce=int, widget=forms.RadioSelect, empty_value=None, **common
                )
                initial: object = next(iter(chosen), None)
            else:
                field = forms.TypedMultipleChoiceField(
                    choices=offered, coerce=int, widget=forms.CheckboxSelectMultiple, **common
                )
                initial = sorted(chosen)
            field.error_messages["required"] = (
                _("Choose an answer.")
                if question.kind == QuestionKind.SINGLE
                else _("Choose at least one answer.")
            )
        elif question.kind == QuestionKind.SCALE:
            field = forms.TypedChoiceField(
                choices=[(n, str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                empty_value=None,
                **common,
            )
            field.error_messages["required"] = _("Choose a number from 1 to 5.")
            initial = answer.value if answer else None
        else:
            field = SingleLineField(max_length=ANSWER_TEXT_MAX_LENGTH, **common)
            field.error_messages["required"] = _("Write an answer.")
            initial = answer.text if answer else ""
        field.initial = initial
        # Marked optional like every other field, a group of choices too (in its legend).
        field.template_name = "programs/_answer_field.html"
        fields[f"{ANSWER_FIELD_PREFIX}{question.pk}"] = field
    return fields


def answers_from(questions: Iterable[Question], cleaned: dict) -> dict[int, object]:
    """By question id, the answer given in ``cleaned`` (a form's cleaned data
    holding ``answer_fields``): a choice id, a list of choice ids, a number 1–5
    or text; None, [] or "" for no answer."""
    return {
        q.pk: cleaned.get(f"{ANSWER_FIELD_PREFIX}{q.pk}")
        for q in questions
        if f"{ANSWER_FIELD_PREFIX}{q.pk}" in cleaned
    }


class AnswersForm(InOurWords, forms.Form):
    """A person's answers to ``questions`` (``selectors.questions.questions_for``),
    starting from ``answers`` (their answers by question id; read from
    ``participant`` when not given)."""

    def __init__(
        self,
        questions: Iterable[Question],
        participant: Participant | None = None,
        data=None,
        *,
        answers: dict[int, Answer] | None = None,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.questions = list(questions)
        if answers is None and participant is not None:
            answers = answers_of([participant])[participant.pk]
        self.fields.update(answer_fields(self.questions, answers))
        for name, field in self.fields.items():
            self.initial[name] = field.initial

    def answers(self) -> dict[int, object]:
        """The answers given, by question id (``answers_from``)."""
        return answers_from(self.questions, self.cleaned_data)
