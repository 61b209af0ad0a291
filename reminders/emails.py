"""What each reminder says, where its link goes, and its one-click stop link.

Texts are rendered when the reminder is sent, in the recipient's time zone,
from what the pair has now (the agreement in force, the proposal waiting):
``snapshot()`` reads that for a whole batch of reminders at once, so that
checking and writing a hundred costs as many queries as one."""

import datetime
import email.policy
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from goals.models import Goal, RatingRound
from mentoring.dates import day_shown
from mentoring.time_zones import zone_of
from partnerships.models import Agreement, Participant, Partnership
from sessions_log.models import AgendaItem, Homework

from . import rules
from .models import Kind, Reminder
from .rules import homework_id_of

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


@dataclass
class Snapshot:
    """What the pairs of a batch of reminders have now, as far as their
    still-due checks and their texts need it (see ``snapshot``)."""

    homework: dict[int, Homework] = field(default_factory=dict)  # open items, by id
    with_active_goals: set[int] = field(default_factory=set)  # partnership ids
    # partnership id → (when its latest rating round was made, whether it has the end round)
    rounds: dict[int, tuple[datetime.datetime, bool]] = field(default_factory=dict)
    proposals: dict[int, Agreement] = field(default_factory=dict)  # waiting proposals, by id
    in_force: dict[int, Agreement] = field(default_factory=dict)  # by partnership id
    agenda: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # next call's, by pair
    # open homework of finished logs, soonest due first, by partnership id
    homework_due: dict[int, list[Homework]] = field(default_factory=lambda: defaultdict(list))


def snapshot(reminders: list[Reminder]) -> Snapshot:
    """Reads what ``still_due`` and ``build`` need for these reminders (loaded
    with their partnership, its program and both people): one query per kind
    of fact and only for the kinds of reminder present, so seven at most
    whatever the number of reminders."""
    facts = Snapshot()
    of_kind = defaultdict(list)
    for reminder in reminders:
        of_kind[reminder.kind].append(reminder)
    if of_kind[Kind.HOMEWORK]:
        ids = [homework_id_of(reminder.object_key) for reminder in of_kind[Kind.HOMEWORK]]
        facts.homework = Homework.objects.filter(status=Homework.Status.OPEN).in_bulk(ids)
    if of_kind[Kind.RATING]:
        pairs = {reminder.partnership_id for reminder in of_kind[Kind.RATING]}
        facts.with_active_goals = set(
            Goal.objects.filter(partnership__in=pairs, status=Goal.Status.ACTIVE)
            .order_by()
            .values_list("partnership_id", flat=True)
            .distinct()
        )
        facts.rounds = {
            pair: (latest, ends > 0)
            for pair, latest, ends in RatingRound.objects.filter(partnership__in=pairs)
            .order_by()
            .values("partnership_id")
            .annotate(latest=Max("created_at"), ends=Count("pk", filter=Q(point=RatingRound.Point.END)))
            .values_list("partnership_id", "latest", "ends")
        }
    if of_kind[Kind.AGREEMENT_PENDING]:
        ids = [_agreement_id(reminder) for reminder in of_kind[Kind.AGREEMENT_PENDING]]
        facts.proposals = Agreement.objects.filter(status=Agreement.Status.PROPOSED).in_bulk(ids)
    if of_kind[Kind.CHECK_IN]:
        pairs = {reminder.partnership_id for reminder in of_kind[Kind.CHECK_IN]}
        facts.in_force = {
            agreement.partnership_id: agreement
            for agreement in Agreement.objects.filter(partnership__in=pairs, status=Agreement.Status.IN_FORCE)
        }
        # The partial index agenda_open_per_pair (sessions_log.selectors.open_agenda's query, for many pairs).
        for pair, text in AgendaItem.objects.filter(
            partnership__in=pairs, session__isnull=True, someday=False
        ).values_list("partnership_id", "text"):
            facts.agenda[pair].append(text)
        last_call_day = max(_call_day(reminder) for reminder in of_kind[Kind.CHECK_IN])
        for item in Homework.objects.filter(
            partnership__in=pairs,
            status=Homework.Status.OPEN,
            session__is_draft=False,
            due_on__lte=last_call_day,
        ).order_by("due_on", "pk"):
            facts.homework_due[item.partnership_id].append(item)
    return facts


def _call_day(reminder: Reminder) -> datetime.date:
    """The day of a check-in's call on its recipient's calendar."""
    return reminder.due_at.astimezone(zone_of(reminder.recipient)).date()


def _homework_item(reminder: Reminder, facts: Snapshot) -> Homework | None:
    """The homework item a homework reminder is about, while it is still open
    and due on the day the reminder was decided for."""
    item = facts.homework.get(homework_id_of(reminder.object_key))
    if item and item.partnership_id == reminder.partnership_id and item.due_on == reminder.due_at.date():
        return item
    return None


