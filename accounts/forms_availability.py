"""The forms of /me/availability/: the weekly hours (one row per weekday) and
a day away to add. Times are on the person's own clock (``User.time_zone``)."""

import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import BoundedDateField
from mentoring.bounds.text import SingleLineField
from mentoring.form_words import InOurWords

from .models import DEFAULT_WEEKLY_HOURS, Weekday

# Times are typed on the quarter hour; the shortest call is 15 minutes
# (mentoring.bounds.calls.CALL_MINUTES), so hours shorter than that fit none.
STEP_MINUTES = 15
SHORTEST_MINUTES = 15
# 24:00 cannot be typed in a time input: "to 00:00" means until midnight, and
# is stored as the last instant of the day (``datetime.time.max``).
MIDNIGHT = datetime.time(0)
END_OF_DAY = datetime.time.max

# Days away are planned from today up to two years ahead.
AWAY_AHEAD = datetime.timedelta(days=731)
NOTE_MAX_LENGTH = 100

# A time input sends "HH:MM" (or "HH:MM:SS" where a browser adds seconds).
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]


def time_input() -> forms.TimeInput:
    """The browser's time picker in quarter-hour steps, with an "HH:MM" value."""
    return forms.TimeInput(attrs={"type": "time", "step": STEP_MINUTES * 60}, format="%H:%M")


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        widget=time_input(),
        error_messages={"invalid": _("Enter a time of day like 09:30, from 00:00 to 23:45.")},
    )


def _minutes(value: datetime.time) -> int:
    return 24 * 60 if value == END_OF_DAY else value.hour * 60 + value.minute


def _shown_end(value: datetime.time) -> datetime.time:
    return MIDNIGHT if value == END_OF_DAY else value


class WeeklyHoursForm(InOurWords, forms.Form):
    """Seven rows, Monday first: a tick for "available" and the hours from and
    to. ``cleaned_hours`` (after ``is_valid()``) maps each ticked weekday to
    its (start, end); an end typed as 00:00 means until midnight."""

    def __init__(self, *args, hours=None, **kwargs):
        """``hours``: the person's saved hours, or None for the default."""
        super().__init__(*args, **kwargs)
        hours = DEFAULT_WEEKLY_HOURS if hours is None else hours
        for day in Weekday:
            key = self.key(day)
            self.fields[f"{key}_available"] = forms.BooleanField(
                label=format_lazy(_("Available on {day}"), day=day.label),
                required=False,
                initial=day.value in hours,
            )
            self.fields[f"{key}_from"] = _time_field(format_lazy(_("{day} from"), day=day.label))
            self.fields[f"{key}_to"] = _time_field(format_lazy(_("{day} to"), day=day.label))
            if day.value in hours:
                starts_at, ends_at = hours[day.value]
                self.fields[f"{key}_from"].initial = starts_at
                self.fields[f"{key}_to"].initial = _shown_end(ends_at)
        self.cleaned_hours: dict[int, tuple[datetime.time, datetime.time]] = {}

    @staticmethod
    def key(day: Weekday) -> str:
        return day.name.lower()

    def rows(self):
        """(weekday label, tick, from, to) for the template, Monday first."""
        for day in Weekday:
            key = self.key(day)
            yield day.label, self[f"{key}_available"], self[f"{key}_from"], self[f"{key}_to"]

    def clean(self):
        data = super().clean()
        for day in Weekday:
            key = self.key(day)
            if self.is_bound and f"{key}_from" not in self.data and f"{key}_to" not in self.data:
                # A page sends every row, ticked or not: this one never came.
                self.add_error(
                    f"{key}_available",
                    _("This day was not sent. Check its hours and save again."),
                )
                continue
            if not data.get(f"{key}_available"):
                continue
            starts_at, ends_at = data.get(f"{key}_from"), data.get(f"{key}_to")
            if f"{key}_from" in self.errors or f"{key}_to" in self.errors:
                continue
            if starts_at is None:
                self.add_error(f"{key}_from", _("Give the time you are available from, or untick the day."))
            if ends_at is None:
                self.add_error(f"{key}_to", _("Give the time you are available until, or untick the day."))
            if starts_at is None or ends_at is None:
                continue
            if any(value.minute % STEP_MINUTES or value.second or value.microsecond
                   for value in (starts_at, ends_at)):  # fmt: skip
                name = f"{key}_from" if starts_at.minute % STEP_MINUTES or starts_at.second else f"{key}_to"
                self.add_error(name, _("Choose a time on the quarter hour, like 09:00, 09:15 or 09:30."))
                continue
            if ends_at == MIDNIGHT:
                ends_at = END_OF_DAY
            if _minutes(ends_at) <= _minutes(starts_at):
                self.add_error(f"{key}_to", _("Choose an end after the start (00:00 here means midnight)."))
            elif _minutes(ends_at) - _minutes(starts_at) < SHORTEST_MINUTES:
                self.add_error(f"{key}_to", _("Leave at least 15 minutes, the shortest call."))
            else:
                self.cleaned_hours[day.value] = (starts_at, ends_at)
        return data


# Both ends of days away are bounded alike: from today, within AWAY_AHEAD.
_AWAY_BOUNDS = {
    "too_early": _("This day is in the past: choose today or a later day."),
    "too_late": _("Choose a day within the next two years, by %(limit)s."),
}


class DayAwayForm(InOurWords, forms.Form):
    """Days away to add, both ends included, on the person's own calendar."""

    first_day = BoundedDateField(
        label=_("First day away"),
        earliest=datetime.timedelta(0),
        latest=AWAY_AHEAD,
        error_messages={"required": _("Give the first day you are away."), **_AWAY_BOUNDS},
    )
    last_day = BoundedDateField(
        label=_("Last day away"),
        earliest=datetime.timedelta(0),
        latest=AWAY_AHEAD,
        help_text=_("Included: you are away on this day too."),
        error_messages={
            "required": _("Give the last day you are away (the same day for a single day)."),
            **_AWAY_BOUNDS,
        },
    )
    note = SingleLineField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text=_("Only you see it, for example “Holiday”."),
    )

    def clean(self):
        data = super().clean()
        first_day, last_day = data.get("first_day"), data.get("last_day")
        if first_day and last_day and last_day < first_day:
            self.add_error("last_day", _("Choose a last day on or after the first day."))
        return data
