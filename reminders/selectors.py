"""Reads for reminders. Each says how many queries it runs."""

from dataclasses import dataclass
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from programs.models import Participant, Program

from .emails import target_path
from .models import Kind, Reminder, ReminderOptOut

PAGE_SIZE = 30


@dataclass(frozen=True)
class Notification:
    """A reminder as /me/notifications/ lists it: whether it was unread before
    this visit, and where its link goes (``emails.target_path``)."""

    reminder: Reminder
    is_new: bool
    link: str


@dataclass(frozen=True)
class NotificationsPage:
    """A page of /me/notifications/: its reminders as ``Notification``s, and
    the page of reminders they come from, for the links to the other pages."""

    page: "Page[Reminder]"
    notifications: list[Notification]


def notifications_page(user, page: str | int | None) -> NotificationsPage:
    """A page of the reminders sent to ``user``, newest first. Two queries."""
    reminders = Paginator(
        Reminder.objects.shown_to(user)
        .select_related("partnership__program", "partnership__mentor__user", "partnership__protege__user")
        .order_by("-send_at", "-pk"),
        PAGE_SIZE,
    ).get_page(page)
    reminders.object_list = list(reminders.object_list)
    return NotificationsPage(
        page=reminders,
        notifications=[
            Notification(reminder, reminder.read_at is None, target_path(reminder))
            for reminder in reminders.object_list
        ],
    )


def unread_count(user) -> int:
    """How many reminders ``user`` has not read yet: the header's badge. One query
    (the partial index reminder_unread_idx)."""
    return Reminder.objects.shown_to(user).filter(read_at__isnull=True).count()


def wanted_kinds(user) -> list[str]:
    """The kinds of reminder ``user`` gets (all but those stopped). One query."""
    stopped = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [kind for kind in Kind.values if kind not in stopped]


class ReminderHealth(TypedDict):
    """A program's reminders that need an admin's eye (``program_reminder_health``)."""

    failed_reminders: int
    unknown_reminders: int


def program_reminder_health(program: Program) -> ReminderHealth:
    """For the program overview: how many reminders of the program failed
    (``failed_reminders``), and how many may not have arrived: the line broke
    after the message was written, so they are not resent by themselves
    (``unknown_reminders``). One query (the partial index reminder_failed_idx).
    (Which pairs are stalled is the health label's job, ``health.rule``:
    one rule for the headline and the table.)"""
    counts = Reminder.objects.filter(
        state__in=[Reminder.State.FAILED, Reminder.State.UNKNOWN], partnership__program=program
    ).aggregate(
        failed_reminders=Count("pk", filter=Q(state=Reminder.State.FAILED)),
        unknown_reminders=Count("pk", filter=Q(state=Reminder.State.UNKNOWN)),
    )
    return ReminderHealth(
        failed_reminders=counts["failed_reminders"], unknown_reminders=counts["unknown_reminders"]
    )


# Who each kind can reach (reminders.rules, by kind): check-ins, agreements waiting and
# nudges go to both sides of a pair, homework and rating prompts to the
# protégé, stall flags to the program's admins, surveys to either side (as each sets it).
REACHES: dict[str, set[str]] = {
    Kind.CHECK_IN: {"mentor", "protege"},
    Kind.AGREEMENT_PENDING: {"mentor", "protege"},
    Kind.NUDGE: {"mentor", "protege"},
    Kind.RATING: {"protege"},
    Kind.HOMEWORK: {"protege"},
    Kind.STALL: {"admin"},
    Kind.SURVEY: {"mentor", "protege"},
}


def reachable_kinds(user) -> list[str]:
    """The kinds of reminder that can reach ``user`` (``REACHES``) from what
    they are: mentor or protégé in a program (not withdrawn), admin of one. In
    ``Kind`` order. Two queries."""
    roles = set(
        Participant.objects.filter(user=user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .values_list("role", flat=True)
        .distinct()
    )
    if Program.objects.run_by(user).exists():
        roles.add("admin")
    return [kind for kind in Kind.values if REACHES[kind] & roles]
