"""The reasons' words for whoever reads them: the board names both people, the
protégé's own list of mentors speaks to them as "you" (``second_person``); the
mark and the words agree on a partial fit; a question one side has not answered
is a neutral line, not compared, with no mark."""

import pytest
from django.urls import reverse

from programs.matching import Criterion, MentorProfile, ProtegeProfile, Reason, rank, score
from programs.models import Answer, Choice, MatchingMode, MatchRule, Question, QuestionKind
from tests.factories import MentorFactory, ParticipantFactory, TopicFactory

TOPICS = {1: "Career planning", 2: "Strategy", 3: "Hiring", 4: "Budgets"}
NEEDS = {11: "Strategy", 12: "Communication", 13: "Design"}


def ana(topics=(1,), **kwargs):
    kwargs.setdefault("methods", frozenset({"video"}))
    kwargs.setdefault("cadence", "every_two_weeks")
    return MentorProfile(
        id=1, name="Ana", topics=frozenset(topics), topic_names={t: TOPICS[t] for t in topics}, **kwargs
    )


def aisha(topics=(1,), **kwargs):
    kwargs.setdefault("methods", frozenset({"video"}))
    kwargs.setdefault("cadence", "every_two_weeks")
    return ProtegeProfile(id=2, name="Aisha Bello", topics=frozenset(topics), **kwargs)


def lines(mentor, protege, criteria=()):
    """The reasons for the board and for the protégé's page."""
    board = score(mentor, protege, criteria=criteria).reasons
    yours = score(mentor, protege, criteria=criteria, second_person=True).reasons
    return board, yours


def covers(rule=MatchRule.COVERS):
    return [Criterion(7, "Needs", rule, 10, NEEDS)]


# Built-in reasons


def test_topics_name_the_protege_on_the_board_and_say_you_on_their_page():
    board, yours = lines(ana(topics=(1,)), aisha(topics=(1,)))
    assert board[0] == "✓ offers Career planning, which Aisha Bello seeks"
    assert yours[0] == "✓ offers Career planning, which you seek"
    board, yours = lines(ana(topics=(1,)), aisha(topics=(1, 2)))
    assert board[0] == "✓ offers Career planning, which Aisha Bello seeks (1 more sought topic not offered)"
    assert yours[0] == "✓ offers Career planning, which you seek (1 more sought topic not offered)"
    board, yours = lines(ana(topics=()), aisha(topics=()))
    assert board[0] == "✗ Aisha Bello has not chosen topics to work on"
    assert yours[0] == "✗ you have not chosen topics to work on"


def test_less_than_half_the_topics_reads_as_a_miss_in_words_too():
    board, yours = lines(ana(topics=(1,)), aisha(topics=(1, 2, 3)))
    assert board[0] == (
        "✗ offers less than half of what Aisha Bello seeks: Career planning (2 more sought topics not offered)"
    )
    assert (
        yours[0]
        == "✗ offers less than half of what you seek: Career planning (2 more sought topics not offered)"
    )


def test_ways_to_meet_say_you_prefer():
    board, yours = lines(ana(methods=frozenset({"phone"})), aisha(methods=frozenset({"chat"})))
    assert board[1] == "✗ no shared way to meet: Ana prefers phone, Aisha Bello chat"
    assert yours[1] == "✗ no shared way to meet: Ana prefers phone, you prefer chat"
    board, yours = lines(ana(), aisha(methods=frozenset()))
    assert board[1] == "✓ Aisha Bello has no preferred way to meet"
    assert yours[1] == "✓ you have no preferred way to meet"
    board, yours = lines(ana(methods=frozenset()), aisha())
    assert board[1] == yours[1] == "✓ Ana has no preferred way to meet"


