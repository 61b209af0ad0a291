"""What needs a person's action, across their partnerships: one list, most
urgent first, each item with the one click that does it (templates/home/_to_do.html).

Pure functions of what the selectors read (``PairFacts``, ``PairView``): no
query. What is late is what the pair's schedule says is late
(``partnerships.schedule.NextCall.is_late``, as the partnership home, the
calendar and the reminders read it): no second rule here.

Most urgent first: what is overdue (the oldest first), then what waits for
this person now, then what is due in the coming days (``DUE_SOON``)."""

import datetime
import enum
from dataclasses import dataclass

from django.utils import timezone

from goals.selectors.ratings import RatingDue
from partnerships.selectors.pairs import PairView
from programs.models import Participant

DUE_SOON = datetime.timedelta(days=7)  # homework and ratings due this soon are on the list


class Kind(enum.StrEnum):
    """Each kind of item, in the order items due the same day are listed."""

    DRAFT_LOG = "draft_log"  # the mentor's unfinished call log
    LATE_CALL = "late_call"  # no call since …, against the agreed rhythm
    RATE = "rate"  # the protégé's goal rating
    ADD_GOALS = "add_goals"  # no goals yet to rate
    HOMEWORK_OVERDUE = "homework_overdue"
    ACCEPT = "accept"  # an agreement proposal waits for this person
    PROPOSE = "propose"  # no agreement yet
    SUGGESTION = "suggestion"  # a goal the mentor suggested, to take on or decline
    PICK_TIME = "pick_time"  # the other side offered times for the next call
    SET_CALL = "set_call"  # the next call's time is not set
    HOMEWORK_DUE = "homework_due"  # due in the coming days
    SURVEY = "survey"  # a round of a program survey asked of this person, unanswered
    REFLECT = "reflect"  # the closing reflection


KIND_ORDER = {kind: i for i, kind in enumerate(Kind)}


class Urgency(enum.IntEnum):
    OVERDUE = 0
    NOW = 1
    SOON = 2


@dataclass(frozen=True)
class PairFacts:
    """What a pair's items are read from besides ``PairView`` (``home.selectors.facts``)."""

    draft_at: datetime.datetime | None  # the unfinished log's call
    homework_overdue: int
    homework_overdue_from: datetime.date | None  # the earliest due date
    homework_overdue_first: str  # its description
    homework_soon: int
    homework_soon_from: datetime.date | None
    homework_soon_first: str
    suggestions: int  # waiting for the protégé
    active_goals: int
    rating: RatingDue | None  # the protégé's next rating
    reflected: bool  # this person's closing reflection is written
    times_offered_by: str | None = None  # the side whose offered times wait to be picked
    survey_id: int | None = None  # this person's oldest survey round waiting for an answer (a SurveyResponse)


@dataclass(frozen=True)
class ToDo:
    """One thing to do: what, in which partnership, since or by when."""

    kind: Kind
    urgency: Urgency
    on: datetime.date  # when it is or was due, or since when it waits
    pair: PairView
    count: int = 1
    detail: str = ""  # the one homework's description
    rating: RatingDue | None = None
    survey_id: int | None = None  # the SurveyResponse to answer

    @property
    def partnership(self):
        return self.pair.partnership

    @property
    def overdue(self) -> bool:
        return self.urgency == Urgency.OVERDUE

    @property
    def sort_key(self) -> tuple:
        return (self.urgency, self.on, KIND_ORDER[self.kind], self.partnership.pk)


def _urgency(due_on: datetime.date, today: datetime.date) -> Urgency:
    if due_on < today:
        return Urgency.OVERDUE
    return Urgency.NOW if due_on == today else Urgency.SOON


def _local_day(moment: datetime.datetime) -> datetime.date:
    """The day of ``moment`` in the viewer's time zone."""
    return timezone.localtime(moment).date()


def _ended(pair: PairView, facts: PairFacts) -> list[ToDo]:
    p = pair.partnership
    if facts.reflected:
        return []
    ended = _local_day(p.ended_at) if p.ended_at else _local_day(p.updated_at)
    return [ToDo(Kind.REFLECT, Urgency.NOW, ended, pair)]


