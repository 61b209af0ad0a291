"""What is due: one function per kind of reminder, each a set-based query for
the partnerships (or proposals) where something is due now and not yet in the
ledger, and a little Python over just those rows to name each reminder.

None of them loops over every partnership: the query narrows to what is due
(the cadence thresholds are compared in SQL, per cadence), and excludes what
the ledger already holds. The ledger's unique key is the real guard against
doubles (``services.reminders_scan`` inserts with ON CONFLICT DO NOTHING)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from partnerships import schedule
from partnerships.models import Agreement, Cadence, Participant, Partnership

from .models import Kind, Reminder
from .timing import QUIET_UNTIL, at_local, zone_of

CURRENT = [Partnership.Status.PROPOSED, Partnership.Status.ACTIVE]
CHECK_IN_AHEAD = datetime.timedelta(days=1)
AGREEMENT_WAIT = datetime.timedelta(days=3)
NUDGE_AFTER = 1.5  # × the cadence's interval without a call
STALL_AFTER = 2.0
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Decision:
    """One reminder to record: its ledger key, and when its rule fired."""

    kind: str
    partnership_id: int
    object_key: str
    due_at: datetime.datetime
    recipient: object  # accounts.User, with time_zone loaded
    fires_at: datetime.datetime


# --- check-in: a day before each planned call, and the morning of it ----------


def check_in(now: datetime.datetime) -> Iterator[Decision]:
    """To both people of an active pair whose set call is within a day: a
    reminder now if the call is on a later day of their calendar, and one at
    08:00 on the day of the call if that is before the call. Both are decided
    as soon as the call is a day away; the morning one waits in the ledger."""
    decided = Reminder.objects.filter(
        kind=Kind.CHECK_IN, partnership=OuterRef("pk"), due_at=OuterRef("next_call_at")
    )
    partnerships = (
        # Uses the partial index reminders_partnership_next_call (migration 0002).
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE, next_call_at__gt=now, next_call_at__lte=now + CHECK_IN_AHEAD
        )
        .exclude(Exists(decided))
        .select_related("mentor__user", "protege__user")
        .order_by()
    )
    for partnership in partnerships:
        call = partnership.next_call_at
        for person in (partnership.mentor.user, partnership.protege.user):
            tz = zone_of(person)
            call_day = call.astimezone(tz).date()
            if call_day > now.astimezone(tz).date():
                yield Decision(
                    Kind.CHECK_IN, partnership.pk, "day_before", call, person, call - CHECK_IN_AHEAD
                )
            morning = at_local(call_day, QUIET_UNTIL, tz)
            if morning < call:
                yield Decision(Kind.CHECK_IN, partnership.pk, "morning", call, person, morning)


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
            partnership__status__in=CURRENT,
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


def _rhythms() -> list[schedule.Rhythm]:
    every_n = [schedule.Rhythm(Cadence.EVERY_N_WEEKS, n) for n in range(1, 9)]
    return [schedule.Rhythm(c) for c in Cadence.values if c != Cadence.EVERY_N_WEEKS] + every_n


def _quiet_since(cutoff: datetime.datetime, now: datetime.datetime) -> Q:
    """No call held after ``cutoff``: none logged, and no set call that has
    passed since (a set call whose time has passed counts as held, as in
    partnerships.schedule.next_call)."""
    return (
        (Q(last_call_at__isnull=True) | Q(last_call_at__lte=cutoff))
        & (Q(next_call_at__isnull=True) | Q(next_call_at__lte=cutoff) | Q(next_call_at__gt=now))
        & Q(started_on__lte=cutoff.date())
    )


def _interval(rhythm: schedule.Rhythm, share: float) -> datetime.timedelta:
    return datetime.timedelta(days=rhythm.nominal_days * share)


def anchor_of(partnership: Partnership, now: datetime.datetime) -> datetime.datetime:
    """The last call the schedule counts from: the logged one, a set one that
    has passed, or else noon UTC of the start day (as the pair's pages count)."""
    known = [partnership.last_call_at]
    if partnership.next_call_at and partnership.next_call_at <= now:
        known.append(partnership.next_call_at)
    known = [t for t in known if t is not None]
    if known:
        return max(known)
    return datetime.datetime.combine(partnership.started_on, datetime.time(12), tzinfo=datetime.UTC)


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


def nudge_and_stall(now: datetime.datetime) -> Iterator[Decision]:
    """A nudge to both people of an active pair with an agreement in force once
    no call has been held for 1.5 × their cadence's interval (unless a call is
    set ahead), and a stall flag to each program admin at 2 ×. The thresholds
    are compared in SQL, one condition per cadence (partnerships.schedule's
    nominal intervals), so only the pairs past 1.5 × come back."""
    in_force = Agreement.objects.filter(partnership=OuterRef("pk"), status=Agreement.Status.IN_FORCE)
    due = Q(pk__in=[])
    for rhythm in _rhythms():
        condition = Q(cadence=rhythm.cadence) & _quiet_since(now - _interval(rhythm, NUDGE_AFTER), now)
        if rhythm.cadence == Cadence.EVERY_N_WEEKS:
            condition &= Q(every_weeks=rhythm.every_weeks)
        due |= condition
    partnerships = (
        Partnership.objects.filter(status=Partnership.Status.ACTIVE, started_on__isnull=False)
        .annotate(
            cadence=Subquery(in_force.values("cadence")[:1]),
            every_weeks=Subquery(in_force.values("every_weeks")[:1]),
        )
        .filter(due)
        .exclude(still_stalled(now))
        .select_related("mentor__user", "protege__user")
        .prefetch_related("program__admins")
        .order_by()
    )
    for partnership in partnerships:
        rhythm = schedule.Rhythm(partnership.cadence, partnership.every_weeks)
        anchor = anchor_of(partnership, now)
        nudge_at = anchor + _interval(rhythm, NUDGE_AFTER)
        stall_at = anchor + _interval(rhythm, STALL_AFTER)
        call_set_ahead = partnership.next_call_at is not None and partnership.next_call_at > now
        if now >= nudge_at and not call_set_ahead:
            for person in (partnership.mentor.user, partnership.protege.user):
                yield Decision(Kind.NUDGE, partnership.pk, "nudge", nudge_at, person, nudge_at)
        if now >= stall_at:
            for admin in partnership.program.admins.all():
                yield Decision(Kind.STALL, partnership.pk, "stall", stall_at, admin, stall_at)


RULES = [check_in, agreement_pending, nudge_and_stall]
