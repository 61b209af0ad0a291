"""Matching is pure Python: these tests need no database."""

import datetime
import math
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from programs.matching import (
    MentorProfile,
    ProtegeProfile,
    Reason,
    Weights,
    benchmark,
    greedy,
    overlap_hours,
    propose,
    random_profiles,
    rank,
    score,
    utc_offset_hours,
)
from programs.models import Cadence, Method

TOPICS = {1: "negotiation", 2: "conflict management", 3: "public speaking", 4: "hiring"}
TOPICS_ONLY = Weights(topics=1, methods=0, cadence=0, time_zone=0, load=0)


def mentor(id=1, name="Ana", topics=(1, 2), **kwargs) -> MentorProfile:
    kwargs.setdefault("methods", frozenset({"video"}))
    kwargs.setdefault("cadence", "every_two_weeks")
    return MentorProfile(
        id=id,
        name=name,
        topics=frozenset(topics),
        topic_names={t: TOPICS[t] for t in topics},
        **kwargs,
    )


def protege(id=1, name="Sam", topics=(1, 2), **kwargs) -> ProtegeProfile:
    kwargs.setdefault("methods", frozenset({"video"}))
    kwargs.setdefault("cadence", "every_two_weeks")
    return ProtegeProfile(id=id, name=name, topics=frozenset(topics), **kwargs)


# Reasons, one criterion at a time


def test_shared_topics_are_named_in_the_reasons():
    reasons = score(mentor(topics=(1, 2, 3)), protege(topics=(1, 2))).reasons
    assert "✓ offers conflict management and negotiation, which Sam seeks" in reasons


def test_sought_topics_the_mentor_does_not_offer_are_counted():
    reasons = score(mentor(topics=(1,)), protege(topics=(1, 3, 4))).reasons
    assert (
        "✗ offers less than half of what Sam seeks: negotiation (2 more sought topics not offered)" in reasons
    )


def test_no_shared_topic_is_said_plainly():
    assert "✗ no topics in common" in score(mentor(topics=(1,)), protege(topics=(3,))).reasons


def test_protege_without_topics_is_told_to_choose_some():
    assert "✗ Sam has not chosen topics to work on" in score(mentor(), protege(topics=())).reasons


def test_shared_methods_are_named():
    both = frozenset({"video", "phone"})
    assert "✓ both prefer phone or video" in score(mentor(methods=both), protege(methods=both)).reasons


def test_no_shared_method_names_each_preference():
    pair = mentor(methods=frozenset({"phone"})), protege(methods=frozenset({"chat", "in_person"}))
    assert "✗ no shared way to meet: Ana prefers phone, Sam in person or chat" in score(*pair).reasons


def test_no_method_preference_counts_as_any_method():
    weights = Weights(topics=0, methods=1, cadence=0, time_zone=0, load=0)
    result = score(mentor(methods=frozenset()), protege(methods=frozenset({"chat"})), weights)
    assert result.score == 100
    assert "✓ Ana has no preferred way to meet" in result.reasons


def test_same_cadence_is_a_reason():
    assert "✓ both prefer to meet every two weeks" in score(mentor(), protege()).reasons


def test_cadences_are_compared_by_how_often_people_meet():
    weights = Weights(topics=0, methods=0, cadence=1, time_zone=0, load=0)
    close = score(mentor(cadence="twice_a_month"), protege(cadence="every_two_weeks"), weights)
    half = score(mentor(cadence="weekly"), protege(cadence="every_two_weeks"), weights)
    far = score(mentor(cadence="weekly"), protege(cadence="monthly"), weights)
    every_few = score(mentor(cadence="weekly"), protege(cadence="every_n_weeks"), weights)
    assert close.score > half.score == 50 > every_few.score > far.score == 0
    assert "✓ similar cadences: Ana prefers twice a month, Sam every two weeks" in close.reasons
    assert "✗ far apart cadences: Ana prefers weekly, Sam monthly" in far.reasons
    # A preference for "every N weeks" has no N: it counts as every 3 weeks (programs.rhythms).
    assert every_few.score == round(100 * (1 - math.log2(3) / 2))
    assert "✗ different cadences: Ana prefers weekly, Sam every few weeks" in every_few.reasons


def test_working_day_overlap_is_given_in_hours():
    reasons = score(mentor(utc_offset_hours=0), protege(utc_offset_hours=5)).reasons
    assert "✗ 3 hours of working-day overlap" in reasons
    far = score(mentor(utc_offset_hours=-5), protege(utc_offset_hours=5)).reasons
    assert "✗ no working-day overlap" in far


