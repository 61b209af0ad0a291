"""The reminder ledger: one row per reminder that was decided, with a unique
key, so that deciding twice records once and sending twice delivers once.

A row is written by the scan (``services.scan.reminders_scan``) in the transaction
that decided it, and moves pending → sending → sent (or back to pending for a
retry or for the end of the recipient's quiet hours; to failed after the last
try or a permanent refusal; to unknown when the line broke after the message
was written and before the server answered, so it may have arrived; or to
cancelled when it is no longer due, or its recipient opted out or was
deactivated before it went)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships.models import Partnership


class Kind(models.TextChoices):
    """What a reminder is about. Each person can stop each kind (``ReminderOptOut``)."""

    CHECK_IN = "check_in", _("Check-in reminders before each call")
    AGREEMENT_PENDING = "agreement_pending", _("An agreement waiting for your acceptance")
    NUDGE = "nudge", _("A nudge when no call has been held for a while")
    RATING = "rating", _("Prompts to rate your goals")
    STALL = "stall", _("Stalled partnerships in programs you run")
    HOMEWORK = "homework", _("Homework coming due, and overdue")
    SURVEY = "survey", _("Surveys from your program, and one reminder to answer")


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def shown_to(self, user, *, now=None) -> "ReminderQuerySet":
        """The reminders ``user`` has been sent (or is due to be): what /me/notifications/ lists."""
        return self.filter(recipient=user, send_at__lte=now or timezone.now()).exclude(
            state=Reminder.State.CANCELLED
        )


class Reminder(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed after the last try")
        # Not resent by itself: a second copy is worse than a question to an admin.
        UNKNOWN = "unknown", _("Perhaps sent: the server did not answer")
        CANCELLED = "cancelled", _("Not sent: no longer due, or opted out")

    Kind = Kind

    kind = models.CharField(max_length=20, choices=Kind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # What it is about: the partnership, and which thing of it (e.g. "day_before",
    # "agreement-12"); ``due_at`` is the moment that thing is due (the call, the
    # end of the three days, the crossing of 1.5 × the cadence…), never the
    # moment of sending, so it does not move when the recipient changes zone.
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reminders")
    object_key = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    # When to send: the decision moment moved out of the recipient's quiet hours.
    send_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-send_at", "-pk"]
        constraints = [
            # The ledger's key: the scan inserts with ON CONFLICT DO NOTHING on it.
            models.UniqueConstraint(
                fields=["kind", "partnership", "object_key", "due_at", "recipient"],
                name="reminder_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False)
                | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="reminder_sending_is_claimed",
            ),
        ]
        indexes = [
            # services.scan._enqueue_due: pending rows whose time has come.
            models.Index(fields=["send_at"], condition=Q(state="pending"), name="reminder_pending_idx"),
            # services.scan._enqueue_due: claims of a worker that died (stale "sending").
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="reminder_sending_idx"),
            # selectors.notifications_page: a person's reminders, newest first.
            models.Index(fields=["recipient", "-send_at"], name="reminder_recipient_idx"),
            # selectors.unread_count: the header's badge.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="reminder_unread_idx"),
            # selectors.program_reminder_health: failed (or perhaps sent) reminders per partnership.
            models.Index(
                fields=["partnership"],
                condition=Q(state__in=["failed", "unknown"]),
                name="reminder_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        # Translators: a reminder in the site administration; recipient is a user id.
        return gettext("%(kind)s for %(recipient)s (%(key)s, %(due)s)") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient_id,
            "key": self.object_key,
            "due": f"{self.due_at:%Y-%m-%d %H:%M}",
        }


class ReminderOptOut(models.Model):
    """A person stopped one kind of reminder. No row means they get it (the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reminder_opt_out_once")]

    def __str__(self) -> str:
        # Translators: an opt-out in the site administration; user is a user id, kind a kind of reminder.
        return gettext("%(user)s stopped %(kind)s") % {"user": self.user_id, "kind": self.get_kind_display()}
