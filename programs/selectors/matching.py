"""Reads for matching: who waits for a mentor and who has a free place, each
person's matching profile (answers to the program's criteria questions
included), a program's weights and criteria, and the score of one pair.
Each says how many queries it runs."""

import datetime
import functools
import logging
from collections.abc import Iterable, Mapping

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import F, Q, QuerySet
from django.utils.text import Truncator

from .. import matching
from ..forms import MatchingSettingsForm
from ..models import CURRENT_PAIR_STATUSES, Answer, Participant, Program, Question

# A criterion's question as its reasons name it, in characters.
CRITERION_LABEL_CHARS = 60
Answers = Mapping[int, frozenset[int]]  # question id → choice ids chosen

logger = logging.getLogger(__name__)


def waiting_proteges(program) -> QuerySet[Participant]:
    """Protégés who joined ``program`` (a Program, an id or OuterRef) and have no current mentor."""
    return (
        Participant.objects.filter(
            program=program, role=Participant.Role.PROTEGE, status=Participant.Status.ACTIVE
        )
        .exclude(mentored_by__status__in=CURRENT_PAIR_STATUSES)
        .order_by("created_at", "pk")
    )


def mentors_with_places(program: Program) -> QuerySet[Participant]:
    """Mentors who joined and have a free place."""
    return Participant.objects.filter(
        program=program,
        role=Participant.Role.MENTOR,
        status=Participant.Status.ACTIVE,
        load__lt=F("capacity"),
    ).order_by("user__display_name", "pk")


@functools.lru_cache(maxsize=1024)
def _offset_today(time_zone: str, day: datetime.date) -> float:
    return matching.utc_offset_hours(
        time_zone, datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    )


def _offset(participant: Participant) -> float:
    return _offset_today(participant.user.time_zone, datetime.date.today())


def mentor_profile(participant: Participant, answers: Answers | None = None) -> matching.MentorProfile:
    """A mentor's profile for matching, from their account, topics offered
    (prefetched: no query) and ``answers`` to the criteria questions (``answers_for``)."""
    topics = participant.topics_offered.all()
    return matching.MentorProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in topics),
        topic_names={t.pk: t.name for t in topics},
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
        capacity=participant.capacity,
        load=participant.load,
        answers=answers or {},
    )


def protege_profile(participant: Participant, answers: Answers | None = None) -> matching.ProtegeProfile:
    """A protégé's profile for matching, on the same terms as ``mentor_profile``."""
    return matching.ProtegeProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in participant.topics_sought.all()),
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
        answers=answers or {},
    )


def criteria_of(program: Program) -> tuple[matching.Criterion, ...]:
    """The program's matching criteria among its questions (``Question.objects.criteria()``:
    current choice questions with a weight and a rule), in the questions' order, each
    labelled by its text cut to CRITERION_LABEL_CHARS and naming every choice, retired
    ones too (an answer may name one). One query."""
    questions = (
        Question.objects.filter(program=program)
        .criteria()
        .annotate(
            choice_ids=ArrayAgg("choices__pk", order_by=("choices__position", "choices__pk")),
            choice_labels=ArrayAgg("choices__label", order_by=("choices__position", "choices__pk")),
        )
        .order_by("position", "pk")  # a grouped query leaves out Meta.ordering
        .values_list("pk", "text", "rule", "weight", "choice_ids", "choice_labels")
    )
    return tuple(
        matching.Criterion(
            question_id=pk,
            label=Truncator(text).chars(CRITERION_LABEL_CHARS),
            rule=rule,
            weight=weight,
            choice_names={c: label for c, label in zip(ids, labels, strict=True) if c is not None},
        )
        for pk, text, rule, weight, ids, labels in questions
    )


