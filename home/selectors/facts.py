"""What a person's home and the partnership home read of each pair to say what
is to do (``home.to_do``) and where the pair is (``home.stages``): counted in
the one query that reads the partnerships, a few index lookups per pair, so
the number of queries never grows with the number of partnerships."""

import datetime
import functools
from typing import TYPE_CHECKING, TypedDict

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Now
from django.utils import timezone

from goals.models import Goal, GoalSuggestion, RatingRound
from goals.selectors.ratings import next_rating_point
from mentoring.querysets import correlated_count
from partnerships.models import ClosingReflection, Partnership, TimeOffer
from partnerships.selectors.pairs import PairView
from programs.models import Participant
from programs.rhythms import Rhythm
from sessions_log.models import Homework, Session
from surveys.models import ANSWER_DAYS, SurveyResponse

from ..stages import Progress, StageFacts, progress_of
from ..to_do import DUE_SOON, PairFacts

# A correlated COUNT(*) of a queryset filtered on the outer partnership.
_count = functools.partial(correlated_count, by="partnership")

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations


class Facts(TypedDict):
    """What ``with_facts`` adds to each partnership."""

    draft_at: datetime.datetime | None
    homework_overdue: int
    homework_overdue_from: datetime.date | None
    homework_overdue_first: str | None
    homework_soon: int
    homework_soon_from: datetime.date | None
    homework_soon_first: str | None
    suggestions: int
    active_goals: int
    calls_held: int
    last_round_at: datetime.datetime | None
    last_review_at: datetime.datetime | None
    has_end: bool
    mentor_reflected: bool
    protege_reflected: bool
    times_offered_by: str | None
    mentor_survey_id: int | None
    protege_survey_id: int | None


#: A partnership as ``with_facts`` returns it.
type WithFacts = WithAnnotations[Partnership, Facts]


def _first(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by("due_on", "pk").values(field)[:1])


def _survey_waiting(role: str) -> Subquery:
    """The oldest survey round asked of the pair's ``role`` and still open (asked
    less than ``surveys.models.ANSWER_DAYS`` ago, by the database's clock),
    unanswered: index survey_waiting_idx."""
    opened_since = ExpressionWrapper(
        Now() - Value(datetime.timedelta(days=ANSWER_DAYS)), output_field=DateTimeField()
    )
    return Subquery(
        SurveyResponse.objects.filter(
            partnership=OuterRef("pk"), role=role, submitted_at__isnull=True, asked_at__gt=opened_since
        )
        .order_by("asked_at", "pk")
        .values("pk")[:1]
    )


