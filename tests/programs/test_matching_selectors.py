"""The matching reads: a protégé's ranking of every mentor with a free place
(``ranked_mentors``), the program's question criteria (``criteria_of``) and
everyone's answers to them, each in a fixed number of queries, with the
board's scores."""

import pytest
from django.utils import timezone

from programs import matching
from programs.models import Answer, Audience, Choice, MatchRule, Participant, Question, QuestionKind
from programs.selectors import matching as selectors
from programs.services.matching import proposal_compute
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _mentors(program, n, topics):
    mentors = []
    for i in range(n):
        mentor = MentorFactory(program=program, capacity=2, user__display_name=f"Mentor {i:02}")
        mentor.topics_offered.set(topics[: 1 + i % len(topics)])
        mentors.append(mentor)
    return mentors


def _question(program, text="Which team do you like?", labels=("remote-first team", "office"), **kwargs):
    kwargs.setdefault("kind", QuestionKind.SINGLE)
    kwargs.setdefault("weight", 20)
    kwargs.setdefault("rule", MatchRule.SAME)
    question = Question.objects.create(program=program, text=text, **kwargs)
    choices = [
        Choice.objects.create(question=question, label=label, position=i) for i, label in enumerate(labels)
    ]
    return question, choices


def _answer(participant, question, *choices):
    answer = Answer.objects.create(participant=participant, question=question)
    answer.choices.set(choices)
    return answer


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


def test_a_shared_answer_lifts_a_mentor_and_reads_in_words(world):
    program = world.program
    question, (remote, office) = _question(program)
    alike, unlike, silent = _mentors(program, 3, [TopicFactory(program=program)])
    protege = ParticipantFactory(program=program, user__display_name="Pat")
    _answer(protege, question, remote)
    _answer(alike, question, remote)
    _answer(unlike, question, office)
    _answer(silent, question)  # an answer with no choice is no answer
    ranked = {m.pk: s for m, s in selectors.ranked_mentors(program=program, protege=protege)}
    assert "✓ both chose: remote-first team" in ranked[alike.pk].reasons
    assert (
        "✗ different answers to “Which team do you like?”: Mentor 01 chose office, Pat remote-first team"
        in ranked[unlike.pk].reasons
    )
    assert "not compared: Mentor 02 has not answered “Which team do you like?”" in ranked[silent.pk].reasons
    assert ranked[alike.pk].score > ranked[unlike.pk].score == ranked[silent.pk].score
    assert ranked[alike.pk] == selectors.score_pair(program=program, mentor=alike, protege=protege)


def test_criteria_are_the_current_weighted_choice_questions_in_order(world):
    program = world.program
    later, _ = _question(
        program, text="x" * 200, position=2, rule=MatchRule.COVERS, kind=QuestionKind.MULTIPLE
    )
    first, (kept, retired) = _question(program, position=1, labels=("kept", "retired"))
    retired.retired_at = timezone.now()
    retired.save()
    _question(program, text="Not weighed", weight=0, rule="")
    _question(program, text="Retired", retired_at=timezone.now())
    _question(program, text="Free text", kind=QuestionKind.TEXT, weight=0, rule="", labels=())
    # Asked of protégés only (written past the form): no mentor's answer to compare.
    one_sided, _ = _question(program, text="Protégés only", audience=Audience.PROTEGES)
    assert not one_sided.is_criterion
    criteria = selectors.criteria_of(program)
    assert [c.question_id for c in criteria] == [first.pk, later.pk]
    assert criteria[0] == matching.Criterion(
        first.pk, "Which team do you like?", MatchRule.SAME, 20, {kept.pk: "kept", retired.pk: "retired"}
    )
    assert len(criteria[1].label) == selectors.CRITERION_LABEL_CHARS and criteria[1].label.endswith("…")
    assert criteria[1].rule == MatchRule.COVERS


def test_the_proposal_weighs_the_criteria_and_keeps_their_reasons(world):
    program = world.program
    question, (remote, office) = _question(program, weight=100)
    Participant.objects.filter(pk=world.partnership.mentor.pk).update(capacity=1, load=1)
    alike, unlike = _mentors(program, 2, [TopicFactory(program=program)])
    Participant.objects.filter(pk__in=[alike.pk, unlike.pk]).update(capacity=1)
    protege = ParticipantFactory(program=program, user__display_name="Pat")
    _answer(protege, question, office)
    _answer(alike, question, office)
    _answer(unlike, question, remote)
    (draft,) = proposal_compute(program=program)
    assert (draft.protege_id, draft.mentor_id) == (protege.pk, alike.pk)
    assert "✓ both chose: office" in draft.reasons


def _sized_program(world, size, *, criteria: bool):
    program = world.program
    topics = [TopicFactory(program=program) for _ in range(3)]
    mentors = _mentors(program, size, topics)
    protege = ParticipantFactory(program=program)
    protege.topics_sought.set(topics[:2])
    if criteria:
        for n, rule in enumerate(MatchRule.values):
            kind = QuestionKind.SINGLE if rule == MatchRule.SAME else QuestionKind.MULTIPLE
            question, choices = _question(program, text=f"Q{n}", labels=("a", "b", "c"), rule=rule, kind=kind)
            for i, person in enumerate([protege, *mentors]):
                _answer(person, question, *choices[: 1 + i % (1 if kind == QuestionKind.SINGLE else 3)])
    return program, Participant.objects.select_related("user").get(pk=protege.pk)


@pytest.mark.parametrize("criteria", [False, True], ids=["no criteria", "criteria"])
@pytest.mark.parametrize("size", [2, 12])
def test_ranked_mentors_run_the_same_queries_at_any_size(world, django_assert_num_queries, size, criteria):
    program, protege = _sized_program(world, size, criteria=criteria)
    # criteria, mentors, their topics, the protégé's topics; and the answers with criteria
    with django_assert_num_queries(5 if criteria else 4):
        ranked = selectors.ranked_mentors(program=program, protege=protege)
        for mentor, _ in ranked:
            assert mentor.user.name and mentor.intro is not None
    assert len(ranked) == size + 1  # the world's mentor has a place too
    assert all(len(s.reasons) == 5 + 3 * criteria for _, s in ranked)


@pytest.mark.parametrize("criteria", [False, True], ids=["no criteria", "criteria"])
@pytest.mark.parametrize("size", [2, 12])
def test_matching_profiles_run_the_same_queries_at_any_size(world, django_assert_num_queries, size, criteria):
    program, protege = _sized_program(world, size, criteria=criteria)
    with django_assert_num_queries(6 if criteria else 5):
        proteges, mentors, found = selectors.matching_profiles(program=program)
    assert len(mentors) == size + 1 and len(found) == 3 * criteria
    answered = {p.id: p.answers for p in proteges}[protege.pk]
    assert len(answered) == 3 * criteria
