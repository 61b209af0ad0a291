import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.calls import CALL_MINUTES
from mentoring.bounds.dates import BoundedDateField, BoundedDateTimeField
from mentoring.bounds.text import MultiLineField
from mentoring.dates import date_format
from mentoring.form_words import NOT_AN_OPTION, TOO_LONG
from partnerships.models import Agreement, Partnership
from programs.models import Cadence, Method, Participant


class MatchForm(forms.Form):
    protege = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Protégé"))
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Mentor"))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        people = Participant.objects.filter(program=program).select_related("user")
        self.fields["protege"].queryset = people.filter(role=Participant.Role.PROTEGE)
        self.fields["mentor"].queryset = people.filter(role=Participant.Role.MENTOR)


class UnmatchForm(forms.Form):
    reason = MultiLineField(
        label=_("Why are you ending this match?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No blame: a sentence that helps the next match, e.g. “time zones did not work out”."),
        error_messages={
            "required": _("Say briefly why, so the next match can be better."),
            "max_length": TOO_LONG,
        },
    )


class DraftChangeForm(forms.Form):
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Mentor"))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Participant.objects.filter(
            program=program, role=Participant.Role.MENTOR
        ).select_related("user")


# --- The pair's agreement, next call and closing (issue 5) ---


# A scheme and a colon ("https:", "javascript:", "tel:") or "www.": what a person
# or a browser would take for a link, as opposed to a place ("Room 3: 2nd floor").
_LOOKS_LIKE_A_LINK = re.compile(r"(?i)(www\.|[a-z][a-z0-9+.-]*:(?!\s|$))")


