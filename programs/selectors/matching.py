"""Reads for matching: who waits for a mentor and who has a free place, each
person's matching profile, a program's weights, and the score of one pair.
Each says how many queries it runs."""

import datetime
import functools
import logging

from django.db.models import F, QuerySet

from .. import matching
from ..forms import MatchingSettingsForm
from ..models import CURRENT_PAIR_STATUSES, Participant, Program

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


def mentor_profile(participant: Participant) -> matching.MentorProfile:
    """A mentor's profile for matching, from their account and topics offered (prefetched: no query)."""
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
    )


def protege_profile(participant: Participant) -> matching.ProtegeProfile:
    """A protégé's profile for matching, from their account and topics sought (prefetched: no query)."""
    return matching.ProtegeProfile(
        id=participant.pk,
        name=participant.user.name,
        topics=frozenset(t.pk for t in participant.topics_sought.all()),
        methods=frozenset(participant.methods),
        cadence=participant.preferred_cadence,
        utc_offset_hours=_offset(participant),
    )


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
) -> tuple[list[matching.ProtegeProfile], list[matching.MentorProfile]]:
    """Profiles of every waiting protégé and every mentor with a free place. Four queries."""
    proteges = waiting_proteges(program).select_related("user").prefetch_related("topics_sought")
    mentors = mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    return [protege_profile(p) for p in proteges], [mentor_profile(m) for m in mentors]


def score_pair(*, program: Program, mentor: Participant, protege: Participant) -> matching.Suggestion:
    """How well ``mentor`` suits ``protege`` under the program's weights, and why.
    Two queries (their topics) unless prefetched."""
    return matching.score(mentor_profile(mentor), protege_profile(protege), weights_of(program))


def ranked_mentors(
    *, program: Program, protege: Participant
) -> list[tuple[Participant, matching.Suggestion]]:
    """Every mentor with a free place in ``program`` (``mentors_with_places``), ranked
    for ``protege`` under the program's weights, best first (ties by mentor id, as
    ``matching.rank``): each mentor's row (user selected, for their name and intro)
    with their ``Suggestion`` (0–100 score, reasons in words). Two queries (mentors
    with their accounts, their topics), three when the protégé's topics are not
    prefetched; the same whatever the number of mentors."""
    mentors = {
        m.pk: m
        for m in mentors_with_places(program).select_related("user").prefetch_related("topics_offered")
    }
    ranked = matching.rank(
        protege_profile(protege), [mentor_profile(m) for m in mentors.values()], weights_of(program)
    )
    return [(mentors[s.mentor_id], s) for s in ranked]
