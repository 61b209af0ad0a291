"""Rating the active goals: 0–10 each on a scale of eleven choices, or skipped
this time, with what grounds each number."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from mentoring.bounds.text import MultiLineField
from mentoring.form_words import InOurWords

from ..models import RATING_MAX, RATING_MIN, Category, Goal
from ..selectors.ratings import GoalToRate
from ..services import RatingEntry

SKIP = "skip"
SHORT_ENOUGH_TO_ECHO = 6  # characters of a rejected rating said back in its message
SCALE = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]


class RatingValueField(forms.Field):
    """A whole number from 0 to 10, or nothing (skipped this time), with a
    message for each way a value sent can go wrong."""

    widget = forms.RadioSelect(choices=[*SCALE, (SKIP, pgettext_lazy("a goal's rating", "Skip this time"))])

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value or value == SKIP:
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise forms.ValidationError(
                gettext("Enter your rating as a number from 0 to 10, like 7."), code="invalid"
            )
        if number != number.to_integral_value():
            raise forms.ValidationError(
                gettext("Use a whole number from 0 to 10, like 7 or 8."), code="not_whole"
            )
        if not RATING_MIN <= number <= RATING_MAX:
            # What was sent is said back only when it is short, never a page of digits.
            if len(value) <= SHORT_ENOUGH_TO_ECHO:
                raise forms.ValidationError(
                    gettext("Rate from 0 to 10: %(value)s is outside the scale."),
                    code="out_of_range",
                    params={"value": value},
                )
            raise forms.ValidationError(
                gettext("Rate from 0 to 10: that number is outside the scale."), code="out_of_range"
            )
        return int(number)


class RatingForm(InOurWords, forms.Form):
    """A rating 0–10 for each active goal the protégé rates this time (at least
    one; the others are skipped), and what grounds it: the metric's current
    value (SMART, needed with a rating), a self-assessment (competency) or a
    reflection (real-time situation)."""

    def __init__(self, *args, goals: list[GoalToRate], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"g{goal.pk}-value"] = RatingValueField(label=gettext_lazy("Your rating, 0 to 10"))
            if goal.is_smart:
                metric = f"{goal.metric[:1].upper()}{goal.metric[1:]}"
                label = (
                    gettext("%(metric)s, now (%(unit)s)") % {"metric": metric, "unit": goal.unit}
                    if goal.unit
                    else gettext("%(metric)s, now") % {"metric": metric}
                )
                self.fields[f"g{goal.pk}-metric_value"] = forms.DecimalField(
                    label=label,
                    required=False,
                    max_digits=12,
                    decimal_places=2,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                    help_text=gettext_lazy(
                        "Needed with a rating: the objective evidence behind your number."
                    ),
                    error_messages={
                        "invalid": gettext_lazy("Enter the metric's value as a number, like 24."),
                        "max_digits": gettext_lazy("That number is too long."),
                        "max_decimal_places": gettext_lazy("Use at most 2 decimal places."),
                    },
                )
            elif goal.category == Category.COMPETENCY:
                self.fields[f"g{goal.pk}-self_assessment"] = MultiLineField(
                    label=gettext_lazy("Your self-assessment"),
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=gettext_lazy(
                        "A sentence or two: where you used the skill, what felt easier or harder."
                    ),
                )
            else:
                self.fields[f"g{goal.pk}-reflection"] = MultiLineField(
                    label=gettext_lazy("Your reflection on the situation"),
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=gettext_lazy("What happened, how you read it, what you would do differently."),
                )

    @staticmethod
    def _grounding(goal: Goal) -> str:
        if goal.is_smart:
            return "metric_value"
        return "self_assessment" if goal.category == Category.COMPETENCY else "reflection"

    def clean(self):
        data = super().clean()
        rated = 0
        for goal in self.goals:
            value_name, grounding_name = f"g{goal.pk}-value", f"g{goal.pk}-{self._grounding(goal)}"
            if value_name in self.errors or grounding_name in self.errors:
                rated += 1  # a slip, not a skip: its message says what to fix
                continue
            value, grounding = data.get(value_name), data.get(grounding_name)
            if value is not None:
                rated += 1
                if goal.is_smart and grounding is None:
                    self.add_error(
                        grounding_name,
                        forms.ValidationError(
                            gettext("Give the metric's value now: it is the evidence behind your number."),
                            code="required",
                        ),
                    )
            elif grounding not in (None, ""):
                # What was written is never dropped silently: rate the goal, or clear it to skip.
                self.add_error(
                    value_name,
                    forms.ValidationError(
                        gettext(
                            "Pick a number for this goal too, or clear what you wrote to skip it this time."
                        ),
                        code="evidence_without_rating",
                    ),
                )
        if self.goals and not rated:
            raise forms.ValidationError(
                gettext(
                    "Pick a number from 0 to 10 for at least one goal. Goals you skip wait for next time."
                ),
                code="nothing_rated",
            )
        return data

    def rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        """Each goal with its rating field and the field that grounds it."""
        return [
            (goal, self[f"g{goal.pk}-value"], self[f"g{goal.pk}-{self._grounding(goal)}"])
            for goal in self.goals
        ]

    def error_list(self) -> list[tuple[Goal, str, str]]:
        """Every problem, goal by goal, for the summary at the top: the goal,
        the id of the control to go to, and the message."""
        problems = []
        for goal, value, grounding in self.rows():
            problems.extend((goal, f"{value.auto_id}_0", error) for error in value.errors)
            problems.extend((goal, grounding.auto_id, error) for error in grounding.errors)
        return problems

    def entries(self) -> list[RatingEntry]:
        """The goals rated this time; skipped goals are left out."""
        data = self.cleaned_data
        return [
            RatingEntry(
                goal=goal,
                value=data[f"g{goal.pk}-value"],
                metric_value=data.get(f"g{goal.pk}-metric_value"),
                self_assessment=data.get(f"g{goal.pk}-self_assessment", ""),
                reflection=data.get(f"g{goal.pk}-reflection", ""),
            )
            for goal in self.goals
            if data.get(f"g{goal.pk}-value") is not None
        ]