def _is_web_link(text: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return False
    return True


class AgreementForm(forms.ModelForm):
    """A proposal of the agreement. Says exactly what to fix: by how many
    minutes the time boxes miss the call length, which date comes first."""

    class Meta:
        model = Agreement
        fields = ["cadence", "every_weeks", "call_minutes", "checkin_minutes", "topic_minutes",
                  "prepare_minutes", "method", "location", "async_welcome", "agenda_owner", "ground_rules",
                  "first_review_on", "ends_on", "success", "change_note"]  # fmt: skip
        field_classes = {"first_review_on": BoundedDateField, "ends_on": BoundedDateField}
        labels = {
            "cadence": _("How often you meet"),
            "every_weeks": _("Every how many weeks"),
            "call_minutes": _("Call length in minutes"),
            "checkin_minutes": _("Check-in and homework recap"),
            "topic_minutes": _("The deeper topic"),
            "prepare_minutes": _("Preparing the next call"),
            "method": _("How you meet"),
            "location": _("Where you meet"),
            "async_welcome": _("Messages between calls are welcome"),
            "agenda_owner": _("Who owns the agenda"),
            "ground_rules": _("Ground rules"),
            "first_review_on": _("First review of the goals"),
            "ends_on": _("End of the partnership"),
            "success": _("What success means to the protégé, in their words"),
            "change_note": _("What changes and why"),
        }
        help_texts = {
            "cadence": _(
                "Mentors meet anywhere from weekly to every four to six weeks. "
                "The rhythm you agree is what keeps a partnership alive past the first months."
            ),
            "every_weeks": _("Only for “every N weeks”: from 1 to 8."),
            "call_minutes": _("From 15 to 120 minutes. 30 minutes is typical."),
            "location": _(
                "A video call link (starting with https://), a phone number or a place. "
                "It goes into your calendar invitations; only the two of you see it."
            ),
            "async_welcome": _("A short message or question between calls, by email or chat."),
            "agenda_owner": _("Usually the protégé: they bring the topics, the mentor supports."),
            "ground_rules": _("One a line. Honesty, feedback on whether calls are useful, confidentiality."),
            "first_review_on": _("When you look together at how the goals are going."),
            "ends_on": _("When you plan to close the partnership."),
            "success": _(
                "Write it together: what would make the protégé say this was worth it? "
                "Only the two of you see this."
            ),
            "change_note": _("So the other side sees at a glance what you are proposing to change."),
        }
        widgets = {
            "cadence": forms.RadioSelect,
            "every_weeks": forms.NumberInput(attrs={"min": 1, "max": 8, "inputmode": "numeric"}),
            "checkin_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "topic_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "prepare_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "method": forms.RadioSelect,
            "location": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "agenda_owner": forms.RadioSelect,
            "ground_rules": forms.Textarea(attrs={"rows": 4}),
            "success": forms.Textarea(attrs={"rows": 3}),
            "change_note": forms.TextInput,
        }
        error_messages = {
            "success": {"required": _("Write what success means to the protégé, even in one sentence.")},
            "first_review_on": {
                "required": _("Enter the date of the first review."),
            },
            "ends_on": {
                "required": _("Enter the date the partnership ends."),
                "too_early": _("Choose an end date in the future."),
                "too_late": _(
                    "Choose an end date within three years, by %(limit)s: programs run for at most 36 months."
                ),
            },
            "cadence": {"required": _("Choose how often you meet.")},
            "method": {"required": _("Choose how you meet.")},
        }

    def __init__(self, *args, revising: bool = False, partnership: Partnership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons without the blank "select an option" of a model field's choices.
        self.fields["cadence"].choices = Cadence.choices
        self.fields["method"].choices = Method.choices
        self.fields["agenda_owner"].choices = [("protege", _("The protégé")), ("mentor", _("The mentor"))]
        self.fields["every_weeks"].required = False
        # A time box is a part of the call: from 0 to the longest call.
        for name in ("checkin_minutes", "topic_minutes", "prepare_minutes"):
            box = self.fields[name]
            out_of_range = gettext("Enter from 0 to %(most)d minutes for “%(part)s”.") % {
                "most": CALL_MINUTES[1],
                "part": box.label,
            }
            box.max_value = CALL_MINUTES[1]
            box.validators.append(MaxValueValidator(CALL_MINUTES[1]))
            box.widget.attrs.update(min=0, max=CALL_MINUTES[1])
            box.error_messages = {
                **box.error_messages,
                "required": gettext("Enter the minutes for “%(part)s”, or 0.") % {"part": box.label},
                "min_value": out_of_range,
                "max_value": out_of_range,
            }
        # A revision may keep a first review that has passed, never one from before the
        # partnership began; the end comes within a program's longest engagement (36 months).
        review = self.fields["first_review_on"]
        review.earliest = -datetime.timedelta(days=3 * 366)
        review.latest = datetime.timedelta(days=3 * 366)
        if partnership is not None:
            review.earliest = lambda: max(
                partnership.began_on, timezone.localdate() - datetime.timedelta(days=3 * 366)
            )
            review.error_messages = {
                **review.error_messages,
                "too_early": _("The partnership began on %(limit)s: choose a first review from then on."),
            }
        self.fields["ends_on"].earliest = datetime.timedelta(days=1)
        self.fields["ends_on"].latest = datetime.timedelta(days=3 * 366)
        if not revising:
            del self.fields["change_note"]
        else:
            self.fields["change_note"].required = False

    def clean_every_weeks(self):
        weeks = self.cleaned_data.get("every_weeks")
        if self.cleaned_data.get("cadence") != Cadence.EVERY_N_WEEKS:
            return None
        if weeks is None:
            raise forms.ValidationError(_("Enter every how many weeks you meet, from 1 to 8."))
        if not 1 <= weeks <= 8:
            raise forms.ValidationError(
                gettext(
                    "Choose from 1 to 8 weeks, not %(weeks)d; beyond two months a partnership loses its thread."
                )
                % {"weeks": weeks}
            )
        return weeks

    def clean_location(self) -> str:
        """A place or a phone number as typed; a link only to a web page (http or
        https): it becomes a link on the pair's pages and in their calendars."""
        location = self.cleaned_data.get("location", "").strip()
        if _LOOKS_LIKE_A_LINK.match(location) and not _is_web_link(location):
            raise forms.ValidationError(
                _(
                    "Enter a link that starts with https:// (or http://), such as "
                    "https://meet.example.com/abc-defg, or write a phone number or a place instead."
                ),
                code="not_a_web_link",
            )
        return location

    def _text(self, name: str) -> str:
        # Browsers send textarea lines with \r\n; stored text uses \n, so an
        # unchanged text compares equal to the version before.
        return "\n".join(line.rstrip() for line in self.cleaned_data[name].splitlines()).strip()

    def clean_ground_rules(self) -> str:
        return self._text("ground_rules")

    def clean_success(self) -> str:
        return self._text("success")

    def clean(self):
        cleaned = super().clean()
        boxes = [cleaned.get(name) for name in ("checkin_minutes", "topic_minutes", "prepare_minutes")]
        call = cleaned.get("call_minutes")
        if call is not None and None not in boxes and sum(boxes) != call:
            total = sum(boxes)
            gap = abs(call - total)
            numbers = {"total": total, "gap": gap, "call": call}
            if total < call:
                message = (
                    ngettext(
                        "The time boxes add up to %(total)d minutes, %(gap)d minute short of the "
                        "%(call)d-minute call. Add %(gap)d minute to a box, or shorten the call.",
                        "The time boxes add up to %(total)d minutes, %(gap)d minutes short of the "
                        "%(call)d-minute call. Add %(gap)d minutes to a box, or shorten the call.",
                        gap,
                    )
                    % numbers
                )
            else:
                message = (
                    ngettext(
                        "The time boxes add up to %(total)d minutes, %(gap)d minute over the "
                        "%(call)d-minute call. Take %(gap)d minute off a box, or lengthen the call.",
                        "The time boxes add up to %(total)d minutes, %(gap)d minutes over the "
                        "%(call)d-minute call. Take %(gap)d minutes off a box, or lengthen the call.",
                        gap,
                    )
                    % numbers
                )
            self.add_error("call_minutes", forms.ValidationError(message, code="time_boxes"))
        review, ends = cleaned.get("first_review_on"), cleaned.get("ends_on")
        if review and ends and review >= ends:
            self.add_error(
                "first_review_on",
                gettext("The first review must come before the end of the partnership (%(end)s).")
                % {"end": date_format(ends, "j F Y")},
            )
        return cleaned

    @property
    def boxes_error(self) -> bool:
        errors = self.errors.get("call_minutes")
        return bool(errors) and any(e.code == "time_boxes" for e in errors.as_data())

    def terms(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "change_note"}


class NextCallForm(forms.Form):
    # In the future and within a year: a pair that cannot say when it meets within a
    # year has no next call.
    at = BoundedDateTimeField(
        label=_("Date and time of the next call"),
        earliest=datetime.timedelta(0),
        latest=datetime.timedelta(days=366),
        error_messages={
            "required": _("Enter the date and time of the next call."),
            "too_early": _("Choose a date and time in the future."),
            "too_late": _("Choose a time within the next year, before %(limit)s."),
        },
    )

    def __init__(self, *args, zone_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if zone_name:
            self.fields["at"].help_text = format_html(
                gettext('In your time zone, {zone}. <a href="{link}">Change it on your profile</a>.'),
                zone=zone_name,
                link=reverse("home:profile"),
            )


class ClosePartnershipForm(forms.Form):
    """Completing a partnership or ending it early. No blame: the words ask
    what changed, never whose fault it was. Nothing is chosen beforehand but
    the only choice there is: a partnership can be complete only at or near
    its planned end (``can_complete``, see
    ``partnerships.services.partnership_can_complete``); before then it can
    only end early, with a reason. ``with_confirm``: the closing asks for a
    tick on "Yes, close this partnership" (the admin's one-click menu)."""

    outcome = forms.ChoiceField(
        label=_("How does the partnership end?"),
        choices=[
            (Partnership.Status.COMPLETED, _("It is complete: we reached the end we agreed")),
            (Partnership.Status.ENDED, _("It ends early")),
        ],
        widget=forms.RadioSelect,
        help_text=_("It can be marked complete from four weeks before its planned end."),
        error_messages={
            "required": _("Choose whether the partnership is complete or ends early."),
            "invalid_choice": NOT_AN_OPTION,
        },
    )
    reason = MultiLineField(
        label=_("If it ends early: what changed?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A sentence about the situation, not the person, e.g. “a new role leaves no time for calls”."
        ),
        template_name="partnerships/forms/conditional_field.html",
        error_messages={"max_length": TOO_LONG},
    )
    reflection = MultiLineField(
        label=_("Your closing reflection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you take away from this partnership. Only the two of you see it."),
        error_messages={
            "required": _("Write a sentence or two: what you take away from this partnership."),
            "max_length": TOO_LONG,
        },
    )
    confirm = forms.BooleanField(
        label=_("Yes, close this partnership"),
        help_text=_("Closing frees the mentor's place and cannot be undone."),
        error_messages={"required": _("Tick “Yes, close this partnership” to close it.")},
    )

    def __init__(
        self,
        *args,
        with_reflection: bool = True,
        can_complete: bool = True,
        started: bool | None = None,
        with_confirm: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not with_reflection:
            del self.fields["reflection"]
        if not with_confirm:
            del self.fields["confirm"]
        outcome = self.fields["outcome"]
        if started is None:  # as before the planned end was asked: only a started pair can complete
            started = can_complete
        if not started:
            # A partnership that never started can only end early.
            outcome.choices = [(Partnership.Status.ENDED, _("It ends before it started"))]
            outcome.help_text = ""
        elif not can_complete:
            outcome.choices = [(Partnership.Status.ENDED, _("It ends early"))]
            outcome.help_text = _(
                "It can be marked complete from four weeks before its planned end; until then it can "
                "only end early."
            )
        if len(outcome.choices) == 1:
            # The only choice there is, so nothing to choose by mistake.
            outcome.initial = Partnership.Status.ENDED

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Partnership.Status.ENDED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say in a sentence what changed, so the program can learn from it."))
        return cleaned


class ReflectionForm(forms.Form):
    text = MultiLineField(
        label=_("Your closing reflection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you take away from this partnership. Only the two of you see it."),
        error_messages={"required": _("Write a sentence or two: what you take away from this partnership.")},
    )


class NudgeForm(forms.Form):
    message = MultiLineField(
        label=_("Your message to both of them"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent by email to the mentor and the protégé, e.g. “How are your calls going? "
            "Could you set a date for the next one?”"
        ),
        error_messages={
            "required": _("Write a short message: it is what they will read."),
            "max_length": TOO_LONG,
        },
    )


# --- The query strings of list pages ---
