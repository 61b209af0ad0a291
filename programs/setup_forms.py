"""Forms for setting a program up: creating it (``ProgramNewForm``), its
settings and topics (``ProgramSettingsForm``), adding and removing co-admins
(``AdminAddForm``, ``AdminRemoveForm``) and cloning it (``ProgramCloneForm``).

The forms check what a person types (lengths, ranges, dates, the time boxes,
the address); the services in ``services.setup`` check what depends on the
database (an address taken, a topic people chose) and refuse on the field."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.calls import CALL_MINUTES
from mentoring.bounds.dates import BoundedDateField
from mentoring.bounds.text import MultiLineField, SingleLineField, validate_single_line
from mentoring.dates import date_format
from mentoring.form_words import InOurWords

from .models import MatchingMode, Program
from .rhythms import cadence_choices
from .services.invitations import normalise_email
from .services.setup import RESERVED_SLUGS, TOPIC_MAX_LENGTH, TOPICS_MAX

SLUG_MAX_LENGTH = 60
BOXES = ("default_checkin_minutes", "default_topic_minutes", "default_prepare_minutes")
# A program starts within five years back (a cohort already running, brought in
# late) and three years ahead, and ends within ten years of today.
STARTS_BACK = datetime.timedelta(days=5 * 366)
STARTS_AHEAD = datetime.timedelta(days=3 * 366)
ENDS_AHEAD = datetime.timedelta(days=10 * 366)


def _range_words(message: str) -> dict[str, str]:
    return {"required": message, "invalid": message, "min_value": message, "max_value": message}


def _range_message(name: str, low: int, high: int) -> str:
    """What a number field of ``_ProgramFields`` says when its value is missing or out of range."""
    words = {"low": low, "high": high}
    if name == "engagement_months":
        return gettext("Enter the months a partnership lasts from %(low)d to %(high)d.") % words
    if name == "request_expiry_days":
        return gettext("Enter the days a request waits from %(low)d to %(high)d.") % words
    return gettext("Enter how many protégés a mentor takes from %(low)d to %(high)d.") % words


def _box_message(name: str, high: int) -> str:
    """What a time box says when its value is not a number of minutes in range."""
    words = {"low": 0, "high": high}
    if name == "default_checkin_minutes":
        return (
            gettext(
                "Enter from %(low)d to %(high)d minutes for check-in and homework recap, or leave it blank."
            )
            % words
        )
    if name == "default_topic_minutes":
        return (
            gettext("Enter from %(low)d to %(high)d minutes for the deeper topic, or leave it blank.") % words
        )
    return (
        gettext("Enter from %(low)d to %(high)d minutes for preparing the next call, or leave it blank.")
        % words
    )


def _day(day: datetime.date) -> str:
    """A day as messages write it, e.g. "1 March 2027", in the words of the language shown."""
    return date_format(day, "j F Y")


def suggested_slug(name: str) -> str:
    """An address made from a program's name: "Spring 2027 cohort" → "spring-2027-cohort"."""
    return slugify(name)[:SLUG_MAX_LENGTH].strip("-")


def topic_lines(text: str) -> list[str]:
    """The topics of a text, one a line: trimmed, blank lines skipped, the
    first of two lines that differ only in case kept."""
    seen: set[str] = set()
    topics = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            topics.append(name)
    return topics


def _clean_topics(text: str) -> list[str]:
    topics = topic_lines(text)
    too_long = [name for name in topics if len(name) > TOPIC_MAX_LENGTH]
    if too_long:
        raise forms.ValidationError(
            gettext("Keep each topic to %(max)d characters; “%(topic)s…” is longer.")
            % {"max": TOPIC_MAX_LENGTH, "topic": too_long[0][:40]},
            code="topic_too_long",
        )
    if len(topics) > TOPICS_MAX:
        raise forms.ValidationError(
            gettext("A program has at most %(max)d topics; this is %(count)d.")
            % {"max": TOPICS_MAX, "count": len(topics)},
            code="too_many_topics",
        )
    for name in topics:
        validate_single_line(name)
    return topics


