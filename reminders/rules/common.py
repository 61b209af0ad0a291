"""What every rule shares: the decision it yields, the person it names, and the
SQL pieces more than one rule builds its query from."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest

from ..models import ReminderOptOut

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# The widest offsets from UTC of any zone: a local date is within these of UTC's.
EARLIEST_OFFSET = datetime.timedelta(hours=12)
LATEST_OFFSET = datetime.timedelta(hours=14)
# The latest moment a Python datetime can hold in any zone. A stored time past
# it (9999-12-31 23:59 typed in New York is 10000-01-01 in UTC) cannot be read
# into Python at all: the scan reads every stored time through ``readable``.
FAR = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Recipient:
    """Just what the scan needs of a person: who, and their zone
    (``mentoring.time_zones.zone_of`` reads its ``time_zone``)."""

    pk: int
    time_zone: str


@dataclass(frozen=True)
class Decision:
    """One reminder to record: its ledger key, and when its rule fired."""

    kind: str
    partnership_id: int
    object_key: str
    due_at: datetime.datetime
    recipient: Recipient
    fires_at: datetime.datetime


#: A rule: what is due at the moment it is given, and not yet in the ledger.
type Rule = Callable[[datetime.datetime], Iterator[Decision]]


def readable(field: str) -> Case:
    """A stored time, clamped to ``FAR`` (NULL stays NULL): one out-of-range
    row must not make a whole query, and so the scan or a batch, fail."""
    return Case(
        When(**{f"{field}__gt": FAR}, then=Value(FAR)), default=F(field), output_field=DateTimeField()
    )


def day_key(day: datetime.date) -> datetime.datetime:
    """A date as the ledger's ``due_at``: 00:00 UTC of that day. Zone-free, so
    it does not move when the recipient changes zone."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)


def opted_out(user_path: str, kind: str) -> Exists:
    """The person at ``user_path`` of the outer row stopped ``kind``: no need to decide for them."""
    return Exists(ReminderOptOut.objects.filter(user=OuterRef(user_path), kind=kind))


def since_last_call(now: datetime.datetime) -> Coalesce:
    """``partnerships.schedule.anchor_of`` in SQL (for an outer Partnership): the later of the
    logged call and a set call that has passed, else noon UTC of the start day.
    (On SQLite, GREATEST is NULL when either side is: the start day, an earlier
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