def still_due(reminder: Reminder, now: datetime.datetime, facts: Snapshot) -> bool:
    """Whether what the reminder is about still needs the person, at sending time:
    the call was not moved (or, for a call the agreement expects, none was
    set or held since), the proposal still waits for them, no call was held
    since, the homework is still open and due that day. ``reminder`` is loaded
    as ``services._load`` does (with ``call_set_at`` and ``call_held_at``,
    the pair's calls read safely); ``facts`` is the ``snapshot`` of its batch."""
    partnership: Partnership = reminder.partnership
    if reminder.kind == Kind.HOMEWORK:
        return partnership.status == Partnership.Status.ACTIVE and _homework_item(reminder, facts) is not None
    if reminder.kind == Kind.RATING:
        latest, ended = facts.rounds.get(partnership.pk, (None, False))
        return (
            partnership.status == Partnership.Status.ACTIVE
            and partnership.pk in facts.with_active_goals
            and not ended
            and (latest is None or latest < reminder.created_at)
        )
    if reminder.kind == Kind.CHECK_IN:
        if partnership.status != Partnership.Status.ACTIVE or reminder.due_at <= now:
            return False
        if reminder.object_key != "expected":
            return reminder.call_set_at == reminder.due_at
        # Still the call the agreement expects: none set ahead since, none held.
        in_force = facts.in_force.get(partnership.pk)
        if in_force is None or (reminder.call_set_at is not None and reminder.call_set_at > now):
            return False
        expected = rules.expected_call(
            in_force.cadence,
            in_force.every_weeks,
            reminder.call_held_at,
            reminder.call_set_at,
            partnership.started_on,
            partnership.next_call_time_zone,
            now,
        )
        return expected == reminder.due_at
    if reminder.kind == Kind.AGREEMENT_PENDING:
        proposal = facts.proposals.get(_agreement_id(reminder))
        if proposal is None:
            return False
        role = (
            Participant.Role.MENTOR
            if partnership.mentor.user_id == reminder.recipient_id
            else Participant.Role.PROTEGE
        )
        return proposal.waiting_for_role == role
    if reminder.kind == Kind.NUDGE:
        held = reminder.call_held_at
        return partnership.status == Partnership.Status.ACTIVE and (
            held is None or held < reminder.created_at
        )
    return partnership.status in (Partnership.Status.PROPOSED, Partnership.Status.ACTIVE)


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


def _agenda_and_homework(reminder: Reminder, facts: Snapshot) -> list[str]:
    """The check-in's lines on what the call will cover: the agenda so far and
    the open homework due by the call's day."""
    agenda = facts.agenda[reminder.partnership_id]
    lines = [
        "The agenda so far: " + "; ".join(agenda) + "."
        if agenda
        else "Nothing is on the agenda yet: add a topic or question before the call."
    ]
    call_day = _call_day(reminder)
    due = [item for item in facts.homework_due[reminder.partnership_id] if item.due_on <= call_day]
    if due:
        items = "; ".join(f"“{item.description}” (due {day_shown(item.due_on, 'l j F')})" for item in due)
        lines.append(f"Homework due by the call: {items}.")
    return lines


def _call_when(call: datetime.datetime, now: datetime.datetime) -> str:
    """ "today", "tomorrow" or the day, as the reader's calendar (the active
    zone) has it at ``now``: the words are chosen when the email is written,
    so a delayed one never says "tomorrow" on the day itself."""
    day, today = timezone.localtime(call).date(), timezone.localtime(now).date()
    if day == today:
        return gettext("today")
    if day == today + datetime.timedelta(days=1):
        return gettext("tomorrow")
    return gettext("on %(day)s") % {"day": day_shown(day, "l j F")}


def _check_in_content(reminder: Reminder, facts: Snapshot, other, now: datetime.datetime) -> dict:
    """A check-in's subject and lines: a set call, or one the agreement expects."""
    in_force = facts.in_force.get(reminder.partnership_id)
    when = _call_when(reminder.due_at, now)
    names = {"name": other.name, "when": when, "at": _when(reminder.due_at)}
    if reminder.object_key == "expected":
        lines = [
            gettext(
                "Your agreement's rhythm expects your next call with %(name)s %(when)s (%(at)s), "
                "and no time is set for it yet. Agree one with %(name)s."
            )
            % names
        ]
        subject = gettext("Your next call with %(name)s is expected %(when)s") % names
        link_text = gettext("Set the time of your next call")
    else:
        lines = [gettext("Your call with %(name)s is %(when)s: %(at)s.") % names]
        subject = gettext("Your call with %(name)s %(when)s at %(time)s") % {
            **names,
            "time": f"{timezone.localtime(reminder.due_at):%H:%M}",
        }
        link_text = gettext("Open your partnership page")
    if in_force:
        boxes = "; ".join(f"{label}, {minutes} min" for label, minutes in in_force.time_boxes)
        lines.append(
            gettext("The call's structure (%(minutes)s minutes): %(boxes)s.")
            % {"minutes": in_force.call_minutes, "boxes": boxes}
        )
    lines += _agenda_and_homework(reminder, facts)
    return {"subject": subject, "lines": lines, "link_text": link_text}


