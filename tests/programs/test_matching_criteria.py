"""A program's own choice questions as matching criteria (programs.matching.Criterion):
their fraction per rule, their weight beside the built-in ones, their reasons in
words, and one kernel for a pair, a ranking and a proposal. No database."""

import dataclasses
import random

import numpy as np
import pytest

from programs.matching import (
    Criterion,
    MentorProfile,
    ProtegeProfile,
    Reason,
    Weights,
    benchmark,
    exact,
    greedy,
    propose,
    random_criteria,
    random_profiles,
    rank,
    score,
)
from programs.matching_scores import feature_matrices, pair_scores, people_pair
from programs.models import MatchRule

TEAM = {1: "remote-first team", 2: "office", 3: "hybrid"}
NEEDS = {11: "negotiation", 12: "hiring", 13: "public speaking", 14: "budgets"}
ONLY_QUESTIONS = Weights(topics=1, methods=0, cadence=0, time_zone=0, load=0)  # topics: nobody has any


def criterion(rule, weight=10, question_id=7, label="Team", names=None):
    return Criterion(question_id, label, rule, weight, TEAM if names is None else names)


def ana(**answers):
    return MentorProfile(id=1, name="Ana", answers={int(q[1:]): frozenset(c) for q, c in answers.items()})


def sam(**answers):
    return ProtegeProfile(id=1, name="Sam", answers={int(q[1:]): frozenset(c) for q, c in answers.items()})


def reason(rule, mentor, protege, **kwargs):
    return score(mentor, protege, criteria=[criterion(rule, **kwargs)]).reasons[-1]


# Reasons, one rule at a time


def test_same_answer_reads_what_both_chose():
    assert reason(MatchRule.SAME, ana(q7={1}), sam(q7={1})) == "✓ both chose: remote-first team"
    assert (
        reason(MatchRule.SAME, ana(q7={1, 3}), sam(q7={3, 1})) == "✓ both chose: remote-first team and hybrid"
    )


def test_different_answers_name_each_side():
    assert (
        reason(MatchRule.SAME, ana(q7={2}), sam(q7={1}))
        == "✗ different answers to “Team”: Ana chose office, Sam remote-first team"
    )
    assert reason(MatchRule.SAME, ana(q7={1, 2}), sam(q7={1})).startswith("✗ different answers to “Team”")


def test_overlap_names_the_answers_in_common():
    assert reason(MatchRule.OVERLAP, ana(q7={1, 2}), sam(q7={2, 3})) == "✓ both chose: office"
    assert reason(MatchRule.OVERLAP, ana(q7={1}), sam(q7={2, 3})) == "✗ no answer in common to “Team”"


def test_covers_names_what_is_covered_and_counts_the_rest():
    rule = MatchRule.COVERS
    full = reason(rule, ana(q7={11, 12, 13}), sam(q7={11, 12}), names=NEEDS)
    assert full == "✓ covers what Sam needs: negotiation and hiring"
    half = reason(rule, ana(q7={11}), sam(q7={11, 14}), names=NEEDS)
    assert half == "✓ covers part of what Sam needs: negotiation (budgets not covered)"
    little = reason(rule, ana(q7={11}), sam(q7={11, 12, 14}), names=NEEDS)
    assert little == "✗ covers less than half of what Sam needs: negotiation (hiring and budgets not covered)"
    assert reason(rule, ana(q7={13}), sam(q7={11}), names=NEEDS) == "✗ no answer in common to “Team”"


@pytest.mark.parametrize("rule", MatchRule.values)
def test_an_unanswered_question_says_who_has_not_answered_without_a_mark(rule):
    assert reason(rule, ana(), sam(q7={1})) == "not compared: Ana has not answered “Team”"
    assert reason(rule, ana(q7={1}), sam()) == "not compared: Sam has not answered “Team”"
    assert reason(rule, ana(q7=set()), sam(q8={1})) == "not compared: Ana and Sam have not answered “Team”"
    assert Reason.of(reason(rule, ana(), sam(q7={1}))).fits is None


def test_a_choice_the_question_does_not_name_still_reads():
    assert reason(MatchRule.SAME, ana(q7={99}), sam(q7={99}), names={}) == "✓ both chose: choice 99"


def test_question_reasons_follow_the_built_in_ones_in_the_criteria_order_with_marks():
    criteria = [criterion(MatchRule.SAME, question_id=8, label="B"), criterion(MatchRule.OVERLAP, label="A")]
    reasons = score(ana(q7={1}, q8={1}), sam(q7={2}, q8={1}), criteria=criteria).reasons
    assert len(reasons) == 7
    assert reasons[5:] == ["✓ both chose: remote-first team", "✗ no answer in common to “A”"]
    assert [Reason.of(line).fits for line in reasons[5:]] == [True, False]


# Scores


def test_a_hand_built_pair_scores_the_weighted_mean_of_every_criterion():
    weights = Weights(topics=45, methods=15, cadence=10, time_zone=20, load=10)
    criteria = [
        criterion(MatchRule.SAME, weight=20, question_id=1),
        criterion(MatchRule.OVERLAP, weight=15, question_id=2),
        criterion(MatchRule.COVERS, weight=30, question_id=3, names=NEEDS),
    ]
    mentor = MentorProfile(
        id=1, name="Ana", topics=frozenset({1, 2}), methods=frozenset({"video"}), cadence="weekly",
        utc_offset_hours=0, capacity=4, load=1,
        answers={1: frozenset({1}), 2: frozenset({2}), 3: frozenset({11, 12})},
    )  # fmt: skip
    protege = ProtegeProfile(
        id=1, name="Sam", topics=frozenset({1, 3, 4}), methods=frozenset({"phone"}), cadence="monthly",
        utc_offset_hours=2, answers={1: frozenset({1}), 2: frozenset({1, 3}), 3: frozenset({11, 13, 14})},
    )  # fmt: skip
    # topics 1/3, no method, cadence weekly vs monthly (far apart: 0), 6 of 8 hours, 3 of 4 places
    # free; same 1, overlap 0, covers 1/3.
    built_in = 45 / 3 + 0 + 0 + 20 * 6 / 8 + 10 * 3 / 4
    questions = 20 * 1 + 15 * 0 + 30 / 3
    expected = round(100 * (built_in + questions) / (100 + 65))
    assert score(mentor, protege, weights, criteria=criteria).score == expected == 41


