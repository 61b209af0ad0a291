"""Reads for reminders. Each says how many queries it runs."""

from django.core.paginator import Page, Paginator
from django.utils import timezone

from partnerships.models import Partnership, Program

from .models import Kind, Reminder, ReminderOptOut
from .rules import still_stalled

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


def program_reminder_health(program: Program, partnership_ids) -> dict:
    """For the program overview: which of ``partnership_ids`` (the page shown)
    are flagged as stalling, how many current pairs stall in all, and how many
    reminders of the program failed after their last try. Two queries."""
    now = timezone.now()
    stalled = list(
        Partnership.objects.filter(program=program, status=Partnership.Status.ACTIVE)
        .filter(still_stalled(now))
        .values_list("pk", flat=True)
    )
    failed = Reminder.objects.filter(state=Reminder.State.FAILED, partnership__program=program).count()
    shown = set(partnership_ids)
    return {
        "stalled_ids": {pk for pk in stalled if pk in shown},
        "stalled_count": len(stalled),
        "failed_reminders": failed,
    }