def _content(reminder: Reminder, facts: Snapshot, now: datetime.datetime) -> dict:
    """Subject, lines and link text of one reminder, in the recipient's zone."""
    partnership = reminder.partnership
    me = reminder.recipient
    other = partnership.protege.user if partnership.mentor.user_id == me.pk else partnership.mentor.user
    if reminder.kind == Kind.CHECK_IN:
        return _check_in_content(reminder, facts, other, now)
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
            "subject": f"{partnership.protege.user.name} and {partnership.mentor.user.name} may have stalled",
            "lines": [
                f"{partnership.protege.user.name} (protégé) and {partnership.mentor.user.name} (mentor) in "
                f"{partnership.program.name} have not held a call for twice as long as their agreement's rhythm. "
                "A word from you may help them restart, or show that a re-match is needed."
            ],
            "link_text": f"Open the {partnership.program.name} overview",
        }
    if reminder.kind == Kind.HOMEWORK:
        item = _homework_item(reminder, facts)
        what = f"“{item.description}”" if item else "Your homework"
        due = date_format(reminder.due_at.date(), "l j F Y")
        if reminder.object_key.endswith("-overdue"):
            return {
                "subject": f"Overdue: {what}, due {day_shown(reminder.due_at.date(), 'j F')}",
                "lines": [
                    f"The homework {what} from your call with {other.name} was due on {due} and is still open.",
                    "Mark it done with a short reflection, or say at your next call what got in the way.",
                ],
                "link_text": "Open your homework",
            }
        return {
            "subject": f"Homework due {day_shown(reminder.due_at.date(), 'l j F')}: {what}",
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


class _OneLineHeader(UnstructuredHeader):
    """A header written on one line (up to RFC 5322's 998 characters): folding
    a long URL, which has no space to fold at, the email package turns it into
    RFC 2047 encoded words, which no mail client reads as a URL any more."""

    def fold(self, *, policy) -> str:
        line = f"{self.name}: {self}"
        return line + policy.linesep if line.isascii() and len(line) <= 998 else super().fold(policy=policy)


class _FoldedOnce(BaseHeader):
    """A header that keeps its folded form (per policy): those parsed once for
    many messages are folded once too."""

    def fold(self, *, policy) -> str:
        folded = self.__dict__.setdefault("_folded", {})
        if policy not in folded:
            folded[policy] = super().fold(policy=policy)
        return folded[policy]


class _HeaderClasses(HeaderRegistry):
    """The standard registry of header classes, with the one-click stop link on
    one line, and quicker: writing a reminder's MIME form was the biggest part
    of sending one, two thirds of it parsing and folding headers. The registry
    made a new class for every header of every message, and parsed the same
    values (From, Content-Type, MIME-Version…) again for each one; header
    objects are immutable, so both are kept."""

    def __init__(self):
        super().__init__(base_class=_FoldedOnce)
        self.map_to_type("list-unsubscribe", _OneLineHeader)

    @functools.cache  # noqa: B019 (one instance, kept for the process's life)
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)

    def __call__(self, name: str, value):
        return self._parsed(name, value) if isinstance(value, str) else super().__call__(name, value)

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def _parsed(self, name: str, value: str):
        return super().__call__(name, value)


_HEADER_CLASSES = _HeaderClasses()


@functools.cache
def _with_header_classes(policy: email.policy.EmailPolicy) -> email.policy.EmailPolicy:
    return policy.clone(header_factory=_HEADER_CLASSES)


class ReminderEmail(EmailMultiAlternatives):
    """An email whose MIME form is written with the header classes above."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=_with_header_classes(policy))


def build(
    reminder: Reminder, facts: Snapshot, now: datetime.datetime | None = None
) -> EmailMultiAlternatives:
    """The reminder's email: plain text and HTML, the person's name, the exact
    thing due, a direct link to it and a one-click link to stop this kind.
    Its Message-ID is the reminder's own, so a copy resent after a crash is
    recognisably the same message. ``facts`` is the ``snapshot`` of its batch;
    ``now`` (by default the present) is when it is written, for "today" and
    "tomorrow". No query."""
    with timezone.override(zone_of(reminder.recipient)):
        content = _content(reminder, facts, now or timezone.now())
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
    message = ReminderEmail(
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