def test_a_criterion_alone_scores_its_fraction():
    def alone(rule, mentor, protege):
        return score(mentor, protege, ONLY_QUESTIONS, criteria=[criterion(rule, weight=1e6)]).score

    assert alone(MatchRule.SAME, ana(q7={1}), sam(q7={1})) == 100
    assert alone(MatchRule.SAME, ana(q7={1, 2}), sam(q7={1})) == 0
    assert alone(MatchRule.OVERLAP, ana(q7={1, 2}), sam(q7={2, 3})) == 100
    assert alone(MatchRule.COVERS, ana(q7={1, 2}), sam(q7={1, 2, 3})) == 67
    assert alone(MatchRule.COVERS, ana(q7={1, 2}), sam()) == 0
    assert alone(MatchRule.OVERLAP, ana(), sam(q7={1})) == 0


def test_criteria_change_the_ranking():
    alike = MentorProfile(id=2, name="Alike", answers={7: frozenset({1})})
    other = MentorProfile(id=1, name="Other", answers={7: frozenset({2})})
    ranked = rank(sam(q7={1}), [other, alike], criteria=[criterion(MatchRule.SAME, weight=50)])
    assert [s.mentor_id for s in ranked] == [2, 1]
    assert [s.mentor_id for s in rank(sam(q7={1}), [other, alike])] == [1, 2]  # a tie without them


def test_feature_matrices_give_the_kernels_scores_with_criteria():
    criteria = random_criteria(5)
    proteges, mentors = random_profiles(120, 70, seed=4, criteria=criteria)
    mentors = [m for m in mentors if m.free_places]
    people = people_pair(proteges, mentors, criteria)
    rows, columns = feature_matrices(*people, Weights(), criteria)
    exact_scores = pair_scores(
        *people, np.arange(len(proteges))[:, None], np.arange(len(mentors)), Weights(), criteria
    )
    approximate = rows.astype(np.float64) @ columns.astype(np.float64)
    assert np.all(np.abs(approximate - exact_scores) <= 0.5 + 1e-3)


@pytest.mark.parametrize("seed", range(6))
def test_proposal_with_criteria_is_the_dense_optimum_and_keeps_every_score(seed):
    criteria = random_criteria(3 + seed % 2)
    proteges, mentors = random_profiles(60 + 10 * seed, 30, seed=seed, criteria=criteria)
    best = propose(proteges, mentors, min_score=35, criteria=criteria)
    assert best.total_score == exact(proteges, mentors, min_score=35, criteria=criteria).total_score
    assert best.total_score >= greedy(proteges, mentors, min_score=35, criteria=criteria).total_score
    by_id = {m.id: m for m in mentors}
    protege_of = {p.id: p for p in proteges}
    for pair in best.pairs:
        assert pair == score(by_id[pair.mentor_id], protege_of[pair.protege_id], criteria=criteria)


def test_proposal_with_criteria_is_deterministic_whatever_the_input_order():
    criteria = random_criteria(3)
    proteges, mentors = random_profiles(50, 20, seed=9, criteria=criteria)
    first = propose(proteges, mentors, min_score=30, criteria=criteria)
    shuffle = random.Random(2)
    again = propose(shuffle.sample(proteges, len(proteges)), shuffle.sample(mentors, len(mentors)),
                    min_score=30, criteria=criteria)  # fmt: skip
    assert again == first


def test_random_programs_keep_their_people_whatever_the_criteria():
    plain = random_profiles(20, 10, seed=3)
    asked = random_profiles(20, 10, seed=3, criteria=random_criteria(3))
    for before, after in zip([*plain[0], *plain[1]], [*asked[0], *asked[1]], strict=True):
        assert dataclasses.replace(after, answers={}) == before
    assert any(p.answers for p in asked[0]) and any(m.answers for m in asked[1])


# Bad criteria


@pytest.mark.parametrize("weight", [0, -1, True, float("inf"), float("nan"), "5"])
def test_a_criterion_weighs_a_positive_number(weight):
    with pytest.raises(ValueError):
        Criterion(1, "Team", MatchRule.SAME, weight)


def test_a_criterion_has_a_known_rule_and_counts_once():
    with pytest.raises(ValueError):
        Criterion(1, "Team", "closest", 10)
    with pytest.raises(ValueError):
        score(ana(), sam(), criteria=[criterion(MatchRule.SAME), criterion(MatchRule.OVERLAP)])


def test_a_question_with_too_many_choices_to_pack_is_refused():
    names = {c: f"c{c}" for c in range(63)}
    with pytest.raises(ValueError):
        score(ana(q7={1}), sam(q7={1}), criteria=[criterion(MatchRule.SAME, names=names)])


def test_benchmark_runs_with_criteria():
    figures = benchmark(n_proteges=200, n_mentors=50, seed=2, criteria=3)
    assert figures["seconds"] > 0
    assert figures["total_score"] >= figures["greedy_score"] > 0
