"""The schedule's start anchor: the call a pair's expected calls are counted from."""

import datetime


def anchor_of(
    last_call_at: datetime.datetime | None,
    next_call_at: datetime.datetime | None,
    started_on: datetime.date,
    now: datetime.datetime,
) -> datetime.datetime:
    """The last call the schedule counts from: the logged one, a set one that
    has passed, or else noon UTC of the start day (as the pair's pages count).
    Its SQL twin, for the rules' queries, is ``common.since_last_call``."""
    known = [t for t in (last_call_at, next_call_at if next_call_at and next_call_at <= now else None) if t]
    if known:
        return max(known)
    return datetime.datetime.combine(started_on, datetime.time(12), tzinfo=datetime.UTC)
