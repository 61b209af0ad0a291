"""Times one side of a pair offers for their next call, and the one the other
side picks (``partnerships.scheduling``). Picking sets the pair's next call
through the one mechanism a typed time uses (``agreements.partnership_set_next_call``),
so the invitations, the feed, the reminders and health follow it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.calls import CallMinutesField, call_minutes_in_range
from mentoring.bounds.dates import stored_in_range
from mentoring.bounds.text import SingleLineCharField
from programs.models import Participant

from .pairs import Partnership

OFFER_TIMES_MIN = 3
OFFER_TIMES_MAX = 5
# A link in the email to pick a time works this long at most (and never after
# the time it picks has begun, nor once the offer is answered).
OFFER_LINK_VALID = datetime.timedelta(days=14)


class TimeOfferQuerySet(models.QuerySet["TimeOffer"]):
    def open(self) -> "TimeOfferQuerySet":
        return self.filter(status=TimeOffer.Status.OPEN)


class TimeOffer(models.Model):
    """Three to five times one side (``offered_by``) offers for the pair's next
    call, found from both people's weekly hours, days away and quiet hours
    inside the window their cadence allows, or typed. The other side picks one,
    or answers with times of their own (a new offer that replaces this one).
    A pair has at most one open offer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a pick")
        PICKED = "picked", _("A time was picked")
        REPLACED = "replaced", _("Answered with other times")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="time_offers")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    offered_by_role = models.CharField(max_length=10, choices=Participant.Role)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    # False when no time fitted both people: the times fit the side who picks.
    fits_both = models.BooleanField(default=True)
    note = SingleLineCharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TimeOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"], condition=Q(status="open"), name="time_offer_one_open_per_pair"
            ),
            stored_in_range("expires_at", name="time_offer_expires_at_in_range", datetime_field=True),
        ]

    def __str__(self) -> str:
        return _("Times offered to partnership %(id)s") % {"id": self.partnership_id}


class OfferedTime(models.Model):
    """One time of an offer: a start and the call's length."""

    offer = models.ForeignKey(TimeOffer, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField()
    minutes = CallMinutesField()
    picked = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "starts_at"], name="offered_time_once_per_offer"),
            models.UniqueConstraint(
                fields=["offer"], condition=Q(picked=True), name="offered_time_one_picked_per_offer"
            ),
            stored_in_range("starts_at", name="offered_time_starts_at_in_range", datetime_field=True),
            call_minutes_in_range("minutes", name="offered_time_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC ({self.minutes} min)"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)
