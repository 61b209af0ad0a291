"""The matching reads: a protégé's ranking of every mentor with a free place
(``ranked_mentors``) in a fixed number of queries, with the board's scores."""

import pytest

from programs import matching
from programs.models import Participant
from programs.selectors import matching as selectors
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _mentors(program, n, topics):
    for i in range(n):
        mentor = MentorFactory(program=program, capacity=2, user__display_name=f"Mentor {i:02}")
        mentor.topics_offered.set(topics[: 1 + i % len(topics)])


def test_ranked_mentors_are_best_first_with_the_boards_scores(world):
    program = world.program
    topics = [TopicFactory(program=program) for _ in range(3)]
    _mentors(program, 4, topics)
    protege = ParticipantFactory(program=program, user__display_name="Pat")
    protege.topics_sought.set(topics)
    ranked = selectors.ranked_mentors(program=program, protege=protege)
    with_places = list(selectors.mentors_with_places(program))
    assert {m.pk for m, _ in ranked} == {m.pk for m in with_places}
    scores = [s.score for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    for mentor, suggestion in ranked:
        assert suggestion.mentor_id == mentor.pk and suggestion.protege_id == protege.pk
        assert suggestion == selectors.score_pair(program=program, mentor=mentor, protege=protege)


def test_a_full_mentor_is_not_ranked(world):
    full = world.partnership.mentor
    Participant.objects.filter(pk=full.pk).update(capacity=1, load=1)
    protege = ParticipantFactory(program=world.program)
    ranked = selectors.ranked_mentors(program=world.program, protege=protege)
    assert full.pk not in {m.pk for m, _ in ranked}


@pytest.mark.parametrize("size", [2, 12])
def test_ranked_mentors_run_the_same_queries_at_any_size(world, django_assert_num_queries, size):
    program = world.program
    topics = [TopicFactory(program=program) for _ in range(3)]
    _mentors(program, size, topics)
    protege = ParticipantFactory(program=program)
    protege.topics_sought.set(topics[:2])
    protege = Participant.objects.select_related("user").get(pk=protege.pk)
    with django_assert_num_queries(3):
        ranked = selectors.ranked_mentors(program=program, protege=protege)
        for mentor, _ in ranked:
            assert mentor.user.name and mentor.intro is not None
    assert len(ranked) == size + 1  # the world's mentor has a place too
    assert isinstance(ranked[0][1], matching.Suggestion)