def answers_for(criteria: Iterable[matching.Criterion], people: Q) -> dict[int, dict[int, frozenset[int]]]:
    """The choices each participant matching ``people`` (a condition on ``Participant``)
    made in the ``criteria`` questions: participant id → question id → choice ids.
    An answer with no choice is no answer. One query; none without criteria."""
    questions = [c.question_id for c in criteria]
    if not questions:
        return {}
    chosen: dict[int, dict[int, set[int]]] = {}
    rows = Answer.choices.through.objects.filter(
        answer__question__in=questions, answer__participant__in=Participant.objects.filter(people)
    ).values_list("answer__participant_id", "answer__question_id", "choice_id")
    for person, question, choice in rows:
        chosen.setdefault(person, {}).setdefault(question, set()).add(choice)
    return {person: {q: frozenset(c) for q, c in by_q.items()} for person, by_q in chosen.items()}


def weights_of(program: Program) -> matching.Weights:
    """The program's matching weights. A stored value the weights form would refuse
    (``MatchingSettingsForm.stored_weights_errors``: written past the forms, e.g. by
    hand in the database) gives the default weights and a warning in the log, so no
    stored value can break the board or a proposal. No query."""
    stored = program.match_weights or {}
    if errors := MatchingSettingsForm.stored_weights_errors(stored):
        logger.warning(
            "Program %s has unusable matching weights %r (%s); using the defaults.",
            program.pk,
            stored,
            "; ".join(errors),
        )
        return matching.Weights()
    return matching.Weights.from_dict(stored)


def matching_profiles(
    *, program: Program
) -> tuple[list[matching.ProtegeProfile], list[matching.MentorProfile], tuple[matching.Criterion, ...]]:
    """Profiles of every waiting protégé and every mentor with a free place, with
    their answers, and the program's criteria (``criteria_of``), as ``matching.propose``
    takes them. Five queries; six when the program has criteria."""
    criteria = criteria_of(program)
    proteges = waiting_proteges(program).select_related("user").prefetch_related("topics_sought")
    mentors = mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    answers = answers_for(criteria, Q(program=program, status=Participant.Status.ACTIVE))
    return (
        [protege_profile(p, answers.get(p.pk)) for p in proteges],
        [mentor_profile(m, answers.get(m.pk)) for m in mentors],
        criteria,
    )


def score_pair(*, program: Program, mentor: Participant, protege: Participant) -> matching.Suggestion:
    """How well ``mentor`` suits ``protege`` under the program's weights and criteria,
    and why. Two queries (criteria, their answers), one without criteria, and two
    more (their topics) unless prefetched."""
    criteria = criteria_of(program)
    answers = answers_for(criteria, Q(pk__in=[mentor.pk, protege.pk]))
    return matching.score(
        mentor_profile(mentor, answers.get(mentor.pk)),
        protege_profile(protege, answers.get(protege.pk)),
        weights_of(program),
        criteria=criteria,
    )


def ranked_mentors(
    *, program: Program, protege: Participant, second_person: bool = False
) -> list[tuple[Participant, matching.Suggestion]]:
    """Every mentor with a free place in ``program`` (``mentors_with_places``), ranked
    for ``protege`` under the program's weights, best first (ties by mentor id, as
    ``matching.rank``): each mentor's row (user selected, for their name and intro)
    with their ``Suggestion`` (0–100 score, reasons in words, the program's criteria
    questions after the built-in ones; naming both people, or speaking to the
    protégé as "you" with ``second_person``, for their own page). Three queries (criteria, mentors with their
    accounts, their topics), four when the program has criteria (the answers), one
    more when the protégé's topics are not prefetched; the same whatever the number
    of mentors."""
    criteria = criteria_of(program)
    mentors = {
        m.pk: m
        for m in mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    }
    answers = answers_for(criteria, Q(pk__in=[*mentors, protege.pk]))
    ranked = matching.rank(
        protege_profile(protege, answers.get(protege.pk)),
        [mentor_profile(m, answers.get(m.pk)) for m in mentors.values()],
        weights_of(program),
        criteria=criteria,
        second_person=second_person,
    )
    return [(mentors[s.mentor_id], s) for s in ranked]
