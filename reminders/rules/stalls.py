"""Pairs that stopped meeting: a nudge to both people at 1.5 × their rhythm's
interval without a call, and a stall flag to the program's admins at 2 ×."""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Case, DateTimeField, Exists, F, FilteredRelation, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from partnerships.models import Agreement, Partnership
from partnerships.schedule import anchor_of
from programs.models import Program
from programs.rhythms import Rhythm

from ..models import Kind, Reminder
from .common import EPOCH, Decision, Recipient, readable, since_last_call

NUDGE_AFTER = 1.5  # × the cadence's interval without a call
STALL_AFTER = 2.0


def _interval(rhythm: Rhythm, share: float) -> datetime.timedelta:
    return datetime.timedelta(days=rhythm.nominal_days * share)


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


def _nudge_cutoff(now: datetime.datetime) -> Case:
    """The latest anchor that is 1.5 × the in-force agreement's interval ago,
    one constant per rhythm (partnerships.schedule's nominal intervals), for
    an outer Partnership annotated with its agreement's ``cadence`` and ``every_weeks``."""
    # The annotations, not in_force__…: a second lookup through the
    # multi-valued relation would join the agreements a second time.
    whens = [
        When(rhythm.matches(), then=Value(now - _interval(rhythm, NUDGE_AFTER))) for rhythm in Rhythm.every()
    ]
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
            anchor=since_last_call(now),
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
    admins: dict[int, list[Recipient]] = defaultdict(list)
    for program_id, user_id, zone in Program.admins.through.objects.filter(
        program__in={pair[1] for pair in pairs}
    ).values_list("program_id", "user_id", "user__time_zone"):
        admins[program_id].append(Recipient(user_id, zone))
    for pk, program_id, cadence, every_weeks, last_call_at, next_call_at, started_on in pairs:
        if started_on is None:  # never: the filter above keeps started pairs only
            continue
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
