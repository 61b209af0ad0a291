"""A protégé's request for a mentor (DESIGN.md, "Protégés request a mentor").

A request is open until the mentor answers, the protégé withdraws it or it
expires; an accepted one becomes a partnership at once, or waits for an
admin where the program asks for approval. Open requests per protégé are
capped (``OPEN_REQUESTS_MAX``) by the service that sends them, under a lock on
the protégé's row; one open request per protégé and mentor is held here.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.bounds.text import MultiLineTextField, SingleLineCharField, text_within

from .programs import Participant, Program

OPEN_REQUESTS_MAX = 3
NOTE_MAX_LENGTH = 500
# A protégé who withdrew a request may ask that mentor again this long after:
# withdrawing and asking again at once emailed the mentor each time.
ASK_AGAIN_AFTER_WITHDRAWAL = datetime.timedelta(days=7)


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the mentor")
    ACCEPTED = "accepted", _("Accepted, waiting for the program team")
    MATCHED = "matched", pgettext_lazy("request status", "Matched")
    DECLINED = "declined", pgettext_lazy("request status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("request status", "Expired")
    REFUSED = "refused", pgettext_lazy("request status", "Not approved")


# A request still in play: it counts against the protégé's open requests and
# stops a second request to the same mentor.
PENDING_REQUEST_STATUSES = (RequestStatus.OPEN, RequestStatus.ACCEPTED)


class MentorRequestQuerySet(models.QuerySet["MentorRequest"]):
    def pending(self) -> "MentorRequestQuerySet":
        return self.filter(status__in=PENDING_REQUEST_STATUSES)

    def stopping_a_new_one(self, now: datetime.datetime) -> "MentorRequestQuerySet":
        """Closed requests that keep their protégé from asking that mentor again:
        declined by the mentor themselves (``answered_at`` set; a request closed
        because the mentor's places filled up has none), or withdrawn by the
        protégé (no ``answer``; the program's own closings give one) less than
        ``ASK_AGAIN_AFTER_WITHDRAWAL`` ago."""
        return self.filter(
            Q(status=RequestStatus.DECLINED, answered_at__isnull=False)
            | Q(
                status=RequestStatus.WITHDRAWN,
                answer="",
                closed_at__gt=now - ASK_AGAIN_AFTER_WITHDRAWAL,
            )
        )


class MentorRequest(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentor_requests")
    protege = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_received")
    note = MultiLineTextField(_("a short note"), max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.OPEN)
    # The kind word a declining mentor chose or wrote, or why an admin did not approve.
    answer = SingleLineCharField(_("a kind word"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The partnership an accepted request became (no foreign key: partnerships sit above programs).
    partnership_id = models.PositiveIntegerField(null=True, blank=True)

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["protege", "mentor"],
                condition=Q(status__in=PENDING_REQUEST_STATUSES),
                name="mentor_request_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(protege=models.F("mentor")), name="mentor_request_two_people"
            ),
            text_within("note", NOTE_MAX_LENGTH, name="mentor_request_note_length"),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="mentor_request_due"),
        ]

    def __str__(self) -> str:
        return f"{self.protege_id} → {self.mentor_id} ({self.status})"
