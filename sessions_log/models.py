"""The call log: each mentoring call (a Session), its agenda, the homework set
at its end and recapped at the next one, and what the pair says about the calls
and the partnership. What a pair writes here stays between the pair: program
admins see counts and ratings, never the text."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.calls import CallMinutesField, call_minutes_in_range
from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import MultiLineTextField, SingleLineCharField, text_within
from partnerships.models import Partnership
from programs.models import Method, Participant

# A call's notes: room for a full page each.
NOTES_MAX = 4000


class SessionQuerySet(models.QuerySet["Session"]):
    def logged(self) -> "SessionQuerySet":
        """Calls whose log is finished (drafts are the mentor's until then)."""
        return self.filter(is_draft=False)

    def held(self) -> "SessionQuerySet":
        return self.logged().filter(status=Session.Status.HELD)


class Session(models.Model):
    """One mentoring call, logged by the mentor. A half-written log is a draft
    (``is_draft``): only the mentor sees it, and nothing it says (homework,
    recap, next call) takes effect until it is finished."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(max_length=10, choices=Status, default=Status.HELD)
    is_draft = models.BooleanField(default=False)
    starts_at = models.DateTimeField(_("date and time"))
    minutes = CallMinutesField(_("length (minutes)"), default=30)
    method = models.CharField(_("how you met"), max_length=10, choices=Method, default=Method.VIDEO)
    checkin_notes = MultiLineTextField(_("check-in and homework recap"), max_length=NOTES_MAX, blank=True)
    topic = MultiLineTextField(_("the topic you went deep on"), max_length=NOTES_MAX, blank=True)
    key_learnings = MultiLineTextField(_("key learnings"), max_length=NOTES_MAX, blank=True)
    prepare_next = MultiLineTextField(
        _("what to prepare for the next call"), max_length=NOTES_MAX, blank=True
    )
    next_call_at = models.DateTimeField(_("the next call"), null=True, blank=True)
    # A draft's recap choices, {homework id: status}, applied when it is finished.
    draft_recap = models.JSONField(default=dict, blank=True)
    # A draft's agenda items ticked as covered (their ids), linked to the call when it is finished.
    draft_covered = models.JSONField(default=list, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            # The call log and the home's timeline: a pair's calls, newest first (selectors.calls_page).
            models.Index(fields=["partnership", "-starts_at"], name="session_pair_newest"),
        ]
        constraints = [
            call_minutes_in_range("minutes", name="session_minutes_range"),
            # One half-written log per pair: "Log a call" opens it again (services.session_log).
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(is_draft=True), name="session_one_draft_per_pair"
            ),
            # A finished log is of a call that happened or did not; "planned" is only ever a draft's.
            models.CheckConstraint(
                condition=Q(is_draft=True) | ~Q(status="planned"), name="session_logged_not_planned"
            ),
            models.CheckConstraint(
                condition=Q(next_call_at__isnull=True) | Q(next_call_at__gt=models.F("starts_at")),
                name="session_next_call_after_this_one",
                violation_error_message=_("The next call comes after this one."),
            ),
            stored_in_range("starts_at", name="session_starts_at_in_range", datetime_field=True),
            stored_in_range("next_call_at", name="session_next_call_at_in_range", datetime_field=True),
            *(
                text_within(name, NOTES_MAX, name=f"session_{name}_length")
                for name in ("checkin_notes", "topic", "key_learnings", "prepare_next")
            ),
        ]

    def __str__(self) -> str:
        return gettext("Call of partnership %(id)s on %(day)s: %(status)s") % {
            "id": self.partnership_id,
            "day": f"{self.starts_at:%Y-%m-%d}",
            "status": self.get_status_display(),
        }


class AgendaItem(models.Model):
    """A topic or question for a call, added by either side before it. With
    ``someday`` it waits on the protégé's running list until pulled into an
    agenda; once the call is logged it belongs to that call (``session``)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agenda_items")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    text = SingleLineCharField(_("topic or question"), max_length=300)
    someday = models.BooleanField(_("someday, not the next call"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by_role = models.CharField(max_length=10, choices=Participant.Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The next call's agenda and the someday list: items not yet discussed (selectors.open_agenda).
            models.Index(
                fields=["partnership", "created_at"],
                condition=Q(session__isnull=True),
                name="agenda_open_per_pair",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(someday=False) | Q(session__isnull=True), name="agenda_someday_unplaced"
            ),
            models.CheckConstraint(condition=Q(text__regex=r"\S"), name="agenda_text_not_blank"),
        ]

    def __str__(self) -> str:
        return self.text


class HomeworkQuerySet(models.QuerySet["Homework"]):
    def to_recap(self) -> "HomeworkQuerySet":
        """What the next call's check-in recaps: set at a finished call and not yet recapped."""
        return self.filter(recapped_in__isnull=True, session__is_draft=False)

    def due_by(self, day: datetime.date) -> "HomeworkQuerySet":
        """Due on ``day`` or before: what a call on that day recaps (later homework waits for its call)."""
        return self.filter(due_on__lte=day)


class Homework(models.Model):
    """Set at the end of a call: a reading, an exercise or research, due by
    the next call unless said otherwise. The protégé marks it done with a short
    reflection; the next call's check-in recaps it (done, partly or not done)."""

    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        EXERCISE = "exercise", _("Exercise")
        RESEARCH = "research", _("Research")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        NOT_DONE = "not_done", _("Not done")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="homework")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="homework")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.READING)
    description = SingleLineCharField(max_length=500)
    link = models.URLField(blank=True, max_length=500)
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    reflection = MultiLineTextField(max_length=2000, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # The call whose check-in recapped it.
    recapped_in = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="recapped_homework"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HomeworkQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The homework page and the home's summary: a pair's homework by due date (selectors.homework_page).
            models.Index(fields=["partnership", "status", "due_on"], name="homework_pair_by_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(description__regex=r"\S"), name="homework_described"),
            # "Done" says when; nothing else does.
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="homework_done_has_time",
            ),
            # An item unticked by mistake keeps its reflection, to show again when ticked;
            # one the call recapped as not done has none.
            models.CheckConstraint(
                condition=Q(reflection="") | ~Q(status="not_done"),
                name="homework_reflection_unless_not_done",
            ),
            stored_in_range("due_on", name="homework_due_on_in_range"),
            text_within("reflection", 2000, name="homework_reflection_length"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_closed(self) -> bool:
        return self.status != self.Status.OPEN


class CallFeedback(models.Model):
    """How valuable a held call was to the protégé, 1–5, with an optional
    comment. The pair sees both; the program admin, only the number."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("how valuable was this call?"))
    comment = MultiLineTextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="callfeedback_rating_1_to_5"
            ),
            text_within("comment", 1000, name="callfeedback_comment_length"),
        ]

    def __str__(self) -> str:
        return gettext("%(rating)d/5 for call %(id)s") % {"rating": self.rating, "id": self.session_id}


class PartnershipCheck(models.Model):
    """Every few held calls, each side says whether the partnership is working
    and whether the conversations are valuable (1–5 each). The pair sees the
    answers; the program admin, only the numbers."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="checks")
    role = models.CharField(max_length=10, choices=Participant.Role)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    after_calls = models.PositiveSmallIntegerField(
        help_text=_("How many calls were held when this was asked.")
    )
    working = models.PositiveSmallIntegerField(_("is the partnership working?"))
    valuable = models.PositiveSmallIntegerField(_("are the conversations valuable?"))
    comment = MultiLineTextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "role", "after_calls"], name="check_once_per_round"
            ),
            models.CheckConstraint(condition=Q(working__gte=1, working__lte=5), name="check_working_1_to_5"),
            models.CheckConstraint(
                condition=Q(valuable__gte=1, valuable__lte=5), name="check_valuable_1_to_5"
            ),
            text_within("comment", 1000, name="check_comment_length"),
        ]

    def __str__(self) -> str:
        numbers = {"id": self.partnership_id, "count": self.after_calls}
        if self.role == Participant.Role.MENTOR:
            return (
                ngettext(
                    "The mentor's check of partnership %(id)s after %(count)d call",
                    "The mentor's check of partnership %(id)s after %(count)d calls",
                    self.after_calls,
                )
                % numbers
            )
        return (
            ngettext(
                "The protégé's check of partnership %(id)s after %(count)d call",
                "The protégé's check of partnership %(id)s after %(count)d calls",
                self.after_calls,
            )
            % numbers
        )
