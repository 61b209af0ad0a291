"""A goal's words: adding one (with its category), following one with a more
advanced version, and rewording one. A rejected form keeps everything typed."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import BoundedDateField
from mentoring.bounds.text import MultiLineField, SingleLineField
from mentoring.form_words import InOurWords

from ..models import CATEGORY_GUIDE, MAX_ACTIVE_PER_CATEGORY, Category, Goal
from ..templatetags.goals_tags import number

# A goal's deadline: not centuries away; a revision may keep one that has passed.
DEADLINE_WITHIN = datetime.timedelta(days=5 * 366)


def category_choices() -> list[tuple[str, str]]:
    return list(Category.choices)


class CategoryRadio(forms.RadioSelect):
    """Radios whose options also carry the category's explanation and example
    (``radio.data.explanation``), rendered by the goal form's template."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        explanation, example = CATEGORY_GUIDE.get(value, ("", ""))
        option.update(explanation=explanation, example=example)
        return option


class GoalWordingForm(InOurWords, forms.Form):
    """The words of a goal: what it is, why it matters, and for SMART goals the
    metric, baseline, target, unit and deadline."""

    title = SingleLineField(
        label=_("Your goal"),
        max_length=200,
        help_text=_("In your own words. One goal at a time."),
        error_messages={"required": _("Write your goal in a few words.")},
    )
    why = MultiLineField(
        label=_("Why it matters to you"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will be different for you when you get there? Only you and your mentor see this."),
        error_messages={"required": _("Say why this goal matters to you, in your own words.")},
    )
    # Required of SMART goals only: see __init__.
    metric = SingleLineField(
        label=_("What you will measure"),
        max_length=120,
        help_text=_("For example: share of the department still with us after 12 months."),
        error_messages={"required": _("Say what you will measure.")},
    )
    baseline = forms.DecimalField(
        label=_("Baseline"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Where it is now."),
        error_messages={
            "required": _("Give where it is now, as a number."),
            "invalid": _("Enter the baseline as a number, like 20."),
        },
    )
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Where you want it to be."),
        error_messages={
            "required": _("Give the number you aim for."),
            "invalid": _("Enter the target as a number, like 30."),
        },
    )
    unit = SingleLineField(
        label=_("Unit"),
        max_length=30,
        help_text=_("For example: %, days."),
        error_messages={"required": _("Give the unit of the measure, for example % or days.")},
    )
    deadline = BoundedDateField(
        label=_("By when"),
        earliest=-DEADLINE_WITHIN,
        latest=DEADLINE_WITHIN,
        error_messages={
            "required": _("Give the date by which you aim to reach the target."),
            "too_early": _("The deadline is in the past: choose today or a later date."),
            "too_late": _(
                "Choose a deadline within five years, by %(limit)s: break a longer goal into a nearer one."
            ),
        },
    )

    SMART_FIELDS = ("metric", "baseline", "target", "unit", "deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank form shows the SMART fields as required (they are, for a SMART
        # goal); a submitted one requires them only when the goal is SMART.
        if self.is_bound and self.submitted_category() != Category.SMART:
            for name in self.SMART_FIELDS:
                if name in self.fields:
                    self.fields[name].required = False

    def submitted_category(self) -> str:
        raise NotImplementedError

    def category_of_goal(self) -> str:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.category_of_goal() != Category.SMART:
            for name in self.SMART_FIELDS:  # typed before switching category: not a SMART goal, so ignored
                self.errors.pop(name, None)
                cleaned[name] = None if name in ("baseline", "target", "deadline") else ""
            return cleaned
        baseline, target, deadline = cleaned.get("baseline"), cleaned.get("target"), cleaned.get("deadline")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target", _("The target is the same as where it is now: aim for a change."))
        if (
            deadline is not None
            and deadline < timezone.localdate()
            and deadline != self.initial.get("deadline")
        ):
            self.add_error("deadline", _("The deadline is in the past: choose today or a later date."))
        return cleaned

    def wording(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("title", "why", *self.SMART_FIELDS)}


class GoalForm(GoalWordingForm):
    """A new goal: its category first. Refused when the category already has
    three active goals (``frees``: a goal this one replaces, so its place counts as free)."""

    category = forms.ChoiceField(
        label=_("Category"),
        choices=category_choices,
        widget=CategoryRadio,
        error_messages={
            "required": _("Choose the kind of goal."),
            "invalid_choice": _("Choose one of the three kinds."),
        },
    )
    field_order = ["category", "title", "why", "metric", "baseline", "target", "unit", "deadline"]

    def __init__(
        self, *args, partnership, fixed_category: str | None = None, frees: Goal | None = None, **kwargs
    ):
        self.partnership, self.frees = partnership, frees
        self.fixed_category = fixed_category
        super().__init__(*args, **kwargs)
        if fixed_category:
            self.fields["category"].initial = fixed_category
            self.fields["category"].disabled = True

    def submitted_category(self) -> str:
        return self.fixed_category or self.data.get(self.add_prefix("category"), "")

    def category_of_goal(self) -> str:
        return self.fixed_category or self.cleaned_data.get("category") or ""

    @property
    def show_smart_fields(self) -> bool:
        """With a choice of category, CSS hides them unless SMART is chosen."""
        return not self.fixed_category or self.fixed_category == Category.SMART

    @property
    def fixed_category_guide(self) -> tuple[str, str, str] | None:
        if not self.fixed_category:
            return None
        return (Category(self.fixed_category).label, *CATEGORY_GUIDE[self.fixed_category])

    def clean_category(self) -> str:
        category = self.fixed_category or self.cleaned_data["category"]
        active = Goal.objects.filter(partnership=self.partnership, category=category).active()
        if self.frees is not None and self.frees.is_active:
            active = active.exclude(pk=self.frees.pk)
        if active.count() >= MAX_ACTIVE_PER_CATEGORY:
            raise forms.ValidationError(
                _(
                    "You already have %(count)d active %(kind)s goals. "
                    "Mark one achieved or drop it before adding another."
                ),
                code="category_full",
                params={"count": MAX_ACTIVE_PER_CATEGORY, "kind": Category(category).label},
            )
        return category


class GoalReviseForm(GoalWordingForm):
    """New words for an existing goal; the earlier wording stays in its history."""

    reason = MultiLineField(
        label=_("What changed, and why"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example: “made it measurable” or “the project changed”. Kept with the earlier wording."
        ),
    )

    def __init__(self, *args, goal: Goal, **kwargs):
        initial = {name: getattr(goal, name) for name in ("title", "why", *self.SMART_FIELDS)}
        for name in ("baseline", "target"):  # 2, not 2.00
            if initial[name] is not None:
                initial[name] = number(initial[name])
        kwargs.setdefault("initial", initial)
        self.goal = goal
        super().__init__(*args, **kwargs)
        if not goal.is_smart:
            for name in self.SMART_FIELDS:
                del self.fields[name]
        elif goal.deadline is not None:
            # Rewording keeps a deadline that passed long ago; clean() refuses a new past one.
            window = self.fields["deadline"].earliest
            self.fields["deadline"].earliest = lambda: min(goal.deadline, timezone.localdate() + window)

    def submitted_category(self) -> str:
        return self.goal.category

    def category_of_goal(self) -> str:
        return self.goal.category

    @property
    def show_smart_fields(self) -> bool:
        return self.goal.is_smart
