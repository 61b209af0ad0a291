"""What is due: one function per kind of reminder, each a set-based query for
the partnerships (or proposals) where something is due now and not yet in the
ledger, and a little Python over just those rows to name each reminder.

None of them loops over every partnership: the query narrows to what is due
(the cadence thresholds are compared in SQL, per cadence), and excludes what
the ledger already holds. The ledger's unique key is the real guard against
doubles (``services.reminders_scan`` inserts with ON CONFLICT DO NOTHING)."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils import timezone

from goals.models import Goal, RatingRound
from goals.selectors.ratings import agreed_rhythm, next_rating_point
from mentoring.time_zones import zone_named, zone_of
from partnerships import schedule
from partnerships.models import Agreement, Partnership
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Participant, Program
from programs.rhythms import Rhythm
from sessions_log.models import Homework

from .models import Kind, Reminder, ReminderOptOut
from .timing import QUIET_UNTIL, at_local, day_before

CHECK_IN_AHEAD = datetime.timedelta(days=1)
# How far ahead a call is looked at: "the day before" is on the recipient's
# clock, 25 hours before the call across a change of the clocks.
CHECK_IN_WINDOW = CHECK_IN_AHEAD + datetime.timedelta(hours=2)
AGREEMENT_WAIT = datetime.timedelta(days=3)
NUDGE_AFTER = 1.5  # × the cadence's interval without a call
STALL_AFTER = 2.0
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
HOMEWORK_AHEAD = datetime.timedelta(days=2)
# An item overdue for longer than this is not reminded any more (nor, the day
# this rule first runs, are items long overdue): it keeps the scan's range short.
HOMEWORK_OVERDUE_WINDOW = datetime.timedelta(days=7)
# The widest offsets from UTC of any zone: a local date is within these of UTC's.
EARLIEST_OFFSET = datetime.timedelta(hours=12)
LATEST_OFFSET = datetime.timedelta(hours=14)
# The latest moment a Python datetime can hold in any zone. A stored time past
# it (9999-12-31 23:59 typed in New York is 10000-01-01 in UTC) cannot be read
# into Python at all: the scan reads every stored time through ``readable``.
FAR = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def readable(field: str) -> Case:
    """A stored time, clamped to ``FAR`` (NULL stays NULL): one out-of-range
    row must not make a whole query, and so the scan or a batch, fail."""
    return Case(
        When(**{f"{field}__gt": FAR}, then=Value(FAR)), default=F(field), output_field=DateTimeField()
    )


@dataclass(frozen=True)
class Decision:
    """One reminder to record: its ledger key, and when its rule fired."""

    kind: str
    partnership_id: int
    object_key: str
    due_at: datetime.datetime
    recipient: object  # accounts.User or Recipient: its pk and time_zone are read
    fires_at: datetime.datetime


@dataclass(frozen=True)
class Recipient:
    """Just what the scan needs of a person: who, and their zone."""

    pk: int
    time_zone: str


# --- check-in: a day before each planned call, and the morning of it ----------


def check_in(now: datetime.datetime) -> Iterator[Decision]:
    """To both people of an active pair whose set call is within a day: one
    at the call's time on the day before on their own clock ("day_before"),
    and one at 08:00 on the day of the call if that is before the call
    ("morning"). Both are decided as soon as the call is about a day away and
    wait in the ledger until their time; the scan keeps only those that fit
    ``timing.check_in_fits`` (the day before must reach them on the day before)."""
    decided = Reminder.objects.filter(
        kind=Kind.CHECK_IN, partnership=OuterRef("pk"), due_at=OuterRef("next_call_at")
    )
    calls = (
        # Uses the partial index reminders_partnership_next_call (migration 0002).
        # Plain values, not model instances: at 5 % of 100,000 pairs, building
        # five objects per pair was a good part of the scan's budget.
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE, next_call_at__gt=now, next_call_at__lte=now + CHECK_IN_WINDOW
        )
        .exclude(Exists(decided))
        .order_by()
        .values_list(
            "pk",
            "next_call_at",
            "mentor__user_id",
            "mentor__user__time_zone",
            "protege__user_id",
            "protege__user__time_zone",
        )
    )
    for partnership_id, call, mentor_id, mentor_zone, protege_id, protege_zone in calls:
        for person in (Recipient(mentor_id, mentor_zone), Recipient(protege_id, protege_zone)):
            tz = zone_of(person)
            call_day = call.astimezone(tz).date()
            yield Decision(Kind.CHECK_IN, partnership_id, "day_before", call, person, day_before(call, tz))
            morning = at_local(call_day, QUIET_UNTIL, tz)
            if morning < call:
                yield Decision(Kind.CHECK_IN, partnership_id, "morning", call, person, morning)


# --- check-in before a call the agreement expects, when none is set ------------

# How far apart two calls of each cadence can be (partnerships.schedule.step),
# with two hours either side for a change of the clocks.
_GAPS = {
    Cadence.WEEKLY: (7, 7),
    Cadence.EVERY_TWO_WEEKS: (14, 14),
    Cadence.TWICE_A_MONTH: (12, 17),
    Cadence.MONTHLY: (28, 31),
}
_CLOCKS = datetime.timedelta(hours=2)


def _expected_bounds(now: datetime.datetime) -> tuple[Case, Case]:
    """For an outer Partnership annotated with ``cadence`` and ``every_weeks``:
    the range of anchors whose next expected call can fall in (now, now +
    CHECK_IN_WINDOW], one constant pair per rhythm."""
    lower, upper = [], []
    for rhythm in Rhythm.every():
        condition = Q(cadence=rhythm.cadence)
        if rhythm.cadence == Cadence.EVERY_N_WEEKS:
            condition &= Q(every_weeks=rhythm.every_weeks)
            shortest = longest = 7 * rhythm.every_weeks
        else:
            shortest, longest = _GAPS[rhythm.cadence]
        lower.append(When(condition, then=Value(now - datetime.timedelta(days=longest) - _CLOCKS)))
        upper.append(
            When(condition, then=Value(now + CHECK_IN_WINDOW - datetime.timedelta(days=shortest) + _CLOCKS))
        )
    return Case(*lower, output_field=DateTimeField()), Case(*upper, output_field=DateTimeField())


def expected_call(
    cadence: str,
    every_weeks: int | None,
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date,
    zone: str,
    now: datetime.datetime,
) -> datetime.datetime:
    """The call the agreement expects next when none is set ahead: one step
    of its rhythm after ``anchor_of``, at that call's local time in the pair's
    zone (partnerships.schedule.next_call, as the pair's pages show it)."""
    tz = zone_named(zone)
    anchor = anchor_of(last_call_at, next_call_at, started_on, now)
    return schedule.expected_after(Rhythm(cadence, every_weeks), anchor, tz)


def expected_check_in(now: datetime.datetime) -> Iterator[Decision]:
    """To both people of an active pair with an agreement in force and no call
    set ahead, before the call their agreement expects ("expected"): one, at
    that call's time on the day before on their clock. SQL keeps the pairs
    whose anchor puts the expected call within about a day (per rhythm, as the
    nudge rule does) and not yet reminded of it; ``expected_call`` decides."""
    reminded = Reminder.objects.filter(
        kind=Kind.CHECK_IN, partnership=OuterRef("pk"), object_key="expected", due_at__gt=OuterRef("anchor")
    )
    lower, upper = _expected_bounds(now)
    pairs = (
        Partnership.objects.annotate(
            in_force=FilteredRelation(
                "agreements", condition=Q(agreements__status=Agreement.Status.IN_FORCE)
            ),
        )
        .filter(status=Partnership.Status.ACTIVE, started_on__isnull=False, in_force__isnull=False)
        .filter(Q(next_call_at__isnull=True) | Q(next_call_at__lte=now))
        .annotate(
            cadence=F("in_force__cadence"),
            every_weeks=F("in_force__every_weeks"),
            anchor=_since_last_call(now),
        )
        .filter(anchor__gt=lower, anchor__lte=upper)
        .exclude(Exists(reminded))
        .annotate(held_call=readable("last_call_at"), set_call=readable("next_call_at"))
        .order_by()
        .values_list(
            "pk",
            "cadence",
            "every_weeks",
            "held_call",
            "set_call",
            "started_on",
            "next_call_time_zone",
            "mentor__user_id",
            "mentor__user__time_zone",
            "protege__user_id",
            "protege__user__time_zone",
        )
    )
    for pk, cadence, every_weeks, held, set_at, started_on, zone, mentor, m_zone, protege, p_zone in pairs:
        call = expected_call(cadence, every_weeks, held, set_at, started_on, zone, now)
        if not now < call <= now + CHECK_IN_WINDOW:
            continue
        for person in (Recipient(mentor, m_zone), Recipient(protege, p_zone)):
            yield Decision(Kind.CHECK_IN, pk, "expected", call, person, day_before(call, zone_of(person)))


# --- agreement pending: the side that has not accepted after three days -------


def agreement_pending(now: datetime.datetime) -> Iterator[Decision]:
    """To the side a proposal waits for, once it has waited three days. One per proposal."""
    decided = Reminder.objects.filter(
        kind=Kind.AGREEMENT_PENDING,
        partnership=OuterRef("partnership"),
        due_at=ExpressionWrapper(
            OuterRef("created_at") + Value(AGREEMENT_WAIT), output_field=DateTimeField()
        ),
    )
    proposals = (
        # The partial unique index agreement_one_open_proposal holds status='proposed'.
        Agreement.objects.filter(
            status=Agreement.Status.PROPOSED,
            created_at__lte=now - AGREEMENT_WAIT,
            partnership__status__in=CURRENT_PAIR_STATUSES,
        )
        .exclude(Exists(decided))
        .select_related("partnership__mentor__user", "partnership__protege__user")
        .only(
            "pk",
            "created_at",
            "status",
            "mentor_accepted_at",
            "partnership__mentor__user__time_zone",
            "partnership__protege__user__time_zone",
        )
        .order_by()
    )
    for proposal in proposals:
        waiting = proposal.waiting_for_role
        side = (
            proposal.partnership.mentor
            if waiting == Participant.Role.MENTOR
            else proposal.partnership.protege
        )
        due = proposal.created_at + AGREEMENT_WAIT
        yield Decision(
            Kind.AGREEMENT_PENDING, proposal.partnership_id, f"agreement-{proposal.pk}", due, side.user, due
        )


# --- nudge at 1.5 × the cadence without a call, stall flag at 2 × -------------


def _interval(rhythm: Rhythm, share: float) -> datetime.timedelta:
    return datetime.timedelta(days=rhythm.nominal_days * share)


def anchor_of(
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date,
    now: datetime.datetime,
) -> datetime.datetime:
    """The last call the schedule counts from: the logged one, a set one that
    has passed, or else noon UTC of the start day (as the pair's pages count)."""
    known = [t for t in (last_call_at, next_call_at if next_call_at and next_call_at <= now else None) if t]
    if known:
        return max(known)
    return datetime.datetime.combine(started_on, datetime.time(12), tzinfo=datetime.UTC)


def still_stalled(now: datetime.datetime) -> Exists:
    """A stall flag raised since the pair's last call (for an outer Partnership):
    what the program overview shows, and what the scan need not raise again.
    A set call counts as held once its time has passed."""
    return Exists(
        Reminder.objects.filter(kind=Kind.STALL, partnership=OuterRef("pk"))
        .annotate(
            held_at=Coalesce(OuterRef("last_call_at"), Value(EPOCH), output_field=DateTimeField()),
            set_at=Coalesce(OuterRef("next_call_at"), Value(EPOCH), output_field=DateTimeField()),
        )
        .filter(due_at__gt=F("held_at"))
        .filter(Q(due_at__gt=F("set_at")) | Q(set_at__gt=now))
    )


def _since_last_call(now: datetime.datetime) -> Coalesce:
    """``anchor_of`` in SQL (for an outer Partnership): the later of the logged
    call and a set call that has passed, else noon UTC of the start day. (On
    SQLite, GREATEST is NULL when either side is: the start day, an earlier
    anchor, lets more pairs through, and ``anchor_of`` decides.)"""
    return Coalesce(
        Greatest(
            "last_call_at",
            Case(When(next_call_at__lte=now, then=F("next_call_at")), output_field=DateTimeField()),
        ),
        ExpressionWrapper(
            Cast("started_on", DateTimeField()) + Value(datetime.timedelta(hours=12)),
            output_field=DateTimeField(),
        ),
        output_field=DateTimeField(),
    )


def _nudge_cutoff(now: datetime.datetime) -> Case:
    """The latest anchor that is 1.5 × the in-force agreement's interval ago,
    one constant per rhythm (partnerships.schedule's nominal intervals), for
    an outer Partnership annotated with its agreement's ``cadence`` and ``every_weeks``."""
    whens = []
    for rhythm in Rhythm.every():
        # The annotations, not in_force__…: a second lookup through the
        # multi-valued relation would join the agreements a second time.
        condition = Q(cadence=rhythm.cadence)
        if rhythm.cadence == Cadence.EVERY_N_WEEKS:
            condition &= Q(every_weeks=rhythm.every_weeks)
        whens.append(When(condition, then=Value(now - _interval(rhythm, NUDGE_AFTER))))
    return Case(*whens, output_field=DateTimeField())


def nudge_and_stall(now: datetime.datetime) -> Iterator[Decision]:
    """A nudge to both people of an active pair with an agreement in force once
    no call has been held for 1.5 × their cadence's interval (unless a call is
    set ahead), and a stall flag to each program admin at 2 ×.

    One pass over the active pairs joined to their agreement in force (at most
    one: agreement_one_in_force): the anchor and the cutoff per rhythm are
    plain expressions on the joined row, so PostgreSQL checks 100,000 pairs in
    a sequential scan and a hash join, and only the pairs past 1.5 × come back.
    Their people are read by two more queries: joined in the pass, planned for
    thousands of rows, they were read by hashing every participant and user."""
    pairs = list(
        Partnership.objects.annotate(
            in_force=FilteredRelation(
                "agreements", condition=Q(agreements__status=Agreement.Status.IN_FORCE)
            ),
        )
        .filter(status=Partnership.Status.ACTIVE, started_on__isnull=False, in_force__isnull=False)
        .annotate(
            cadence=F("in_force__cadence"),
            every_weeks=F("in_force__every_weeks"),
            anchor=_since_last_call(now),
        )
        .filter(anchor__lte=_nudge_cutoff(now))
        .exclude(still_stalled(now))
        .order_by()
        .annotate(held_call=readable("last_call_at"), set_call=readable("next_call_at"))
        .values_list("pk", "program_id", "cadence", "every_weeks", "held_call", "set_call", "started_on")
    )
    if not pairs:
        return
    people = {
        pk: (Recipient(mentor, mentor_zone), Recipient(protege, protege_zone))
        for pk, mentor, mentor_zone, protege, protege_zone in Partnership.objects.filter(
            pk__in=[pair[0] for pair in pairs]
        ).values_list(
            "pk", "mentor__user_id", "mentor__user__time_zone", "protege__user_id", "protege__user__time_zone"
        )
    }
    admins = defaultdict(list)
    for program_id, user_id, zone in Program.admins.through.objects.filter(
        program__in={pair[1] for pair in pairs}
    ).values_list("program_id", "user_id", "user__time_zone"):
        admins[program_id].append(Recipient(user_id, zone))
    for pk, program_id, cadence, every_weeks, last_call_at, next_call_at, started_on in pairs:
        rhythm = Rhythm(cadence, every_weeks)
        anchor = anchor_of(last_call_at, next_call_at, started_on, now)
        nudge_at = anchor + _interval(rhythm, NUDGE_AFTER)
        stall_at = anchor + _interval(rhythm, STALL_AFTER)
        call_set_ahead = next_call_at is not None and next_call_at > now
        if now >= nudge_at and not call_set_ahead:
            for person in people[pk]:
                yield Decision(Kind.NUDGE, pk, "nudge", nudge_at, person, nudge_at)
        if now >= stall_at:
            for admin in admins[program_id]:
                yield Decision(Kind.STALL, pk, "stall", stall_at, admin, stall_at)


def _opted_out(user_path: str, kind: str) -> Exists:
    """The person at ``user_path`` of the outer row stopped ``kind``: no need to decide for them."""
    return Exists(ReminderOptOut.objects.filter(user=OuterRef(user_path), kind=kind))


# --- homework: two days before an item is due, and when it becomes overdue -----


def day_key(day: datetime.date) -> datetime.datetime:
    """A date as the ledger's ``due_at``: 00:00 UTC of that day. Zone-free, so
    it does not move when the recipient changes zone."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)


def homework_key(homework_id: int, moment: str) -> str:
    return f"homework-{homework_id}-{moment}"


def homework_id_of(object_key: str) -> int | None:
    parts = object_key.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "homework" and parts[1].isdigit() else None


def _homework_decided(moment: str) -> Exists:
    """The reminder for this moment of an outer Homework, at its current due date, is in the ledger."""
    return Exists(
        Reminder.objects.filter(
            kind=Kind.HOMEWORK,
            partnership=OuterRef("partnership"),
            object_key=Concat(
                Value("homework-"),
                Cast(OuterRef("pk"), CharField()),
                Value(f"-{moment}"),
                output_field=CharField(),
            ),
            due_at=Cast(OuterRef("due_on"), DateTimeField()),  # the session's zone is UTC: day_key()
        )
    )


def homework(now: datetime.datetime) -> Iterator[Decision]:
    """To the protégé of an active pair, for each open item of a finished call
    log: one reminder from 00:00 (so, with quiet hours, 08:00) of their day two
    days before it is due, and one from 00:00 of the day after it was due
    (overdue). An item set less than two days before it is due gets no "ahead"
    reminder: it was set at the call just now. Only items due in a window of
    a few days around today come back from the database (partial index
    reminders_homework_open_due, migration 0003), less those already decided
    and those that cannot have a reminder yet in any zone."""
    latest_today = (now + LATEST_OFFSET).date()
    earliest_today = (now - EARLIEST_OFFSET).date()
    ahead_possible_until = latest_today + HOMEWORK_AHEAD
    # The latest "00:00 two days before it is due" of any zone (UTC-12's).
    last_ahead_from = ExpressionWrapper(
        Cast("due_on", DateTimeField()) - Value(HOMEWORK_AHEAD) + Value(EARLIEST_OFFSET),
        output_field=DateTimeField(),
    )
    not_overdue_anywhere = Q(due_on__gte=latest_today)
    items = (
        Homework.objects.filter(
            status=Homework.Status.OPEN,
            due_on__gte=earliest_today - HOMEWORK_OVERDUE_WINDOW,
            due_on__lte=ahead_possible_until,
            session__is_draft=False,
            partnership__status=Partnership.Status.ACTIVE,
        )
        .exclude(_homework_decided("overdue"))
        # Not yet overdue anywhere, and reminded ahead already or set too late
        # for it: nothing for now. (The steady state of a busy program: every
        # scan would otherwise read each item set at the last call again.)
        .exclude(not_overdue_anywhere & _homework_decided("ahead"))
        .exclude(not_overdue_anywhere & Q(created_at__gt=last_ahead_from))
        .exclude(_opted_out("partnership__protege__user", Kind.HOMEWORK))
        .order_by()
        .values_list(
            "pk",
            "due_on",
            "created_at",
            "partnership_id",
            "partnership__protege__user_id",
            "partnership__protege__user__time_zone",
        )
    )
    for pk, due_on, created_at, partnership_id, protege_id, protege_zone in items:
        person = Recipient(protege_id, protege_zone)
        tz = zone_of(person)
        today = now.astimezone(tz).date()
        due = day_key(due_on)
        if today > due_on:
            if today - due_on <= HOMEWORK_OVERDUE_WINDOW:
                overdue_from = at_local(due_on + datetime.timedelta(days=1), datetime.time(0), tz)
                yield Decision(
                    Kind.HOMEWORK, partnership_id, homework_key(pk, "overdue"), due, person, overdue_from
                )
        elif today >= due_on - HOMEWORK_AHEAD:
            ahead_from = at_local(due_on - HOMEWORK_AHEAD, datetime.time(0), tz)
            if created_at <= ahead_from:
                yield Decision(
                    Kind.HOMEWORK, partnership_id, homework_key(pk, "ahead"), due, person, ahead_from
                )


# --- rating prompt: to the protégé when a rating point is due --------------------

# The shortest time between two ratings (goals.selectors.CHECK_IN_INTERVAL: a
# week), less the widest gap between two zones' dates: a round more recent
# than this cannot be followed by a due check-in rating anywhere.
RATING_RECENT = datetime.timedelta(days=7) - datetime.timedelta(days=2)


def rating(now: datetime.datetime) -> Iterator[Decision]:
    """To the protégé of an active pair with active goals, once a rating point
    (goals.selectors.next_rating_point: baseline, check-in, end) has come on
    their calendar: one prompt per point, from 00:00 of its day (so 08:00 with
    quiet hours). SQL keeps only the pairs where a point can be due: no round
    yet, a round at least five days old, or the planned end reached; and drops
    those prompted since their last round (unless the end has come since) or
    prompted for the end. The exact point is then the goals app's own rule."""
    latest_today = (now + LATEST_OFFSET).date()
    last_round = (
        RatingRound.objects.filter(partnership=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    prompted = Reminder.objects.filter(kind=Kind.RATING, partnership=OuterRef("pk"))
    prompted_since_last_round = Exists(
        prompted.filter(created_at__gt=Coalesce(OuterRef("last_round_at"), Value(EPOCH)))
    )
    end_reached = Q(planned_end_on__lte=latest_today)
    partnerships = (
        Partnership.objects.filter(status=Partnership.Status.ACTIVE, started_on__isnull=False)
        .filter(Exists(Goal.objects.filter(partnership=OuterRef("pk"), status=Goal.Status.ACTIVE)))
        .exclude(Exists(RatingRound.objects.filter(partnership=OuterRef("pk"), point=RatingRound.Point.END)))
        .exclude(Exists(prompted.filter(object_key=RatingRound.Point.END)))
        .exclude(_opted_out("protege__user", Kind.RATING))
        .annotate(last_round_at=Subquery(last_round))
        .filter(
            Q(last_round_at__isnull=True, started_on__lte=latest_today)
            | Q(last_round_at__lte=now - RATING_RECENT)
            | end_reached
        )
        .exclude(~end_reached & prompted_since_last_round)
        .with_agreed_rhythm()
        .select_related("program", "protege__user")
        .defer("next_call_at", "last_call_at")  # not needed, and may be out of range (``FAR``)
        .order_by()
    )
    for partnership in partnerships:
        person = partnership.protege.user
        tz = zone_of(person)
        today = now.astimezone(tz).date()
        with timezone.override(tz):
            due = next_rating_point(
                partnership,
                rhythm=agreed_rhythm(partnership),
                last_round_at=partnership.last_round_at,
                has_end=False,
                active_goals=1,
                today=today,
            )
        if due is None or due.due_on > today:
            continue
        yield Decision(
            Kind.RATING,
            partnership.pk,
            due.point,
            day_key(due.due_on),
            person,
            at_local(due.due_on, datetime.time(0), tz),
        )


RULES = [check_in, expected_check_in, agreement_pending, nudge_and_stall, homework, rating]