def test_each_reason_is_marked_as_a_fit_or_not_and_splits_into_mark_and_words():
    """The board shows each reason as a pass or fail mark with its words: the pair
    fits on a criterion when it counts at least half its weight (a free place is a fit)."""
    half_the_topics = score(mentor(topics=(1,)), protege(topics=(1, 3))).reasons
    assert "✓ offers negotiation, which Sam seeks (1 more sought topic not offered)" in half_the_topics
    assert "✓ 4 hours of working-day overlap" in score(mentor(), protege(utc_offset_hours=4)).reasons
    assert Reason.of("✗ no topics in common") == Reason(False, "no topics in common")
    assert Reason.of("✓ both prefer video") == Reason(True, "both prefer video")
    # A reason stored before reasons had marks has none.
    assert Reason.of("both prefer video") == Reason(None, "both prefer video")
    assert all(Reason.of(line).fits is not None for line in score(mentor(), protege()).reasons)


def test_overlap_hours_wrap_round_the_date_line_and_allow_half_hours():
    assert overlap_hours(0, 0) == 8
    assert overlap_hours(-10, 13) == 7  # 23 hours apart is one hour apart
    assert overlap_hours(0, 5.5) == 2.5
    assert overlap_hours(-5, 5) == 0


def test_utc_offset_follows_the_users_time_zone_on_the_day():
    winter = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC)
    assert utc_offset_hours("Asia/Kolkata", winter) == 5.5
    assert utc_offset_hours("America/New_York", winter) == -5
    assert utc_offset_hours("America/New_York", summer) == -4
    assert utc_offset_hours("UTC", winter) == 0


def test_free_places_are_reported():
    assert "✓ has 1 of 2 places free" in score(mentor(capacity=2, load=1), protege()).reasons
    assert "✗ has no place free" in score(mentor(capacity=2, load=2), protege()).reasons


# Scores


def test_perfect_pair_scores_100_and_opposite_pair_scores_0():
    assert score(mentor(), protege()).score == 100
    opposite = score(
        mentor(topics=(1,), methods=frozenset({"phone"}), cadence="weekly", utc_offset_hours=-5, load=1),
        protege(topics=(3,), methods=frozenset({"chat"}), cadence="monthly", utc_offset_hours=5),
    )
    assert opposite.score == 0


def test_scores_stay_between_0_and_100_whatever_the_weights():
    proteges, mentors = random_profiles(30, 20, seed=7)
    rng = random.Random(7)
    for _ in range(20):
        weights = Weights(*(rng.choice([0, 0.5, 1, 7, 300]) for _ in range(4)), load=1)
        for p in proteges:
            assert all(0 <= s.score <= 100 for s in rank(p, mentors, weights))


def test_score_is_deterministic_and_matches_the_ranking():
    proteges, mentors = random_profiles(5, 40, seed=3)
    ranked = {s.mentor_id: s for s in rank(proteges[0], mentors)}
    for m in mentors:
        once, again = score(m, proteges[0]), score(m, proteges[0])
        assert once == again
        if m.free_places:
            assert ranked[m.id] == once


# Weights


def test_weights_change_the_ranking():
    near = mentor(id=1, name="Near", topics=(3,), utc_offset_hours=0)
    expert = mentor(id=2, name="Expert", topics=(1, 2), utc_offset_hours=-8)
    sam = protege(utc_offset_hours=1)
    by_topic = rank(sam, [near, expert], Weights(topics=80, methods=0, cadence=0, time_zone=20, load=0))
    by_zone = rank(sam, [near, expert], Weights(topics=20, methods=0, cadence=0, time_zone=80, load=0))
    assert [s.mentor_id for s in by_topic] == [2, 1]
    assert [s.mentor_id for s in by_zone] == [1, 2]


def test_default_weights_sum_to_100_and_round_trip_through_json():
    assert sum(Weights().to_dict().values()) == 100
    custom = Weights(topics=60, methods=10, cadence=5, time_zone=20, load=5)
    assert Weights.from_dict(custom.to_dict()) == custom


def test_stored_weights_may_leave_out_criteria_but_not_invent_them():
    assert Weights.from_dict({"topics": 70}) == Weights(topics=70)
    with pytest.raises(ValueError, match="Unknown matching criteria: seniority"):
        Weights.from_dict({"seniority": 5})


@pytest.mark.parametrize("bad", [{"topics": -1}, {"load": "10"}, {"cadence": True}, {"topics": float("nan")}])
def test_weights_must_be_non_negative_numbers(bad):
    with pytest.raises(ValueError):
        Weights.from_dict(bad)


def test_weights_cannot_all_be_zero():
    with pytest.raises(ValueError):
        Weights(topics=0, methods=0, cadence=0, time_zone=0, load=0)


# Ranking


def test_full_mentor_is_not_suggested():
    full = mentor(id=1, capacity=2, load=2)
    free = mentor(id=2, topics=(3,), capacity=2, load=1)
    assert [s.mentor_id for s in rank(protege(), [full, free])] == [2]


def test_ranking_breaks_ties_by_mentor_id():
    twins = [mentor(id=i, name=f"Twin {i}") for i in (5, 3, 9)]
    assert [s.mentor_id for s in rank(protege(), twins)] == [3, 5, 9]


# Proposals


