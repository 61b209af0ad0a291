"""Forms of the call log. Django forms own validation and the words of each
error; the site renderer shows an error summary on top and each error beside
its field."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import BoundedDateField, BoundedDateTimeField
from mentoring.bounds.text import MultiLineField
from mentoring.dates import day_shown
from mentoring.form_words import InOurWords

from .models import AgendaItem, CallFeedback, Homework, PartnershipCheck, Session

RECAP_CHOICES = [
    (Homework.Status.DONE, _("Done")),
    (Homework.Status.PARTLY, _("Partly")),
    (Homework.Status.NOT_DONE, _("Not done")),
]


# A call is logged once it has happened (a few minutes' grace for a clock ahead);
# the next one is set within the next year, like the partnership's next call.
LOGGED_UP_TO = datetime.timedelta(hours=1)
NEXT_CALL_WITHIN = datetime.timedelta(days=366)
# Homework is due around the call it is set in, not in another year.
HOMEWORK_WITHIN = datetime.timedelta(days=366)


def _datetime_field(label, *, required: bool, error_messages=None, **kwargs) -> BoundedDateTimeField:
    return BoundedDateTimeField(label=label, required=required, error_messages=error_messages, **kwargs)


def _done_on(item: Homework):
    """What the protégé said when they ticked it done, under its recap choices."""
    if item.status != Homework.Status.DONE or not item.done_at:
        return ""
    day = day_shown(timezone.localtime(item.done_at), "j F")
    if not item.reflection:
        return format_html("{}", _("Done on %(day)s.") % {"day": day})
    return format_html("{} “{}”", _("Done on %(day)s:") % {"day": day}, item.reflection)


def posted_call_start(data) -> datetime.datetime | None:
    """When the posted call was, as typed (before any check), to know which
    homework its recap asks about; ``None`` when it is not a date and time."""
    try:
        return SessionLogForm.base_fields["starts_at"].to_python(data.get("starts_at"))
    except forms.ValidationError:
        return None


class SessionLogForm(InOurWords, forms.ModelForm):
    """The mentor's log of one call. Times are typed in the mentor's time zone.
    A held call's log needs its key learnings and a recap of each homework due;
    a draft needs only when the call was."""

    starts_at = _datetime_field(
        _("Date and time of the call"),
        required=True,
        earliest=-datetime.timedelta(days=3 * 366),
        latest=LOGGED_UP_TO,
        error_messages={
            "required": _("Enter the date and time of the call."),
            "too_early": _("The partnership began on %(limit)s: log a call from then on."),
            "too_late": _("Log a call once it has happened; this time is still ahead."),
        },
    )
    next_call_at = _datetime_field(
        _("The next call"),
        required=False,
        earliest=-datetime.timedelta(days=3 * 366),
        latest=NEXT_CALL_WITHIN,
        help_text=_(
            "Setting it updates your schedule; the homework below is due by then unless you say otherwise."
        ),
        error_messages={
            "too_early": _("Choose a date and time in the future for the next call."),
            "too_late": _("Choose a time within the next year, before %(limit)s."),
        },
    )
    status = forms.ChoiceField(
        label=_("Did the call happen?"),
        choices=[(s.value, s.label) for s in Session.Status if s != Session.Status.PLANNED],
        widget=forms.RadioSelect,
        initial=Session.Status.HELD,
        error_messages={"required": _("Say whether the call was held, missed or cancelled.")},
    )
    covered = forms.TypedMultipleChoiceField(
        label=_("What you covered of the agenda"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("A topic you ticked is no longer on the agenda; tick again from the list."),
        },
    )

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "minutes",
            "method",
            "status",
            "checkin_notes",
            "topic",
            "key_learnings",
            "prepare_next",
            "next_call_at",
        ]
        widgets = {
            "checkin_notes": forms.Textarea(attrs={"rows": 3}),
            "topic": forms.Textarea(attrs={"rows": 3}),
            "key_learnings": forms.Textarea(attrs={"rows": 4}),
            "prepare_next": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "checkin_notes": _("How the protégé is doing, and how the homework went."),
            "key_learnings": _(
                "Summarise them together at the end of the call: the protégé keeps them. "
                "Needed for a held call, not for a draft."
            ),
            "prepare_next": _("What each of you brings to the next call."),
        }
        error_messages = {
            "minutes": {"required": _("Enter how long the call was, in minutes.")},
        }

    def __init__(
        self,
        *args,
        homework_due: list[Homework] = (),
        agenda: list[AgendaItem] = (),
        draft: bool = False,
        partnership=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # The agenda waiting for this call: the mentor ticks what the call covered.
        self.agenda = list(agenda)
        self.fields["covered"].choices = [(item.pk, item.text) for item in self.agenda]
        self.draft = draft
        # No call before the partnership began (its start, or its match before it started).
        starts_at = self.fields["starts_at"]
        starts_at.limit_format = "j F Y"
        if partnership is not None:
            starts_at.earliest = timezone.make_aware(
                datetime.datetime.combine(partnership.began_on, datetime.time.min)
            )
        self.homework_due = list(homework_due)
        # Key learnings are needed to finish the log of a held call; a draft or a missed call does without.
        self.fields["key_learnings"].required = not (
            draft or (self.is_bound and self.data.get("status") != Session.Status.HELD)
        )
        self.fields["key_learnings"].error_messages["required"] = _(
            "Summarise the key learnings of the call, even in one line."
        )
        for item in self.homework_due:
            self.fields[f"recap_{item.pk}"] = forms.ChoiceField(
                label=item.description,
                choices=RECAP_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=Homework.Status.DONE if item.status == Homework.Status.DONE else None,
                help_text=_done_on(item),
            )

    @property
    def agenda_boxes(self):
        """Each agenda item with its "covered" box, in the agenda's order."""
        return list(zip(self["covered"], self.agenda, strict=True))

    @property
    def recap_fields(self):
        return [self[f"recap_{item.pk}"] for item in self.homework_due]

    @property
    def call_fields(self):
        return [self[name] for name in ["starts_at", "minutes", "method", "status"]]

    def clean_next_call_at(self):
        at = self.cleaned_data["next_call_at"]
        if at is not None and at <= timezone.now() and not self.draft:
            raise forms.ValidationError(_("Choose a date and time in the future for the next call."))
        return at

    def clean(self):
        data = super().clean()
        starts_at, next_call_at = data.get("starts_at"), data.get("next_call_at")
        if starts_at and next_call_at and next_call_at <= starts_at:
            self.add_error("next_call_at", _("The next call comes after this one."))
        if self.draft or data.get("status") != Session.Status.HELD:
            return data
        for item in self.homework_due:
            if item.status == Homework.Status.OPEN and not data.get(f"recap_{item.pk}"):
                self.add_error(f"recap_{item.pk}", _("Say whether it was done, partly done or not done."))
        return data

    def recap(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"recap_{item.pk}") for item in self.homework_due}

    def covered_ids(self) -> list[int]:
        return list(self.cleaned_data.get("covered") or [])

    def session_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class HomeworkRowForm(InOurWords, forms.ModelForm):
    """One homework item set at the end of the call. A row left empty is ignored."""

    class Meta:
        model = Homework
        fields = ["kind", "description", "link", "due_on"]
        field_classes = {"due_on": BoundedDateField}
        widgets = {
            "description": forms.TextInput(attrs={"placeholder": _("e.g. Read chapter 3 of Getting to Yes")}),
            "link": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        labels = {"description": _("What to do"), "due_on": _("Due"), "kind": _("Kind"), "link": _("Link")}
        help_texts = {"due_on": _("Empty: by the next call.")}
        error_messages = {
            "description": {"required": _("Describe the homework, or clear this row.")},
            "link": {"invalid": _("Enter a full web address, starting https://")},
            "due_on": {
                "too_early": _("Choose a due date from %(limit)s on: homework is due around its call."),
                "too_late": _("Choose a due date within the next year, by %(limit)s."),
            },
        }

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        due_on = self.fields["due_on"]
        due_on.required = False
        due_on.latest = HOMEWORK_WITHIN
        due_on.earliest = -HOMEWORK_WITHIN
        if partnership is not None:  # and never before the partnership began
            due_on.earliest = lambda: max(partnership.began_on, timezone.localdate() - HOMEWORK_WITHIN)

    def row(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


HomeworkFormSet = forms.formset_factory(
    HomeworkRowForm, extra=1, max_num=20, absolute_max=20, validate_max=True
)


def homework_formset(data=None, *, rows: list[dict] | None = None, partnership=None) -> forms.BaseFormSet:
    """The homework rows: what was posted (each due date checked against the
    ``partnership``'s start when given), or a draft's rows (and one empty row)."""
    if data is not None:
        return HomeworkFormSet(data, prefix="homework", form_kwargs={"partnership": partnership})
    return HomeworkFormSet(prefix="homework", initial=rows or None)


class HomeworkDoneForm(InOurWords, forms.Form):
    """The protégé's tick on one homework item, and what they took from it (optional)."""

    done = forms.BooleanField(label=_("Done"), required=False)
    reflection = MultiLineField(
        label=_("What did you take from it?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line or two. Your mentor sees it; you recap it together at your next call."),
    )


class AgendaItemForm(InOurWords, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["text", "someday"]
        labels = {"text": _("Topic or question"), "someday": _("Keep it for someday, not the next call")}
        error_messages = {"text": {"required": _("Write the topic or question to add.")}}


# A number off the scale (a crafted post) gets the same words as none chosen.
ONE_TO_FIVE_MESSAGES = {
    "required": _("Choose a number from 1 to 5."),
    "invalid_choice": _("Choose a number from 1 to 5."),
}


class CallFeedbackForm(InOurWords, forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How valuable was this call?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_(
            "1: not valuable, 5: very valuable. Your mentor sees your answer; the program admin only the number."
        ),
        error_messages=ONE_TO_FIVE_MESSAGES,
    )

    class Meta:
        model = CallFeedback
        fields = ["rating", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        labels = {"comment": _("What would make the next call better?")}


ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]


class PartnershipCheckForm(InOurWords, forms.ModelForm):
    working = forms.TypedChoiceField(
        label=_("Is the partnership working for you?"),
        coerce=int,
        choices=ONE_TO_FIVE,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very well."),
        error_messages=ONE_TO_FIVE_MESSAGES,
    )
    valuable = forms.TypedChoiceField(
        label=_("Are your conversations valuable?"),
        coerce=int,
        choices=ONE_TO_FIVE,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very."),
        error_messages=ONE_TO_FIVE_MESSAGES,
    )

    class Meta:
        model = PartnershipCheck
        fields = ["working", "valuable", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
        labels = {"comment": _("Anything you want to say about it?")}
        help_texts = {"comment": _("Your partner sees it; the program admin sees only the numbers.")}
