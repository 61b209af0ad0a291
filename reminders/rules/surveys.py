"""Surveys: each round of a program's surveys to the people it is for, and one
reminder to those who have not answered (surveys.models: a *round* is one
sending of a survey to one pair, ``"1"``, ``"2"``… for a pulse, ``"end"`` for
a closing survey).

Each round is one ledger row per person, ``survey-<survey id>-<round>``, whose
``due_at`` is 00:00 UTC of the round's day and which fires at 10:00 on that day
on the recipient's own clock. Rounds are decided as soon as the earliest zone
(UTC+14) has reached their day, so both people of a pair get theirs at 10:00
their own time (the scan keeps the row pending until then). The reminder is
one more row, ``survey-<survey id>-<round>-again``."""

import datetime
from collections.abc import Iterator

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from accounts.models import User
from mentoring.time_zones import zone_of
from partnerships.models import Partnership
from programs.models import Participant
from programs.models.questions import Audience
from surveys.models import ANSWER_DAYS, CLOSING_ROUND, REMIND_AFTER_DAYS, Survey, SurveyKind, SurveyResponse

from ..models import Kind, Reminder
from ..timing import at_local
from .common import EARLIEST_OFFSET, LATEST_OFFSET, Decision, Recipient, day_key, opted_out

# When on their own clock people are asked, and reminded.
ASK_AT = datetime.time(10)
# A round whose day was missed (no scan ran) is still sent this many days on;
# an older one is skipped, and so is every round before the latest.
CATCH_UP_DAYS = 7
AGAIN = "again"


def round_key(survey_id: int, round_name: str, *, again: bool = False) -> str:
    """The ledger's ``object_key`` of a round (or of its reminder)."""
    return f"survey-{survey_id}-{round_name}" + (f"-{AGAIN}" if again else "")


def parse_round_key(object_key: str) -> tuple[int, str, bool] | None:
    """``(survey id, round, is the reminder)`` of a survey reminder's key; None for another key."""
    parts = object_key.split("-")
    if len(parts) not in (3, 4) or parts[0] != "survey" or not parts[1].isdigit():
        return None
    if len(parts) == 4 and parts[3] != AGAIN:
        return None
    return int(parts[1]), parts[2], len(parts) == 4


def _days(later: str, earlier: str) -> str:
    """SQL for the whole days from ``earlier`` to ``later`` (two date expressions)."""
    if connection.vendor == "postgresql":
        return f"({later}::date - {earlier}::date)"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _people(audience: str, mentor: Recipient, protege: Recipient) -> tuple[Recipient, ...]:
    if audience == Audience.MENTORS:
        return (mentor,)
    if audience == Audience.PROTEGES:
        return (protege,)
    return (mentor, protege)


_PEOPLE_SQL = """
    JOIN {participant} m ON m.id = p.mentor_id JOIN {user} mu ON mu.id = m.user_id
    JOIN {participant} pr ON pr.id = p.protege_id JOIN {user} pu ON pu.id = pr.user_id
"""


def _decided_sql(key: str) -> str:
    """NOT EXISTS: the ledger holds the survey reminder ``key`` (an SQL text) of the outer pair ``p``."""
    return (
        f"NOT EXISTS (SELECT 1 FROM {Reminder._meta.db_table} r WHERE r.kind = %(kind)s "
        f"AND r.partnership_id = p.id AND r.object_key = {key})"
    )


def _tables() -> dict[str, str]:
    return {
        "survey": Survey._meta.db_table,
        "partnership": Partnership._meta.db_table,
        "participant": Participant._meta.db_table,
        "user": User._meta.db_table,
    }


def pulse_rounds(now: datetime.datetime) -> Iterator[Decision]:
    """Each open (not paused) pulse survey's latest round due for each active
    pair of its program, to the people of its audience, once: due on
    ``Survey.round_day`` (from when UTC+14 reaches that day), sent only while
    that day is within the last ``CATCH_UP_DAYS`` on the latest calendar
    (UTC−12's) and not before the survey's ``opened_on``. One query for every
    survey and pair: the round's number and day are worked out in SQL, and
    only the pairs whose latest round is in the window and not yet in the
    ledger come back."""
    latest_today = (now + LATEST_OFFSET).date()
    since = _days("%(today)s", "p.started_on")
    # The latest round whose day has come (1, then one more every ``every_days``),
    # and its day, as days after the start.
    number = (
        f"(CASE WHEN s.every_days IS NULL THEN 1 ELSE ({since} - s.first_after_days) / s.every_days + 1 END)"
    )
    offset = f"(s.first_after_days + ({number} - 1) * COALESCE(s.every_days, 0))"
    sql = f"""
        SELECT s.id, s.audience, p.id, {number}, {offset}, p.started_on, mu.id, mu.time_zone, pu.id, pu.time_zone
        FROM {{survey}} s JOIN {{partnership}} p ON p.program_id = s.program_id
        {_PEOPLE_SQL}
        WHERE s.kind = %(pulse)s AND s.paused_at IS NULL
          AND p.status = %(active)s AND p.started_on IS NOT NULL AND p.started_on <= %(today)s
          AND {since} >= s.first_after_days
          AND {_days("%(earliest)s", "p.started_on")} - {offset} < %(catch_up)s
          AND {_days("s.opened_on", "p.started_on")} <= {offset}
          AND {_decided_sql(f"'survey-' || s.id || '-' || {number}")}
    """
    params: dict[str, str | int | datetime.date] = {
        "today": latest_today,
        "earliest": (now - EARLIEST_OFFSET).date(),
        "pulse": SurveyKind.PULSE.value,
        "active": Partnership.Status.ACTIVE.value,
        "catch_up": CATCH_UP_DAYS,
        "kind": Kind.SURVEY.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_tables()), params)
        rows = cursor.fetchall()
    for survey_id, audience, pair, number_, offset, started_on, mentor, m_zone, protege, p_zone in rows:
        started = (
            started_on if isinstance(started_on, datetime.date) else datetime.date.fromisoformat(started_on)
        )
        day = started + datetime.timedelta(days=offset)
        key = round_key(survey_id, str(number_))
        for person in _people(audience, Recipient(mentor, m_zone), Recipient(protege, p_zone)):
            yield Decision(
                Kind.SURVEY, pair, key, day_key(day), person, at_local(day, ASK_AT, zone_of(person))
            )


