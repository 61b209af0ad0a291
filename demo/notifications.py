"""The reminders the demo's people were sent in the last six weeks, for
``seed_demo``: ledger rows (``reminders.models.Reminder``) as if Celery had
been running all along, so /me/notifications/ tells the same story as the
pages. Nothing is emailed.

Each row is what the reminder rules (``reminders.rules``) would have decided
from the pairs' own rows, with the same key, the same due moment and the same
time of sending (the recipient's quiet hours respected), then marked sent at
that time: so the scan of a running worker finds them in the ledger and sends
none of them again. A reminder whose time of sending is today or later is left
to that scan. The ledger of a pair that has reminders is left as it is."""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from goals.models import Goal
from goals.selectors.ratings import rating_due
from mentoring.time_zones import zone_of
from partnerships import schedule
from partnerships.models import Agreement, Partnership
from programs.models import Participant, Program
from programs.rhythms import Rhythm
from reminders.models import Kind, Reminder
from reminders.rules.agreements import AGREEMENT_WAIT
from reminders.rules.checkins import expected_call
from reminders.rules.common import day_key
from reminders.rules.homework import HOMEWORK_AHEAD, homework_key
from reminders.rules.stalls import NUDGE_AFTER, STALL_AFTER
from reminders.services.scan import LedgerRow
from reminders.timing import QUIET_UNTIL, at_local, check_in_fits, day_before, outside_quiet_hours
from sessions_log.models import Homework, Session

from .story import Story, at

WINDOW = datetime.timedelta(weeks=6)  # how far back the demo's ledger goes
# Everyone last opened their notifications on the evening of the demo pair's last call.
LAST_READ = datetime.time(21)
SENT_AFTER = datetime.timedelta(seconds=3)  # from the time of sending to the server's "250"


def _row(kind: str, pair: Partnership, key: str, due_at: datetime.datetime, person, fires_at) -> LedgerRow:
    """The ledger row the scan records for one decision: sent at ``fires_at``,
    or at 08:00 after it when that falls in the person's quiet hours."""
    return LedgerRow(kind, pair.pk, key, due_at, person.pk, outside_quiet_hours(fires_at, zone_of(person)))


def _check_ins(pair: Partnership) -> Iterator[LedgerRow]:
    """Before each call the pair had set (by the log of the call before it):
    the day before at the call's time, and at 08:00 on the day, on each
    person's clock (``rules.checkins.check_in``)."""
    calls = list(Session.objects.filter(partnership=pair, status=Session.Status.HELD).order_by("starts_at"))
    set_calls = {call.next_call_at for call in calls if call.next_call_at}
    for call in calls:
        if call.starts_at not in set_calls:
            continue
        for person in (pair.mentor.user, pair.protege.user):
            tz = zone_of(person)
            yield _row(
                Kind.CHECK_IN, pair, "day_before", call.starts_at, person, day_before(call.starts_at, tz)
            )
            morning = at_local(call.starts_at.astimezone(tz).date(), QUIET_UNTIL, tz)
            if morning < call.starts_at:
                yield _row(Kind.CHECK_IN, pair, "morning", call.starts_at, person, morning)


def _closed_at(item: Homework) -> datetime.datetime | None:
    """When an item stopped being open: marked done, or recapped at a call."""
    if item.done_at:
        return item.done_at
    return item.recapped_in.starts_at if item.recapped_in else None


def _homework(pair: Partnership) -> Iterator[LedgerRow]:
    """To the protégé, for each item of a finished log still open at the time:
    from 00:00 two days before it is due, unless it was set later, and from
    00:00 the day after it was due (``rules.homework.homework``)."""
    person = pair.protege.user
    tz = zone_of(person)
    items = Homework.objects.filter(partnership=pair, session__is_draft=False).select_related("recapped_in")
    for item in items:
        closed = _closed_at(item)
        due = day_key(item.due_on)
        ahead = at_local(item.due_on - HOMEWORK_AHEAD, datetime.time(0), tz)
        if item.created_at <= ahead and (closed is None or closed > outside_quiet_hours(ahead, tz)):
            yield _row(Kind.HOMEWORK, pair, homework_key(item.pk, "ahead"), due, person, ahead)
        overdue = at_local(item.due_on + datetime.timedelta(days=1), datetime.time(0), tz)
        if closed is None or closed > outside_quiet_hours(overdue, tz):
            yield _row(Kind.HOMEWORK, pair, homework_key(item.pk, "overdue"), due, person, overdue)