def _survey(pair: PairView, facts: PairFacts, today: datetime.date) -> list[ToDo]:
    """A survey round the program asked of this person about this pair, open and unanswered."""
    if facts.survey_id is None:
        return []
    return [ToDo(Kind.SURVEY, Urgency.NOW, today, pair, survey_id=facts.survey_id)]


def _agreement(pair: PairView, today: datetime.date) -> list[ToDo]:
    if pair.proposal is not None:
        if pair.proposal.waiting_for_role != pair.my_role:
            return []
        return [ToDo(Kind.ACCEPT, Urgency.NOW, _local_day(pair.proposal.created_at), pair)]
    if pair.in_force is None:
        return [ToDo(Kind.PROPOSE, Urgency.NOW, pair.partnership.began_on, pair)]
    return []


def _next_call(pair: PairView, facts: PairFacts, today: datetime.date) -> list[ToDo]:
    """Times the other side offered to pick; else a call late against the
    rhythm, or one to set (not while this person's own offer waits)."""
    offered_by = facts.times_offered_by
    if offered_by is not None and offered_by != pair.my_role:
        return [ToDo(Kind.PICK_TIME, Urgency.NOW, today, pair)]
    call = pair.next_call
    if call is None or call.is_set:
        return []
    expected = _local_day(call.at)
    if pair.next_call_late:
        return [ToDo(Kind.LATE_CALL, Urgency.OVERDUE, expected, pair)]
    if pair.in_force is None or offered_by is not None:
        return []
    soon = Urgency.NOW if expected <= today + DUE_SOON else Urgency.SOON
    return [ToDo(Kind.SET_CALL, soon, expected, pair)]


def _protege(pair: PairView, facts: PairFacts, today: datetime.date) -> list[ToDo]:
    items = []
    rating = facts.rating
    if rating is not None and rating.due_on <= today + DUE_SOON:
        if rating.is_baseline and facts.active_goals == 0:
            items.append(ToDo(Kind.ADD_GOALS, _urgency(max(rating.due_on, today), today), today, pair))
        elif facts.active_goals:
            items.append(ToDo(Kind.RATE, _urgency(rating.due_on, today), rating.due_on, pair, rating=rating))
    if facts.homework_overdue and facts.homework_overdue_from:
        items.append(
            ToDo(
                Kind.HOMEWORK_OVERDUE,
                Urgency.OVERDUE,
                facts.homework_overdue_from,
                pair,
                count=facts.homework_overdue,
                detail=facts.homework_overdue_first,
            )
        )
    if facts.homework_soon and facts.homework_soon_from:
        items.append(
            ToDo(
                Kind.HOMEWORK_DUE,
                _urgency(facts.homework_soon_from, today),
                facts.homework_soon_from,
                pair,
                count=facts.homework_soon,
                detail=facts.homework_soon_first,
            )
        )
    if facts.suggestions:
        items.append(ToDo(Kind.SUGGESTION, Urgency.NOW, today, pair, count=facts.suggestions))
    return items


def to_do_for(pair: PairView, facts: PairFacts, *, today: datetime.date) -> list[ToDo]:
    """What needs this person's action in one partnership, most urgent first:
    once it has ended, their closing reflection (until written); while it is
    current, the mentor's unfinished log, an agreement to accept or to
    propose, times the other side offered for the next call to pick, a call
    that is late against the agreed rhythm or whose time is not set (not
    while this person's own offered times wait), and for the protégé, their goal rating (or goals to write),
    overdue homework and homework due soon, and goal suggestions to answer;
    and, ended or not, a program survey waiting for their answer."""
    if not pair.partnership.is_current:
        return most_urgent_first([*_ended(pair, facts), *_survey(pair, facts, today)])
    items = [*_agreement(pair, today), *_next_call(pair, facts, today)]
    if pair.my_role == Participant.Role.MENTOR:
        if facts.draft_at is not None:
            drafted = min(_local_day(facts.draft_at), today)
            items.append(ToDo(Kind.DRAFT_LOG, Urgency.NOW, drafted, pair))
    else:
        items.extend(_protege(pair, facts, today))
    items.extend(_survey(pair, facts, today))
    return most_urgent_first(items)


def most_urgent_first(items: list[ToDo]) -> list[ToDo]:
    """Overdue first (the oldest first), then what waits now, then what is due soon."""
    return sorted(items, key=lambda item: item.sort_key)