class _ProgramFields(InOurWords, forms.ModelForm):
    """What creating a program and changing its settings share."""

    class Meta:
        model = Program
        fields = [
            "name", "description", "starts_on", "ends_on", "engagement_months", "default_cadence",
            "default_call_minutes", *BOXES, "matching_mode", "requests_need_approval",
            "request_expiry_days", "default_capacity",
        ]  # fmt: skip
        field_classes = {"starts_on": BoundedDateField, "ends_on": BoundedDateField}
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "engagement_months": _("How long a partnership lasts, in months"),
            "default_cadence": _("How often pairs meet"),
            "default_call_minutes": _("Call length in minutes"),
            "default_checkin_minutes": _("Check-in and homework recap"),
            "default_topic_minutes": _("The deeper topic"),
            "default_prepare_minutes": _("Preparing the next call"),
            "matching_mode": _("Who makes the matches"),
            "requests_need_approval": _("An admin approves each request a mentor accepts"),
            "request_expiry_days": _("A request waits for the mentor's answer for, in days"),
            "default_capacity": _("How many protégés a mentor takes at once"),
        }
        help_texts = {
            "name": _("As mentors and protégés will see it, e.g. “Engineering mentoring, spring 2027”."),
            "description": _("A few lines for the invitation email: what the program is for."),
            "ends_on": _("Leave blank if the program has no set end."),
            "engagement_months": _("From 1 to 36. Six months is typical."),
            "default_cadence": _("What each pair's first agreement proposes; the pair can agree another."),
            "default_call_minutes": _("From 15 to 120 minutes. 30 minutes is typical."),
            "requests_need_approval": _("Only when protégés request a mentor."),
            "request_expiry_days": _(
                "From 1 to 60. The mentor is reminded before; then the protégé is told kindly."
            ),
            "default_capacity": _("From 1 to 10. Each mentor can change their own."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "default_cadence": forms.RadioSelect,
            "matching_mode": forms.RadioSelect,
            **{name: forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": CALL_MINUTES[1]}) for name in BOXES},
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = gettext("Enter the program's name.")
        starts = self.fields["starts_on"]
        starts.earliest, starts.latest = -STARTS_BACK, STARTS_AHEAD
        if self.instance.pk and self.instance.starts_on:
            # A program that began long ago keeps its start when its other settings change.
            started = self.instance.starts_on
            starts.earliest = lambda: min(started, datetime.date.today() - STARTS_BACK)
        starts.error_messages["required"] = gettext("Enter the day the program starts.")
        self.fields["ends_on"].earliest = -STARTS_BACK
        self.fields["ends_on"].latest = ENDS_AHEAD
        # The same words as a person's preferred cadence on their profile (``rhythms.cadence_choices``).
        self.fields["default_cadence"].choices = cadence_choices()
        self.fields["matching_mode"].choices = MatchingMode.choices
        for name, low, high in (
            ("engagement_months", 1, 36),
            ("request_expiry_days", 1, 60),
            ("default_capacity", 1, 10),
        ):
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.widget.attrs.update(min=low, max=high, inputmode="numeric")
            field.validators = [MinValueValidator(low), MaxValueValidator(high)]
            field.error_messages.update(_range_words(_range_message(name, low, high)))
        for name in BOXES:
            box = self.fields[name]
            box.required = False
            box.min_value, box.max_value = 0, CALL_MINUTES[1]
            box.validators = [MinValueValidator(0), MaxValueValidator(CALL_MINUTES[1])]
            box.widget.attrs.update(min=0, max=CALL_MINUTES[1])
            message = _box_message(name, CALL_MINUTES[1])
            box.error_messages.update(invalid=message, min_value=message, max_value=message)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error(
                "ends_on",
                gettext("The program must end after it starts (%(day)s).") % {"day": _day(starts)},
            )
        boxes = [cleaned.get(name) for name in BOXES]
        call = cleaned.get("default_call_minutes")
        if any(name in self.errors for name in BOXES) or call is None:
            return cleaned
        if all(box is None for box in boxes):
            return cleaned
        if any(box is None for box in boxes):
            self.add_error(
                BOXES[0],
                forms.ValidationError(
                    gettext(
                        "Give all three time boxes, or leave all three blank to split the call the usual way."
                    ),
                    code="time_boxes",
                ),
            )
            return cleaned
        total = sum(boxes)
        if total != call:
            gap = abs(call - total)
            words = {"total": total, "gap": gap, "call": call}
            if total < call:
                message = ngettext(
                    "The time boxes add up to %(total)d minutes, %(gap)d minute short of the %(call)d-minute call.",
                    "The time boxes add up to %(total)d minutes, %(gap)d minutes short of the %(call)d-minute call.",
                    gap,
                )
            else:
                message = ngettext(
                    "The time boxes add up to %(total)d minutes, %(gap)d minute over the %(call)d-minute call.",
                    "The time boxes add up to %(total)d minutes, %(gap)d minutes over the %(call)d-minute call.",
                    gap,
                )
            self.add_error(BOXES[0], forms.ValidationError(message % words, code="time_boxes"))
        return cleaned

    def validate_unique(self) -> None:
        """The address is the service's to check (``services.setup.slug_taken``), in the product's words."""

    @property
    def boxes_errors(self) -> list[str]:
        """The errors of the time boxes, shown once for the three of them."""
        return [error for name in BOXES for error in self.errors.get(name, [])]

    def settings(self) -> dict:
        """The cleaned values the services take as ``fields``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProgramNewForm(_ProgramFields):
    """A new program: its settings, its address and its first topics."""

    slug = forms.SlugField(
        label=_("Address"),
        max_length=SLUG_MAX_LENGTH,
        required=False,
        help_text=_(
            "Letters, digits and hyphens, in the program's pages' addresses. Left blank, it is made from the name."
        ),
        error_messages={"invalid": _("Use only letters, digits and hyphens, e.g. spring-2027.")},
    )
    topics = MultiLineField(
        label=_("Topics"),
        max_length=TOPICS_MAX * (TOPIC_MAX_LENGTH + 2),
        required=False,
        help_text=_("One a line, e.g. Leadership. Mentors say which they offer, protégés which they seek."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    field_order = ["name", "slug", "description", "starts_on", "ends_on"]

    def clean_slug(self) -> str:
        slug = (self.cleaned_data.get("slug") or "").lower()
        if not slug:
            slug = suggested_slug(self.cleaned_data.get("name") or "")
            if not slug and "name" in self.cleaned_data:
                raise forms.ValidationError(
                    gettext("Enter an address: the name has no letters or digits to make one from."),
                    code="required",
                )
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                gettext("“%(slug)s” is kept for the site's own pages: choose another address.")
                % {"slug": slug},
                code="reserved",
            )
        return slug

    def clean_topics(self) -> list[str]:
        return _clean_topics(self.cleaned_data.get("topics") or "")


class ProgramSettingsForm(_ProgramFields):
    """A program's settings and its topics: each topic can be renamed or
    removed, and new ones added, one a line."""

    new_topics = MultiLineField(
        label=_("New topics"),
        max_length=TOPICS_MAX * (TOPIC_MAX_LENGTH + 2),
        required=False,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        #: The program's topics, each with its fields' names (``name_field``, ``remove_field``).
        self.topics = list(topics)
        for topic in self.topics:
            topic.name_field, topic.remove_field = f"topic_{topic.pk}", f"remove_topic_{topic.pk}"
            self.fields[topic.name_field] = SingleLineField(
                label=gettext("Topic: %(name)s") % {"name": topic.name},
                max_length=TOPIC_MAX_LENGTH,
                initial=topic.name,
                error_messages={"required": gettext("Enter the topic's name, or tick Remove.")},
            )
            self.fields[topic.remove_field] = forms.BooleanField(
                label=gettext("Remove “%(name)s”") % {"name": topic.name}, required=False
            )
            topic.name_input, topic.remove_input = self[topic.name_field], self[topic.remove_field]

    def clean(self):
        cleaned = super().clean()
        for topic in self.topics:
            # A topic ticked for removal needs no name.
            if cleaned.get(topic.remove_field) and topic.name_field in self.errors:
                del self.errors[topic.name_field]
        return cleaned

    def clean_new_topics(self) -> list[str]:
        return _clean_topics(self.cleaned_data.get("new_topics") or "")

    def topic_changes(self) -> dict:
        """``renamed``, ``removed`` and ``added`` as ``services.setup.program_update`` takes them."""
        data = self.cleaned_data
        return {
            "renamed": {
                topic.pk: " ".join(data[topic.name_field].split())
                for topic in self.topics
                if data.get(topic.name_field)
            },
            "removed": [topic.pk for topic in self.topics if data.get(topic.remove_field)],
            "added": data.get("new_topics") or [],
        }


class AdminAddForm(InOurWords, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "Someone with an account is added at once and told by email; anyone else gets an invitation."
        ),
        error_messages={
            "required": _("Enter the email address of the person to add."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class AdminRemoveForm(forms.Form):
    """Taking an admin off: always confirmed with a tick, whether oneself
    (``yourself``) or another admin (``admin``, whose name the tick reads)."""

    confirm = forms.BooleanField(label=_("Yes, I no longer help run this program"), required=False)

    def __init__(self, *args, yourself: bool = False, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.yourself = yourself
        if not yourself and admin is not None:
            self.fields["confirm"].label = gettext(
                "Yes, remove %(name)s: they will no longer see this program's pages, and we tell them by email"
            ) % {"name": admin.name}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("confirm"):
            self.add_error(
                "confirm",
                gettext("Tick the box to confirm: you will no longer see this program's pages.")
                if self.yourself
                else gettext("Tick the box to confirm that this admin stops helping run the program."),
            )
        return cleaned


class ProgramCloneForm(InOurWords, forms.Form):
    """The new cohort's name, address and start; the rest comes from the program cloned."""

    name = SingleLineField(
        label=_("Name of the new program"),
        max_length=120,
        error_messages={"required": _("Enter the new program's name.")},
    )
    slug = forms.SlugField(
        label=_("Its address"),
        max_length=SLUG_MAX_LENGTH,
        help_text=_("Letters, digits and hyphens; a new one, not used by any program."),
        error_messages={
            "required": _("Enter the new program's address, e.g. spring-2027."),
            "invalid": _("Use only letters, digits and hyphens, e.g. spring-2027."),
        },
    )
    starts_on = BoundedDateField(
        label=_("It starts on"),
        earliest=-STARTS_BACK,
        latest=STARTS_AHEAD,
        error_messages={"required": _("Enter the day the new program starts.")},
    )

    def __init__(self, *args, source: Program | None = None, **kwargs):
        kwargs.setdefault("auto_id", "clone-%s")
        super().__init__(*args, **kwargs)
        #: The program cloned: the clone runs as long, so its end obeys the bounds of a new program's.
        self.source = source

    def clean_starts_on(self) -> datetime.date:
        starts = self.cleaned_data["starts_on"]
        source = self.source
        if source is None or source.ends_on is None:
            return starts
        ends = starts + (source.ends_on - source.starts_on)
        # The same bound as a new program's end (``_ProgramFields``).
        latest = BoundedDateField(latest=ENDS_AHEAD).limits()[1]
        if ends > latest:
            raise forms.ValidationError(
                gettext(
                    "Starting then, the new program would end on %(end)s (it runs as long as this one), "
                    "after the latest end a program can have, %(latest)s: choose an earlier start."
                )
                % {"end": _day(ends), "latest": _day(latest)},
                code="too_late",
            )
        return starts

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                gettext("“%(slug)s” is kept for the site's own pages: choose another address.")
                % {"slug": slug},
                code="reserved",
            )
        return slug