def test_proposal_respects_capacity_and_existing_load():
    proteges = [protege(id=i, name=f"P{i}") for i in range(1, 7)]
    mentors = [mentor(id=1, capacity=3, load=1), mentor(id=2, capacity=2, load=2), mentor(id=3, capacity=1)]
    result = propose(proteges, mentors)
    per_mentor = {m.id: sum(pair.mentor_id == m.id for pair in result.pairs) for m in mentors}
    assert per_mentor == {1: 2, 2: 0, 3: 1}
    assert len(result.unmatched) == 3
    assert sorted([p.protege_id for p in result.pairs] + result.unmatched) == list(range(1, 7))


def test_proposal_leaves_proteges_below_min_score_unmatched():
    ana = mentor(id=1, topics=(1, 2), capacity=5)
    good, poor = protege(id=1, topics=(1, 2)), protege(id=2, topics=(3, 4), methods=frozenset({"chat"}))
    assert score(ana, poor).score < 50 <= score(ana, good).score
    result = propose([good, poor], [ana], Weights(), min_score=50)
    assert [(p.protege_id, p.mentor_id) for p in result.pairs] == [(1, 1)]
    assert result.unmatched == [2]
    assert all(pair.score >= 50 for pair in result.pairs)


def test_proposal_pairs_carry_the_pairs_score_and_reasons():
    result = propose([protege()], [mentor()])
    assert result.pairs == [score(mentor(), protege())]
    assert result.total_score == 100


def test_proposal_with_nobody_to_match():
    assert propose([], [mentor()]).pairs == []
    assert propose([protege(id=4)], []).unmatched == [4]
    assert propose([protege(id=4)], [mentor(load=1)]).unmatched == [4]


def test_proposal_beats_greedy_where_the_best_pair_first_is_a_trap():
    # Greedy gives Ana to Xia (100) and leaves Yun nothing above zero; swapping is better.
    ana, ben = mentor(id=1, name="Ana", topics=(1, 2, 3)), mentor(id=2, name="Ben", topics=(1,))
    xia, yun = protege(id=1, name="Xia", topics=(1, 2)), protege(id=2, name="Yun", topics=(2, 3, 4))
    best = propose([xia, yun], [ana, ben], TOPICS_ONLY, min_score=1)
    baseline = greedy([xia, yun], [ana, ben], TOPICS_ONLY, min_score=1)
    assert [(p.protege_id, p.mentor_id) for p in baseline.pairs] == [(1, 1)]
    assert [(p.protege_id, p.mentor_id) for p in best.pairs] == [(1, 2), (2, 1)]
    assert best.total_score == 50 + 67 > baseline.total_score == 100


@pytest.mark.parametrize("seed", range(8))
def test_proposal_is_never_worse_than_greedy_on_random_programs(seed):
    proteges, mentors = random_profiles(80, 25, seed=seed)
    assert (
        propose(proteges, mentors, min_score=40).total_score
        >= greedy(proteges, mentors, min_score=40).total_score
    )


@pytest.mark.parametrize("seed", range(4))
def test_proposal_total_is_the_linear_programming_optimum(seed):
    # The bipartite capacity LP has whole-number optima, so it is an independent check of optimality.
    proteges, mentors = random_profiles(40, 12, seed=seed)
    result = propose(proteges, mentors, min_score=30)
    pairs = [(i, j) for i, p in enumerate(proteges) for j, m in enumerate(mentors) if m.free_places]
    values = np.array([score(mentors[j], proteges[i]).score for i, j in pairs], dtype=float)
    values[values < 30] = 0
    rows = np.zeros((len(proteges) + len(mentors), len(pairs)))
    for k, (i, j) in enumerate(pairs):
        rows[i, k] = rows[len(proteges) + j, k] = 1
    limits = [1] * len(proteges) + [m.free_places for m in mentors]
    optimum = linprog(-values, A_ub=rows, b_ub=limits, bounds=(0, 1), method="highs")
    assert result.total_score == round(-optimum.fun)


def test_proposal_is_deterministic_whatever_the_input_order():
    proteges, mentors = random_profiles(60, 20, seed=11)
    first = propose(proteges, mentors, min_score=35)
    shuffled = random.Random(1)
    proteges, mentors = shuffled.sample(proteges, len(proteges)), shuffled.sample(mentors, len(mentors))
    assert propose(proteges, mentors, min_score=35) == first


# Fit with the rest of the app


def test_every_method_and_cadence_of_the_models_is_understood():
    from programs.matching import CADENCE_WORDS, MEETINGS_PER_MONTH, METHOD_WORDS

    assert set(METHOD_WORDS) == set(Method.values)
    assert set(CADENCE_WORDS) == set(MEETINGS_PER_MONTH) == set(Cadence.values)


def test_benchmark_reports_time_and_both_totals():
    figures = benchmark(n_proteges=200, n_mentors=50, seed=2)
    assert figures["seconds"] > 0
    assert figures["total_score"] >= figures["greedy_score"] > 0