def test_cadences_say_you_prefer():
    board, yours = lines(ana(cadence="every_two_weeks"), aisha(cadence="monthly"))
    assert board[2] == "✗ different cadences: Ana prefers every two weeks, Aisha Bello monthly"
    assert yours[2] == "✗ different cadences: Ana prefers every two weeks, you prefer monthly"
    board, yours = lines(ana(cadence="weekly"), aisha(cadence="monthly"))
    assert yours[2] == "✗ far apart cadences: Ana prefers weekly, you prefer monthly"
    board, yours = lines(ana(cadence="twice_a_month"), aisha(cadence="every_two_weeks"))
    assert yours[2] == "✓ similar cadences: Ana prefers twice a month, you prefer every two weeks"
    board, yours = lines(ana(), aisha(cadence=""))
    assert board[2] == "✓ Aisha Bello has no preferred cadence"
    assert yours[2] == "✓ you have no preferred cadence"


def test_only_the_protege_changes_person_and_the_score_does_not():
    mentor, protege = ana(topics=(1, 2), cadence="weekly"), aisha(topics=(1, 3), cadence="monthly")
    board = score(mentor, protege, criteria=covers())
    yours = score(mentor, protege, criteria=covers(), second_person=True)
    assert board.score == yours.score
    assert board.reasons[3:5] == yours.reasons[3:5]  # time zones and places name nobody
    assert rank(protege, [mentor], criteria=covers(), second_person=True) == [yours]
    assert all("Aisha" not in line for line in yours.reasons)


# Question reasons


def test_covers_in_full_reads_covers_what_you_need():
    board, yours = lines(ana(answers={7: frozenset({11, 12})}), aisha(answers={7: frozenset({11})}), covers())
    assert board[-1] == "✓ covers what Aisha Bello needs: Strategy"
    assert yours[-1] == "✓ covers what you need: Strategy"


def test_covers_in_part_names_what_is_not_covered_and_the_mark_agrees():
    half = lines(ana(answers={7: frozenset({11})}), aisha(answers={7: frozenset({11, 12})}), covers())
    assert half[0][-1] == "✓ covers part of what Aisha Bello needs: Strategy (Communication not covered)"
    assert half[1][-1] == "✓ covers part of what you need: Strategy (Communication not covered)"
    little = lines(ana(answers={7: frozenset({11})}), aisha(answers={7: frozenset({11, 12, 13})}), covers())
    assert little[0][-1] == (
        "✗ covers less than half of what Aisha Bello needs: Strategy (Communication and Design not covered)"
    )
    assert (
        little[1][-1]
        == "✗ covers less than half of what you need: Strategy (Communication and Design not covered)"
    )
    for line in (*half[0], *little[0]):  # "covers" under a cross only as "less than half"
        mark = Reason.of(line)
        assert mark.fits is not False or "covers what" not in mark.text


def test_same_and_overlap_read_in_the_second_person():
    same = [Criterion(7, "Team", MatchRule.SAME, 10, {1: "remote", 2: "office"})]
    board, yours = lines(ana(answers={7: frozenset({2})}), aisha(answers={7: frozenset({1})}), same)
    assert board[-1] == "✗ different answers to “Team”: Ana chose office, Aisha Bello remote"
    assert yours[-1] == "✗ different answers to “Team”: Ana chose office, you chose remote"
    board, yours = lines(ana(answers={7: frozenset({1})}), aisha(answers={7: frozenset({1})}), same)
    assert board[-1] == yours[-1] == "✓ both chose: remote"
    overlap = covers(MatchRule.OVERLAP)
    board, yours = lines(ana(answers={7: frozenset({11})}), aisha(answers={7: frozenset({11, 12})}), overlap)
    assert board[-1] == yours[-1] == "✓ both chose: Strategy"
    board, yours = lines(ana(answers={7: frozenset({13})}), aisha(answers={7: frozenset({11})}), overlap)
    assert board[-1] == yours[-1] == "✗ no answer in common to “Needs”"