def closing_rounds(now: datetime.datetime) -> Iterator[Decision]:
    """Each open closing survey, once, to the people of its audience of each pair
    of its program that completed or ended early within the last
    ``CATCH_UP_DAYS`` (and not before the survey's ``opened_on``). The round's
    day is the day after the end: its ``due_at`` the UTC date of ``ended_at``
    plus one day (zone-free, like every key), sent at 10:00 on the day after
    the end on the recipient's own calendar. One query."""
    sql = f"""
        SELECT s.id, s.audience, p.id, p.ended_at, mu.id, mu.time_zone, pu.id, pu.time_zone
        FROM {{survey}} s JOIN {{partnership}} p ON p.program_id = s.program_id
        {_PEOPLE_SQL}
        WHERE s.kind = %(closing)s AND s.paused_at IS NULL
          AND p.status IN (%(completed)s, %(ended)s)
          AND p.ended_at > %(since)s AND p.ended_at <= %(now)s AND p.ended_at >= s.opened_on
          AND {_decided_sql(f"'survey-' || s.id || '-{CLOSING_ROUND}'")}
    """
    at = connection.ops.adapt_datetimefield_value
    params = {
        "closing": SurveyKind.CLOSING.value,
        "completed": Partnership.Status.COMPLETED.value,
        "ended": Partnership.Status.ENDED.value,
        "since": at(now - datetime.timedelta(days=CATCH_UP_DAYS)),
        "now": at(now),
        "kind": Kind.SURVEY.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_tables()), params)
        rows = cursor.fetchall()
    for survey_id, audience, pair, ended_at, mentor, m_zone, protege, p_zone in rows:
        ended = (
            ended_at if isinstance(ended_at, datetime.datetime) else datetime.datetime.fromisoformat(ended_at)
        )
        if ended.tzinfo is None:
            ended = ended.replace(tzinfo=datetime.UTC)
        due = day_key(ended.astimezone(datetime.UTC).date() + datetime.timedelta(days=1))
        key = round_key(survey_id, CLOSING_ROUND)
        for person in _people(audience, Recipient(mentor, m_zone), Recipient(protege, p_zone)):
            tz = zone_of(person)
            day_after = ended.astimezone(tz).date() + datetime.timedelta(days=1)
            yield Decision(Kind.SURVEY, pair, key, due, person, at_local(day_after, ASK_AT, tz))


def survey(now: datetime.datetime) -> Iterator[Decision]:
    """Every round due: the pulse surveys' and the closing surveys'."""
    yield from pulse_rounds(now)
    yield from closing_rounds(now)


def survey_again(now: datetime.datetime) -> Iterator[Decision]:
    """One reminder to each person asked a round and not answered, at 10:00 on
    their clock ``REMIND_AFTER_DAYS`` days after the day they were asked,
    while the round is open (``SurveyResponse.closes_at``) and the survey not
    paused. Reads the unanswered responses asked in the days it can be due
    (partial index survey_unanswered_idx), less those reminded already."""
    reminded = Reminder.objects.filter(
        kind=Kind.SURVEY,
        partnership=OuterRef("partnership"),
        recipient=OuterRef("respondent"),
        object_key=Concat(
            Value("survey-"),
            Cast(OuterRef("survey_id"), CharField()),
            Value("-"),
            OuterRef("round"),
            Value(f"-{AGAIN}"),
            output_field=CharField(),
        ),
    )
    # Asked late on a day, reminded at 10:00 five days on: under five whole days later.
    earliest = datetime.timedelta(days=REMIND_AFTER_DAYS - 1)
    responses = (
        SurveyResponse.objects.filter(
            submitted_at__isnull=True,
            asked_at__lte=now - earliest,
            asked_at__gt=now - datetime.timedelta(days=ANSWER_DAYS),
            survey__paused_at__isnull=True,
        )
        .exclude(Exists(reminded))
        .exclude(opted_out("respondent", Kind.SURVEY))
        .order_by()
        .values_list(
            "survey_id", "round", "partnership_id", "asked_at", "respondent_id", "respondent__time_zone"
        )
    )
    for survey_id, round_name, pair, asked_at, respondent, zone in responses:
        person = Recipient(respondent, zone)
        tz = zone_of(person)
        day = asked_at.astimezone(tz).date() + datetime.timedelta(days=REMIND_AFTER_DAYS)
        fires_at = at_local(day, ASK_AT, tz)
        if fires_at >= asked_at + datetime.timedelta(days=ANSWER_DAYS):
            continue
        key = round_key(survey_id, round_name, again=True)
        yield Decision(Kind.SURVEY, pair, key, day_key(day), person, fires_at)