def _rating(pair: Partnership) -> Iterator[LedgerRow]:
    """To the protégé, from 00:00 of the day the next rating of their goals
    was due, on their clock (``rules.ratings.rating``)."""
    person = pair.protege.user
    tz = zone_of(person)
    active = Goal.objects.filter(partnership=pair, status=Goal.Status.ACTIVE).count()
    if not active:
        return
    with timezone.override(tz):
        due = rating_due(pair, active_goals=active)
    if due is not None:
        at = at_local(due.due_on, datetime.time(0), tz)
        yield _row(Kind.RATING, pair, due.point, day_key(due.due_on), person, at)


def _agreement(pair: Partnership) -> Iterator[LedgerRow]:
    """To the side a proposal waits for, three days after it was made (``rules.agreements``)."""
    proposal = pair.agreements.filter(status=Agreement.Status.PROPOSED).first()
    if proposal is None:
        return
    side = pair.mentor if proposal.waiting_for_role == Participant.Role.MENTOR else pair.protege
    due = proposal.created_at + AGREEMENT_WAIT
    yield _row(Kind.AGREEMENT_PENDING, pair, f"agreement-{proposal.pk}", due, side.user, due)


def _quiet(pair: Partnership, admins: list, now: datetime.datetime) -> Iterator[LedgerRow]:
    """With no call set ahead: a check-in before the call the agreement
    expected; a nudge to both at 1.5 × the agreed interval since the last
    call; a stall flag to the program's admins at 2 × (``rules.checkins``,
    ``rules.stalls``)."""
    in_force = pair.agreements.filter(status=Agreement.Status.IN_FORCE).first()
    if in_force is None or pair.started_on is None:
        return
    if pair.next_call_at is not None and pair.next_call_at > now:
        return
    rhythm = Rhythm.of(in_force)
    anchor = schedule.anchor_of(pair.last_call_at, pair.next_call_at, pair.started_on, now)
    expected = expected_call(
        in_force.cadence,
        in_force.every_weeks,
        pair.last_call_at,
        pair.next_call_at,
        pair.started_on,
        pair.next_call_time_zone,
        now,
    )
    if expected <= now:
        for person in (pair.mentor.user, pair.protege.user):
            yield _row(
                Kind.CHECK_IN, pair, "expected", expected, person, day_before(expected, zone_of(person))
            )
    nudge_at = anchor + datetime.timedelta(days=rhythm.nominal_days * NUDGE_AFTER)
    for person in (pair.mentor.user, pair.protege.user):
        yield _row(Kind.NUDGE, pair, "nudge", nudge_at, person, nudge_at)
    stall_at = anchor + datetime.timedelta(days=rhythm.nominal_days * STALL_AFTER)
    for admin in admins:
        yield _row(Kind.STALL, pair, "stall", stall_at, admin, stall_at)


def seed_notifications(*, program: Program, story: Story) -> int:
    """Records the reminders sent to the people of the program's active
    pairs, and to its admins, in the six weeks before today, as sent and
    (those sent before the evening of the demo pair's last call) read.
    Returns how many were recorded."""
    today_starts = datetime.datetime.combine(story.today, datetime.time(0), tzinfo=datetime.UTC)
    since = today_starts - WINDOW
    last_read = at(story.draft_call_day, LAST_READ)
    admins = list(program.admins.all())
    pairs = (
        Partnership.objects.with_people()
        .filter(program=program, status=Partnership.Status.ACTIVE)
        .exclude(reminders__isnull=False)
        .distinct()
        .order_by("pk")
    )
    reminders = []
    for pair in pairs:
        rows = [
            *_check_ins(pair),
            *_homework(pair),
            *_rating(pair),
            *_agreement(pair),
            *_quiet(pair, admins, today_starts),
        ]
        for row in rows:
            if not since <= row.send_at < today_starts:
                continue
            if row.kind == Kind.CHECK_IN and row.object_key != "expected":
                person = pair.mentor.user if row.recipient_id == pair.mentor.user_id else pair.protege.user
                if not check_in_fits(row.object_key, row.due_at, row.send_at, zone_of(person)):
                    continue
            reminders.append(
                Reminder(
                    **row._asdict(),
                    state=Reminder.State.SENT,
                    attempts=1,
                    enqueued_at=row.send_at,
                    sent_at=row.send_at + SENT_AFTER,
                    read_at=last_read if row.send_at < last_read else None,
                    created_at=row.send_at,
                )
            )
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
    return len(reminders)
