"""Reads for reminders. Each says how many queries it runs."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from programs.models import Participant, Program

from .models import Kind, Reminder, ReminderOptOut

PAGE_SIZE = 30


def notifications_page(user, page) -> Page:
    """A page of the reminders sent to ``user``, newest first, each with its
    ``is_new`` (unread before this visit) and ``link``. Two queries."""
    from .emails import target_path

    reminders: Page = Paginator(
        Reminder.objects.shown_to(user)
        .select_related("partnership__program", "partnership__mentor__user", "partnership__protege__user")
        .order_by("-send_at", "-pk"),
        PAGE_SIZE,
    ).get_page(page)
    reminders.object_list = list(reminders.object_list)
    for reminder in reminders.object_list:
        reminder.is_new = reminder.read_at is None
        reminder.link = target_path(reminder)
    return reminders


def unread_count(user) -> int:
    """How many reminders ``user`` has not read yet: the header's badge. One query
    (the partial index reminder_unread_idx)."""
    return Reminder.objects.shown_to(user).filter(read_at__isnull=True).count()


def wanted_kinds(user) -> list[str]:
    """The kinds of reminder ``user`` gets (all but those stopped). One query."""
    stopped = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [kind for kind in Kind.values if kind not in stopped]


def program_reminder_health(program: Program) -> dict:
    """For the program overview: how many reminders of the program failed
    (``failed_reminders``), and how many may not have arrived: the line broke
    after the message was written, so they are not resent by themselves
    (``unknown_reminders``). One query (the partial index reminder_failed_idx).
    (Which pairs are stalled is the health label's job, ``partnerships.health``:
    one rule for the headline and the table.)"""
    counts = Reminder.objects.filter(
        state__in=[Reminder.State.FAILED, Reminder.State.UNKNOWN], partnership__program=program
    ).aggregate(
        failed_reminders=Count("pk", filter=Q(state=Reminder.State.FAILED)),
        unknown_reminders=Count("pk", filter=Q(state=Reminder.State.UNKNOWN)),
    )
    return counts


# Who each kind can reach (reminders.rules): check-ins, agreements waiting and
# nudges go to both sides of a pair, homework and rating prompts to the
# protégé, stall flags to the program's admins.
REACHES = {
    Kind.CHECK_IN: {"mentor", "protege"},
    Kind.AGREEMENT_PENDING: {"mentor", "protege"},
    Kind.NUDGE: {"mentor", "protege"},
    Kind.RATING: {"protege"},
    Kind.HOMEWORK: {"protege"},
    Kind.STALL: {"admin"},
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
