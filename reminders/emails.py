"""What each reminder says, where its link goes, and its one-click stop link.

Texts are rendered when the reminder is sent, in the recipient's time zone,
from what the pair has now (the agreement in force, the proposal waiting)."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from goals.models import Goal, RatingRound
from partnerships.models import Agreement, Participant, Partnership
from sessions_log.models import Homework
from sessions_log.selectors import open_agenda

from .models import Kind, Reminder
from .rules import homework_id_of
from .timing import zone_of

STOP_SALT = "reminders.stop"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def stop_token(user_id: int, kind: str) -> str:
    """A signed token naming a person and a kind of reminder, for the stop link."""
    return signing.dumps([user_id, kind], salt=STOP_SALT, compress=True)


def read_stop_token(token: str) -> tuple[int, str] | None:
    """The person and kind a stop token names; None when it is forged or damaged."""
    try:
        user_id, kind = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (user_id, kind) if kind in Kind.values else None


def stop_link(reminder: Reminder) -> str:
    return absolute(reverse("reminders:stop", args=[stop_token(reminder.recipient_id, reminder.kind)]))


def target_path(reminder: Reminder) -> str:
    """Where the reminder's link goes: the page of the exact thing due. Each of
    them 404s for anyone but the people it is for (the pair's pages through
    partnerships.access.get_partnership_for, the program's through get_program_for_admin)."""
    pk = reminder.partnership_id
    if reminder.kind == Kind.AGREEMENT_PENDING:
        return reverse("partnerships:agreement", args=[pk])
    if reminder.kind == Kind.RATING:
        return reverse("goals:rating_new", args=[pk])
    if reminder.kind == Kind.HOMEWORK:
        return reverse("sessions_log:homework", args=[pk])
    if reminder.kind == Kind.STALL:
        return reverse("partnerships:program_overview", args=[reminder.partnership.program.slug]) + "#pairs"
    return reverse("partnerships:partnership_home", args=[pk])


def _agreement_id(reminder: Reminder) -> int | None:
    prefix = "agreement-"
    return int(reminder.object_key[len(prefix) :]) if reminder.object_key.startswith(prefix) else None


def homework_of(reminder: Reminder) -> Homework | None:
    """The homework item a homework reminder is about, while it is still open
    and due on the day the reminder was decided for."""
    return Homework.objects.filter(
        pk=homework_id_of(reminder.object_key),
        partnership=reminder.partnership_id,
        status=Homework.Status.OPEN,
        due_on=reminder.due_at.date(),
    ).first()


def still_due(reminder: Reminder, now: datetime.datetime) -> bool:
    """Whether what the reminder is about still needs the person, at sending time:
    the call was not moved, the proposal still waits for them, no call was held
    since, the homework is still open and due that day."""
    partnership: Partnership = reminder.partnership
    if reminder.kind == Kind.HOMEWORK:
        return partnership.status == Partnership.Status.ACTIVE and homework_of(reminder) is not None
    if reminder.kind == Kind.RATING:
        rounds = RatingRound.objects.filter(partnership=partnership)
        return (
            partnership.status == Partnership.Status.ACTIVE
            and Goal.objects.filter(partnership=partnership, status=Goal.Status.ACTIVE).exists()
            and not rounds.filter(
                Q(created_at__gte=reminder.created_at) | Q(point=RatingRound.Point.END)
            ).exists()
        )
    if reminder.kind == Kind.CHECK_IN:
        return (
            partnership.status == Partnership.Status.ACTIVE
            and partnership.next_call_at == reminder.due_at
            and reminder.due_at > now
        )
    if reminder.kind == Kind.AGREEMENT_PENDING:
        proposal = Agreement.objects.filter(
            pk=_agreement_id(reminder), status=Agreement.Status.PROPOSED
        ).first()
        if proposal is None:
            return False
        role = (
            Participant.Role.MENTOR
            if partnership.mentor.user_id == reminder.recipient_id
            else Participant.Role.PROTEGE
        )
        return proposal.waiting_for_role == role
    if reminder.kind == Kind.NUDGE:
        held = partnership.last_call_at
        return partnership.status == Partnership.Status.ACTIVE and (
            held is None or held < reminder.created_at
        )
    return partnership.status in (Partnership.Status.PROPOSED, Partnership.Status.ACTIVE)


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


def _agenda_and_homework(partnership: Partnership, call_day: datetime.date) -> list[str]:
    """The check-in's lines on what the call will cover: the agenda so far and
    the open homework due by the call's day. Two queries."""
    agenda, _someday = open_agenda(partnership)
    lines = [
        "The agenda so far: " + "; ".join(item.text for item in agenda) + "."
        if agenda
        else "Nothing is on the agenda yet: add a topic or question before the call."
    ]
    due = Homework.objects.filter(
        partnership=partnership, status=Homework.Status.OPEN, session__is_draft=False, due_on__lte=call_day
    ).order_by("due_on", "pk")
    if due:
        items = "; ".join(f"“{item.description}” (due {date_format(item.due_on, 'l j F')})" for item in due)
        lines.append(f"Homework due by the call: {items}.")
    return lines


def _content(reminder: Reminder) -> dict:
    """Subject, lines and link text of one reminder, in the recipient's zone."""
    partnership = reminder.partnership
    me = reminder.recipient
    other = partnership.protege.user if partnership.mentor.user_id == me.pk else partnership.mentor.user
    if reminder.kind == Kind.CHECK_IN:
        in_force = Agreement.objects.filter(partnership=partnership, status=Agreement.Status.IN_FORCE).first()
        when = "tomorrow" if reminder.object_key == "day_before" else "today"
        lines = [f"Your call with {other.name} is {when}: {_when(reminder.due_at)}."]
        if in_force:
            boxes = "; ".join(f"{label}, {minutes} min" for label, minutes in in_force.time_boxes)
            lines.append(f"The call's structure ({in_force.call_minutes} minutes): {boxes}.")
        lines += _agenda_and_homework(partnership, timezone.localtime(reminder.due_at).date())
        return {
            "subject": f"Your call with {other.name} {when} at {timezone.localtime(reminder.due_at):%H:%M}",
            "lines": lines,
            "link_text": "Open your partnership page",
        }
    if reminder.kind == Kind.AGREEMENT_PENDING:
        return {
            "subject": f"{other.name}'s proposed agreement is waiting for you",
            "lines": [
                f"{other.name} proposed how you will work together on {_when(reminder.due_at - datetime.timedelta(days=3))}; "
                "it takes effect once you accept it. Read it, accept it, or propose a change."
            ],
            "link_text": "Read the proposed agreement",
        }
    if reminder.kind == Kind.NUDGE:
        return {
            "subject": f"Time to set your next call with {other.name}",
            "lines": [
                f"No call with {other.name} has been held for a while, longer than your agreement's rhythm allows. "
                "Set a date for the next one: a short call keeps the partnership going."
            ],
            "link_text": "Set your next call",
        }
    if reminder.kind == Kind.STALL:
        return {
            "subject": f"{partnership.protege.user.name} and {partnership.mentor.user.name} may be stalling",
            "lines": [
                f"{partnership.protege.user.name} (protégé) and {partnership.mentor.user.name} (mentor) in "
                f"{partnership.program.name} have not held a call for twice as long as their agreement's rhythm. "
                "A word from you may help them restart, or show that a re-match is needed."
            ],
            "link_text": f"Open the {partnership.program.name} overview",
        }
    if reminder.kind == Kind.HOMEWORK:
        item = homework_of(reminder)
        what = f"“{item.description}”" if item else "Your homework"
        due = date_format(reminder.due_at.date(), "l j F Y")
        if reminder.object_key.endswith("-overdue"):
            return {
                "subject": f"Overdue: {what}, due {date_format(reminder.due_at.date(), 'j F')}",
                "lines": [
                    f"The homework {what} from your call with {other.name} was due on {due} and is still open.",
                    "Mark it done with a short reflection, or say at your next call what got in the way.",
                ],
                "link_text": "Open your homework",
            }
        return {
            "subject": f"Homework due {date_format(reminder.due_at.date(), 'l j F')}: {what}",
            "lines": [
                f"The homework {what} from your call with {other.name} is due on {due}.",
                "Once it is done, mark it done with a short reflection.",
            ],
            "link_text": "Open your homework",
        }
    point = (
        RatingRound.Point(reminder.object_key) if reminder.object_key in RatingRound.Point.values else None
    )
    label = point.label if point else "progress rating"
    since = date_format(reminder.due_at.date(), "l j F Y")
    return {
        "subject": f"Time to rate your goals: your {label.lower()}",
        "lines": [
            f"Your {label.lower()} is due, from {since}: rate each of your goals 0 to 10, "
            "with what grounds the number."
        ],
        "link_text": "Rate your goals",
    }


def build(reminder: Reminder) -> EmailMultiAlternatives:
    """The reminder's email: plain text and HTML, the person's name, the exact
    thing due, a direct link to it and a one-click link to stop this kind.
    Its Message-ID is the reminder's own, so a copy resent after a crash is
    recognisably the same message."""
    with timezone.override(zone_of(reminder.recipient)):
        content = _content(reminder)
        context = {
            **content,
            "name": reminder.recipient.name,
            "link": absolute(target_path(reminder)),
            "stop_link": stop_link(reminder),
            "kind_label": reminder.get_kind_display(),
        }
        text = render_to_string("reminders/email/reminder.txt", context)
        html = render_to_string("reminders/email/reminder.html", context)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{content['subject']}",
        body=text,
        to=[reminder.recipient.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}@{domain}>",
            "List-Unsubscribe": f"<{context['stop_link']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
