"""Rating every active goal at once: 0–10 each, with what grounds the number."""

from decimal import Decimal, InvalidOperation

from django import forms

from mentoring.bounds.text import MultiLineField

from ..models import RATING_MAX, RATING_MIN, Category, Goal
from ..selectors.ratings import GoalToRate
from ..services import RatingEntry


class RatingValueField(forms.Field):
    """A whole number from 0 to 10, with a message for each way it can go wrong."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "rating-value"})
    default_error_messages = {"required": "Rate this goal from 0 to 10."}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise forms.ValidationError("Enter your rating as a number from 0 to 10, like 7.", code="invalid")
        if number != number.to_integral_value():
            raise forms.ValidationError("Use a whole number from 0 to 10, like 7 or 8.", code="not_whole")
        if not RATING_MIN <= number <= RATING_MAX:
            raise forms.ValidationError(
                "Rate from 0 to 10: %(value)s is outside the scale.",
                code="out_of_range",
                params={"value": value},
            )
        return int(number)


class RatingForm(forms.Form):
    """One rating 0–10 for each active goal, and what grounds it: the metric's
    current value (SMART), a self-assessment (competency) or a reflection
    (real-time situation)."""

    def __init__(self, *args, goals: list[GoalToRate], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"g{goal.pk}-value"] = RatingValueField(
                label="Your rating, 0 to 10",
                help_text=f"Last time: {goal.last_value}."
                if goal.last_value is not None
                else "Your first rating.",
            )
            if goal.is_smart:
                unit = f" ({goal.unit})" if goal.unit else ""
                self.fields[f"g{goal.pk}-metric_value"] = forms.DecimalField(
                    label=f"{goal.metric[:1].upper()}{goal.metric[1:]}, now{unit}",
                    max_digits=12,
                    decimal_places=2,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                    help_text="The objective evidence behind your number.",
                    error_messages={
                        "required": "Give the metric's value now: it is the evidence behind your number.",
                        "invalid": "Enter the metric's value as a number, like 24.",
                        "max_digits": "That number is too long.",
                        "max_decimal_places": "Use at most 2 decimal places.",
                    },
                )
            elif goal.category == Category.COMPETENCY:
                self.fields[f"g{goal.pk}-self_assessment"] = MultiLineField(
                    label="Your self-assessment",
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="A sentence or two: where you used the skill, what felt easier or harder.",
                )
            else:
                self.fields[f"g{goal.pk}-reflection"] = MultiLineField(
                    label="Your reflection on the situation",
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="What happened, how you read it, what you would do differently.",
                )

    @staticmethod
    def _grounding(goal: Goal) -> str:
        if goal.is_smart:
            return "metric_value"
        return "self_assessment" if goal.category == Category.COMPETENCY else "reflection"

    def rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        """Each goal with its rating field and the field that grounds it."""
        return [
            (goal, self[f"g{goal.pk}-value"], self[f"g{goal.pk}-{self._grounding(goal)}"])
            for goal in self.goals
        ]

    def error_list(self) -> list[tuple[Goal, forms.BoundField, str]]:
        """Every problem, goal by goal, for the summary at the top."""
        problems = []
        for goal, value, grounding in self.rows():
            for field in (value, grounding):
                problems.extend((goal, field, error) for error in field.errors)
        return problems

    def entries(self) -> list[RatingEntry]:
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
        ]
