"""Proposals by candidate pairs and a min-cost flow (programs.assignment): they keep the
dense optimum, the rules of a proposal, and their way when a crowd wants the same few
mentors. Matching is pure Python: these tests need no database."""

from collections import Counter

import numpy as np
import pytest

from programs import assignment, matching
from programs.matching import MentorProfile, ProtegeProfile, exact, propose, random_profiles, score
from programs.matching_scores import feature_matrices, people_pair, score_grid


def assert_keeps_the_rules(proposal, proteges, mentors, min_score):
    """Each protégé at most once, each mentor within their free places, every pair at least
    `min_score`, and each pair's score the one `score` shows for it."""
    mentor_of = {m.id: m for m in mentors}
    protege_of = {p.id: p for p in proteges}
    matched = [pair.protege_id for pair in proposal.pairs]
    assert matched == sorted(set(matched))
    assert sorted(matched + proposal.unmatched) == sorted(protege_of)
    taken = Counter(pair.mentor_id for pair in proposal.pairs)
    assert all(count <= mentor_of[m].free_places for m, count in taken.items())
    assert all(pair.score >= min_score for pair in proposal.pairs)
    assert all(
        pair == score(mentor_of[pair.mentor_id], protege_of[pair.protege_id]) for pair in proposal.pairs
    )
    assert proposal.total_score == sum(pair.score for pair in proposal.pairs)


@pytest.mark.parametrize(
    ("n_proteges", "n_mentors", "min_score"),
    [(300, 60, 40), (300, 60, 0), (500, 150, 40), (200, 100, 50), (150, 200, 30)],
)
@pytest.mark.parametrize("seed", range(3))
def test_proposal_reaches_the_dense_optimum_with_more_mentors_than_candidates(
    n_proteges, n_mentors, min_score, seed
):
    proteges, mentors = random_profiles(n_proteges, n_mentors, seed=seed)
    assert n_mentors > matching.CANDIDATES_PER_PROTEGE
    proposal = propose(proteges, mentors, min_score=min_score)
    assert proposal.total_score == exact(proteges, mentors, min_score=min_score).total_score
    assert_keeps_the_rules(proposal, proteges, mentors, min_score)


def test_flow_over_every_pair_is_the_dense_optimum(monkeypatch):
    monkeypatch.setattr(matching, "CANDIDATES_PER_PROTEGE", 10_000)
    proteges, mentors = random_profiles(120, 40, seed=5)
    proposal = propose(proteges, mentors, min_score=35)
    assert proposal.total_score == exact(proteges, mentors, min_score=35).total_score
    assert_keeps_the_rules(proposal, proteges, mentors, 35)


def crowd(n_proteges: int, n_stars: int, n_plain: int, plain_capacity: int):
    """Identical protégés who all score the star mentors 100 and the plain ones less."""
    video = frozenset({"video"})
    proteges = [
        ProtegeProfile(id=i, name=f"P{i}", topics=frozenset({1, 2}), methods=video)
        for i in range(1, n_proteges + 1)
    ]
    stars = [
        MentorProfile(id=i, name=f"Star {i}", topics=frozenset({1, 2}), methods=video)
        for i in range(1, n_stars + 1)
    ]
    plain = [
        MentorProfile(
            id=100 + i, name=f"Plain {i}", topics=frozenset({2}), methods=video, capacity=plain_capacity
        )
        for i in range(1, n_plain + 1)
    ]
    return proteges, stars + plain


@pytest.mark.parametrize(("per_protege", "per_place"), [(3, 1), (3, 10), (20, 10)])
def test_a_crowd_wanting_the_same_few_mentors_still_fills_the_other_places(
    monkeypatch, per_protege, per_place
):
    # Every protégé's candidates are the same first stars and every plain mentor's the same
    # first protégés (ties go by id), yet every place is reachable in the end.
    monkeypatch.setattr(matching, "CANDIDATES_PER_PROTEGE", per_protege)
    monkeypatch.setattr(matching, "CANDIDATES_PER_PLACE", per_place)
    proteges, mentors = crowd(n_proteges=60, n_stars=25, n_plain=30, plain_capacity=2)
    proposal = propose(proteges, mentors, min_score=40)
    assert proposal.unmatched == []
    assert Counter(pair.score for pair in proposal.pairs)[100] == 25
    assert proposal.total_score == exact(proteges, mentors, min_score=40).total_score
    assert_keeps_the_rules(proposal, proteges, mentors, 40)


@pytest.mark.parametrize("seed", range(4))
def test_no_protege_waits_while_a_mentor_who_would_take_them_has_a_place(monkeypatch, seed):
    monkeypatch.setattr(matching, "CANDIDATES_PER_PROTEGE", 2)
    monkeypatch.setattr(matching, "CANDIDATES_PER_PLACE", 1)
    proteges, mentors = random_profiles(150, 120, seed=seed)  # more places than protégés
    proposal = propose(proteges, mentors, min_score=65)
    assert_keeps_the_rules(proposal, proteges, mentors, 65)
    taken = Counter(pair.mentor_id for pair in proposal.pairs)
    open_mentors = [m for m in mentors if m.free_places > taken[m.id]]
    waiting = [p for p in proteges if p.id in set(proposal.unmatched)]
    assert open_mentors and waiting
    assert all(score(m, p).score < 65 for p in waiting for m in open_mentors)


def test_blocks_of_any_size_give_the_same_proposal(monkeypatch):
    proteges, mentors = random_profiles(400, 90, seed=2)
    whole = propose(proteges, mentors, min_score=40)
    monkeypatch.setattr(assignment, "BLOCK_CELLS", 500)  # a few rows at a time
    assert propose(proteges, mentors, min_score=40) == whole


def test_proposal_with_every_pair_below_min_score_leaves_everyone_unmatched():
    proteges, mentors = random_profiles(50, 40, seed=3)
    proposal = propose(proteges, mentors, min_score=100)
    assert proposal == exact(proteges, mentors, min_score=100)
    assert_keeps_the_rules(proposal, proteges, mentors, 100)


def test_approximate_scores_that_find_candidates_stay_within_a_point_of_the_scores():
    proteges, mentors = random_profiles(200, 150, seed=4)
    people = people_pair(proteges, mentors)
    protege_side, mentor_side = feature_matrices(*people, matching.Weights(topics=7, load=3))
    approximate = np.rint(np.clip(protege_side @ mentor_side, 0, 100))
    exact_scores = score_grid(*people, matching.Weights(topics=7, load=3))
    assert np.abs(approximate - exact_scores).max() <= 1
    assert (approximate == exact_scores).mean() > 0.999


def test_candidates_are_each_rows_best_columns_ties_by_column():
    values = np.array([[5, 9, 9, 1, 7], [0, 0, 0, 0, 0], [3, 8, 2, 8, 6]], dtype=np.float32)
    rows, columns = assignment.candidates_per_row(values, np.eye(5, dtype=np.float32), 2, floor=1)
    assert list(zip(rows.tolist(), columns.tolist(), strict=True)) == [(0, 1), (0, 2), (2, 1), (2, 3)]


def test_large_benchmark_compares_propose_with_the_dense_optimum():
    from bench.matching_large import optimum_share

    figures = optimum_share(n_proteges=300, n_mentors=60)
    assert figures["optimum_share"] == figures["total_score"] / figures["exact_score"] == 1