def with_facts(partnerships: QuerySet[Partnership], *, today: datetime.date) -> QuerySet[WithFacts]:
    """Adds ``Facts`` to each partnership: the mentor's unfinished log, the
    open homework overdue and due within ``to_do.DUE_SOON`` of ``today`` (how
    many, the earliest due date and its description), the goal suggestions
    waiting, the active goals, the calls held, the rating rounds (the latest,
    the latest check-in or end, whether the end rating was given) and each
    side's closing reflection, and which side offered the times for the next
    call that wait to be picked (open and not expired, by the database's
    clock), if any, and each side's oldest open survey round waiting for an answer. Index lookups per pair: time_offer_one_open_per_pair, session_one_draft_per_pair,
    homework_pair_by_due, session_pair_newest, ratinground_latest_idx."""
    pair = OuterRef("pk")
    homework = Homework.objects.filter(partnership=pair, session__is_draft=False, status=Homework.Status.OPEN)
    overdue = homework.filter(due_on__lt=today)
    soon = homework.filter(due_on__gte=today, due_on__lte=today + DUE_SOON)
    rounds = RatingRound.objects.filter(partnership=pair).order_by("-created_at")
    reviews = rounds.filter(point__in=[RatingRound.Point.CHECK_IN, RatingRound.Point.END])
    return partnerships.annotate(
        draft_at=Subquery(Session.objects.filter(partnership=pair, is_draft=True).values("starts_at")[:1]),
        homework_overdue=_count(overdue),
        homework_overdue_from=_first(overdue, "due_on"),
        homework_overdue_first=_first(overdue, "description"),
        homework_soon=_count(soon),
        homework_soon_from=_first(soon, "due_on"),
        homework_soon_first=_first(soon, "description"),
        suggestions=_count(
            GoalSuggestion.objects.filter(partnership=pair, status=GoalSuggestion.Status.PENDING)
        ),
        active_goals=_count(Goal.objects.filter(partnership=pair, status=Goal.Status.ACTIVE)),
        calls_held=_count(Session.objects.held().filter(partnership=pair)),
        last_round_at=Subquery(rounds.values("created_at")[:1]),
        last_review_at=Subquery(reviews.values("created_at")[:1]),
        has_end=Exists(rounds.filter(point=RatingRound.Point.END)),
        mentor_reflected=Exists(
            ClosingReflection.objects.filter(partnership=pair, role=Participant.Role.MENTOR)
        ),
        protege_reflected=Exists(
            ClosingReflection.objects.filter(partnership=pair, role=Participant.Role.PROTEGE)
        ),
        times_offered_by=Subquery(
            TimeOffer.objects.open()
            .filter(partnership=pair, expires_at__gt=Now())
            .values("offered_by_role")[:1]
        ),
        mentor_survey_id=_survey_waiting(Participant.Role.MENTOR),
        protege_survey_id=_survey_waiting(Participant.Role.PROTEGE),
    )


def facts_of_one(partnership: Partnership, *, today: datetime.date) -> "WithFacts":
    """``with_facts`` for one partnership. One query."""
    return with_facts(Partnership.objects.filter(pk=partnership.pk), today=today).get()


def _rhythm(pair: PairView) -> Rhythm | None:
    return Rhythm.of(pair.in_force) if pair.in_force else None


def pair_facts(row: "WithFacts", pair: PairView, *, today: datetime.date) -> PairFacts:
    """What ``to_do.to_do_for`` reads of one pair, from its ``with_facts`` row. No query."""
    mentor = pair.my_role == Participant.Role.MENTOR
    reflected = row.mentor_reflected if mentor else row.protege_reflected
    rating = next_rating_point(
        pair.partnership,
        rhythm=_rhythm(pair),
        last_round_at=row.last_round_at,
        has_end=row.has_end,
        active_goals=row.active_goals,
        today=today,
    )
    return PairFacts(
        draft_at=row.draft_at,
        homework_overdue=row.homework_overdue,
        homework_overdue_from=row.homework_overdue_from,
        homework_overdue_first=row.homework_overdue_first or "",
        homework_soon=row.homework_soon,
        homework_soon_from=row.homework_soon_from,
        homework_soon_first=row.homework_soon_first or "",
        suggestions=row.suggestions,
        active_goals=row.active_goals,
        rating=rating,
        reflected=reflected,
        times_offered_by=row.times_offered_by,
        survey_id=row.mentor_survey_id if mentor else row.protege_survey_id,
    )


def pair_progress(row: "WithFacts", pair: PairView, *, today: datetime.date) -> Progress:
    """Where the pair is (``stages.progress_of``), from its ``with_facts`` row. No query."""
    p = pair.partnership
    reviewed = row.last_review_at
    facts = StageFacts(
        current=p.is_current,
        has_agreement=pair.in_force is not None,
        held_a_call=p.last_call_at is not None or row.calls_held > 0,
        rated=row.last_round_at is not None,
        reviewed_on=timezone.localtime(reviewed).date() if reviewed else None,
        started_on=p.started_on if p.status == Partnership.Status.ACTIVE or not p.is_current else None,
        ends_on=p.planned_end_on or (pair.in_force.ends_on if pair.in_force else None),
    )
    return progress_of(facts, rhythm=_rhythm(pair), calls_held=row.calls_held, today=today)
