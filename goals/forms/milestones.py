"""A milestone: a short-term step under a goal."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import BoundedDateField
from mentoring.bounds.text import SingleLineField
from mentoring.dates import date_format
from mentoring.form_words import InOurWords

from ..models import Goal

# A milestone is a short-term step (it moves daily or weekly): within a year.
STEP_WITHIN = datetime.timedelta(days=366)


class MilestoneForm(InOurWords, forms.Form):
    title = SingleLineField(
        label=_("Next step"),
        max_length=200,
        error_messages={"required": _("Write the step in a few words.")},
    )
    due_on = BoundedDateField(
        label=_("Due"),
        earliest=datetime.timedelta(0),
        latest=STEP_WITHIN,
        error_messages={
            "required": _("Give a due date."),
            "too_early": _("The due date is in the past: choose today or a later date."),
            "too_late": _("Choose a date within the next year, by %(limit)s: a step is short-term."),
        },
    )

    def __init__(self, *args, goal: Goal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A step of a goal with a deadline is due by that deadline.
        self.deadline = goal.deadline if goal is not None else None
        if self.deadline is not None:
            self.fields["due_on"].widget.attrs["max"] = self.deadline.isoformat()

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if self.deadline is not None and due_on > self.deadline:
            raise forms.ValidationError(
                _("The goal’s deadline is %(deadline)s: choose a due date on or before it."),
                code="after_deadline",
                params={"deadline": date_format(self.deadline, "j F Y")},
            )
        return due_on