@pytest.mark.parametrize("rule", MatchRule.values)
def test_an_unanswered_question_is_not_compared_and_has_no_mark(rule):
    answered = {7: frozenset({11})}
    board, yours = lines(ana(answers=answered), aisha(), covers(rule))
    assert board[-1] == "not compared: Aisha Bello has not answered “Needs”"
    assert yours[-1] == "not compared: you have not answered “Needs” — answer it on your profile"
    board, yours = lines(ana(), aisha(answers=answered), covers(rule))
    assert board[-1] == yours[-1] == "not compared: Ana has not answered “Needs”"
    board, yours = lines(ana(), aisha(), covers(rule))
    assert board[-1] == "not compared: Ana and Aisha Bello have not answered “Needs”"
    assert yours[-1] == "not compared: neither you nor Ana has answered “Needs” — answer it on your profile"
    assert Reason.of(board[-1]) == Reason(None, board[-1])
    # It still counts 0 of its weight: the same score as an answer nobody shares.
    unanswered = score(ana(answers=answered), aisha(), criteria=covers(rule)).score
    unshared = score(ana(answers=answered), aisha(answers={7: frozenset({13})}), criteria=covers(rule)).score
    assert unanswered == unshared


# On the pages


@pytest.fixture
def choosing(world):
    """Aisha, a protégé of a program taking requests, and Ana, a mentor who offers one
    of her two topics, meets at another cadence, and covers half her needs; Aisha has
    not answered a second criterion question."""
    program = world.program
    program.matching_mode = MatchingMode.BOTH
    program.save()
    career, strategy = TopicFactory(program=program, name="Career planning"), TopicFactory(program=program)
    aisha = ParticipantFactory(
        program=program, user__display_name="Aisha Bello", preferred_cadence="monthly", methods=["video"]
    )
    aisha.topics_sought.set([career, strategy])
    mentor = MentorFactory(
        program=program,
        user__display_name="Ana Mentor",
        capacity=2,
        preferred_cadence="every_two_weeks",
        methods=["video"],
    )
    mentor.topics_offered.set([career])
    needs = Question.objects.create(
        program=program, text="Needs", kind=QuestionKind.MULTIPLE, weight=20, rule=MatchRule.COVERS
    )
    team = Question.objects.create(
        program=program, text="Team", kind=QuestionKind.SINGLE, weight=10, rule=MatchRule.SAME, position=1
    )
    strategy_need, communication = (
        Choice.objects.create(question=needs, label=label, position=i)
        for i, label in enumerate(["Strategy", "Communication"])
    )
    remote = Choice.objects.create(question=team, label="remote", position=0)
    for person, chosen in ((aisha, [strategy_need, communication]), (mentor, [strategy_need])):
        Answer.objects.create(participant=person, question=needs).choices.set(chosen)
    Answer.objects.create(participant=mentor, question=team).choices.set([remote])
    return aisha, mentor


@pytest.mark.django_db
def test_the_proteges_page_speaks_to_them(client, world, choosing):
    aisha, _ = choosing
    client.force_login(aisha.user)
    page = client.get(reverse("programs:mentors", args=[world.program.slug])).content.decode()
    for words in (
        "offers Career planning, which you seek (1 more sought topic not offered)",
        "different cadences: Ana Mentor prefers every two weeks, you prefer monthly",
        "covers part of what you need: Strategy (Communication not covered)",
        "not compared: you have not answered “Team” — answer it on your profile",
    ):
        assert words in page
    assert "Aisha Bello seeks" not in page and "Aisha Bello has not answered" not in page
    # The unanswered question's line carries no mark, in words or in colour.
    line = page[: page.index("not compared: you have not answered")].rsplit("<li", 1)[1]
    assert "check--" not in line and "Does not fit" not in line and "✗" not in line


@pytest.mark.django_db
def test_the_board_names_the_protege(client, world, choosing):
    aisha, _ = choosing
    client.force_login(world.admin)
    url = reverse("partnerships:matching_board", args=[world.program.slug])
    page = client.get(f"{url}?protege={aisha.pk}").content.decode()
    for words in (
        "offers Career planning, which Aisha Bello seeks (1 more sought topic not offered)",
        "different cadences: Ana Mentor prefers every two weeks, Aisha Bello monthly",
        "covers part of what Aisha Bello needs: Strategy (Communication not covered)",
        "not compared: Aisha Bello has not answered “Team”",
    ):
        assert words in page
    assert "which you seek" not in page and "you prefer" not in page
