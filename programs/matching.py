"""Suggesting mentors for protégés, and proposing a whole program's matches.

Plain Python, numpy, scipy and OR-Tools: no queries. Callers turn participants into
`MentorProfile` and `ProtegeProfile` and get back plain `Suggestion` and `Proposal` values.

Every criterion, built-in (`Weights`) or a program's own choice question
(`Criterion`), gives a fraction between 0 and 1 for a pair; the score is the
weighted mean of those fractions, times 100, rounded. One kernel
(`matching_scores.pair_scores`) computes it for one pair, a ranking or a whole
program, so a score shown for a pair is always the score the proposal optimised.
"""

import dataclasses
import datetime
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from mentoring.time_zones import zone_named

from . import assignment

# The reasons' words and marks live in matching_reasons; callers read them here too.
from .matching_reasons import CADENCE_WORDS, FITS, MISSES, Reason, reasons  # noqa: F401
from .matching_scores import (
    MEETINGS_PER_MONTH,
    METHOD_WORDS,
    feature_matrices,
    overlap_hours,  # noqa: F401 (re-exported)
    pair_scores,
    people_pair,
    score_grid,
)
from .models import MatchRule

# Candidates for `propose`: each protégé's best mentors, and for a mentor whom fewer
# protégés chose, their own best protégés per free place. Chosen by measurement
# (bench/matching_large.py): more of either adds time and no score worth having.
CANDIDATES_PER_PROTEGE = 20
CANDIDATES_PER_PLACE = 10


@dataclass(frozen=True)
class MentorProfile:
    """A mentor as matching sees them. Empty `methods` or `cadence` means no preference;
    methods outside `METHOD_WORDS` and cadences outside `CADENCE_WORDS` are ignored."""

    id: int
    name: str
    topics: frozenset[int] = frozenset()
    topic_names: Mapping[int, str] = field(default_factory=dict)  # names of the offered topics
    methods: frozenset[str] = frozenset()
    cadence: str = ""
    utc_offset_hours: float = 0.0
    capacity: int = 1
    load: int = 0  # current partnerships (proposed or active)
    answers: Mapping[int, frozenset[int]] = field(default_factory=dict)  # question id → choice ids

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class ProtegeProfile:
    """A protégé as matching sees them, on the same terms as `MentorProfile`."""

    id: int
    name: str
    topics: frozenset[int] = frozenset()
    methods: frozenset[str] = frozenset()
    cadence: str = ""
    utc_offset_hours: float = 0.0
    answers: Mapping[int, frozenset[int]] = field(default_factory=dict)  # question id → choice ids


@dataclass(frozen=True)
class Criterion:
    """A program's choice question that counts in matching (`programs.models.Question`
    with a weight and a rule): its id, a short `label` for the reasons (the question's
    text), the `rule` (a `MatchRule` value), its `weight` beside those of `Weights`
    (positive; only ratios matter) and the labels of its choices by id, in the
    question's order. A person's answer is `answers[question_id]` in their profile;
    none, or no choice, scores 0 and its reason, unmarked, says who has not answered."""

    question_id: int
    label: str
    rule: str
    weight: float
    choice_names: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rule not in MatchRule.values:
            raise ValueError(f"Unknown matching rule: {self.rule!r}")
        w = self.weight
        if isinstance(w, bool) or not isinstance(w, int | float) or not 0 < w < math.inf:
            raise ValueError(f"A question's weight must be a positive number: {w!r}")


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts. Non-negative, not all zero; only their ratios matter."""

    topics: float = 45  # share of the protégé's sought topics the mentor offers
    methods: float = 15  # at least one communication method in common
    cadence: float = 10  # how close the preferred meeting rates are
    time_zone: float = 20  # hours of working-day overlap, out of 8
    load: float = 10  # share of the mentor's places still free

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(
            isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v < math.inf for v in values
        ):
            raise ValueError(f"Weights must be non-negative numbers: {values}")
        if sum(values) <= 0:
            raise ValueError("At least one weight must be above zero.")

    @classmethod
    def from_dict(cls, data: Mapping[str, float]) -> "Weights":
        """Weights from stored JSON; missing criteria keep their default, unknown ones are an error."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"Unknown matching criteria: {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Suggestion:
    """One mentor for one protégé: a 0–100 score and the reasons for it in plain
    words, one a criterion, each led by its mark (`Reason.of`)."""

    protege_id: int
    mentor_id: int
    score: int
    reasons: list[str]


@dataclass(frozen=True)
class Proposal:
    """Pairs sorted by protégé id, the protégés left unmatched (sorted), and the pairs' total score."""

    pairs: list[Suggestion]
    unmatched: list[int]
    total_score: int


def utc_offset_hours(time_zone: str, at: datetime.datetime | None = None) -> float:
    """The UTC offset of an IANA time zone (a `User.time_zone`) at the aware datetime `at`
    (default: now), in hours; what callers put in a profile's `utc_offset_hours`."""
    at = at or datetime.datetime.now(datetime.UTC)
    offset = at.astimezone(zone_named(time_zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def score(
    mentor: MentorProfile,
    protege: ProtegeProfile,
    weights: Weights = Weights(),
    *,
    criteria: Sequence[Criterion] = (),
    second_person: bool = False,
) -> Suggestion:
    """Score one pair, with every criterion's reason, the program's `criteria` after the
    built-in ones; ``second_person``: the reasons speak to the protégé as "you" (their
    own page), else they name both (the board, a stored match). Deterministic; a full
    mentor scores nothing for load and says so."""
    criteria = _checked(criteria)
    value = int(_score_matrix([protege], [mentor], weights, criteria)[0, 0])
    words = reasons(mentor, protege, criteria, second_person=second_person)
    return Suggestion(protege.id, mentor.id, value, words)


def rank(
    protege: ProtegeProfile,
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    *,
    criteria: Sequence[Criterion] = (),
    second_person: bool = False,
) -> list[Suggestion]:
    """Every mentor with a free place, best score first, ties broken by mentor id; the
    reasons speak to the protégé as "you" with ``second_person`` (as `score`)."""
    criteria = _checked(criteria)
    available = [m for m in mentors if m.free_places > 0]
    if not available:
        return []
    scores = _score_matrix([protege], available, weights, criteria)[0]
    order = sorted(range(len(available)), key=lambda j: (-scores[j], available[j].id))
    return [
        Suggestion(
            protege.id,
            available[j].id,
            int(scores[j]),
            reasons(available[j], protege, criteria, second_person=second_person),
        )
        for j in order
    ]


def propose(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
    *,
    criteria: Sequence[Criterion] = (),
) -> Proposal:
    """The matching with the highest total score in which each protégé has at most one
    mentor, each mentor at most their free places, and every pair scores at least
    `min_score`; a protégé with no such mentor is left unmatched rather than badly matched.

    Solved as a min-cost flow over candidate pairs (`assignment.best_assignment`): each
    protégé's CANDIDATES_PER_PROTEGE best mentors and each little-wanted mentor's best
    protégés, found block by block so the full score matrix never exists, and widened
    until no protégé is left out while a mentor with a place left would take them. One
    code path for every size: exact whenever at most CANDIDATES_PER_PROTEGE mentors have
    a place, and measured at 99.999% of the dense optimum (`exact`) on 5,000 protégés ×
    1,000 mentors in a third of its time; 20,000 × 5,000 take about 2 s on a quiet
    machine and 250 MB in all (bench/matching_large.py), where the dense solve would
    need 2 GB for its cost matrix alone. The load criterion
    uses each mentor's load before this proposal. Deterministic: the order of the inputs
    does not matter; that of `criteria` orders their reasons.
    """
    criteria = _checked(criteria)
    proteges, mentors = _by_id(proteges), _by_id(mentors)
    available = [m for m in mentors if m.free_places > 0]
    places = np.array([m.free_places for m in available], dtype=np.int64)
    people = people_pair(proteges, available, criteria)
    p, m, values = assignment.best_assignment(
        *feature_matrices(*people, weights, criteria),
        places,
        value_of=lambda p, m: pair_scores(*people, p, m, weights, criteria),
        min_value=min_score,
        floor=min_score - 0.5 - 1e-3,  # float32 error aside, the least that rounds to min_score
        per_row=CANDIDATES_PER_PROTEGE,
        per_place=CANDIDATES_PER_PLACE,
    )
    return _proposal(proteges, available, p, m, values, criteria)


def exact(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
    *,
    criteria: Sequence[Criterion] = (),
) -> Proposal:
    """The same optimum as `propose`, solved over every pair at once (`assignment.exact_assignment`):
    the yardstick for `propose`'s candidates, for programs small enough to score in full."""
    criteria = _checked(criteria)
    proteges, mentors, scores, eligible = _prepare(proteges, mentors, weights, min_score, criteria)
    places = np.array([m.free_places for m in mentors], dtype=np.int64)
    chosen = np.array(assignment.exact_assignment(scores, eligible, places), dtype=np.int64).reshape(-1, 2)
    p, m = chosen[:, 0], chosen[:, 1]
    return _proposal(proteges, mentors, p, m, scores[p, m], criteria)


def greedy(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
    *,
    criteria: Sequence[Criterion] = (),
) -> Proposal:
    """Best pair first: take the highest-scoring eligible pair whose protégé is unmatched
    and whose mentor has a place, and repeat. Same rules as `propose`, but not optimal;
    kept as the benchmark's baseline."""
    criteria = _checked(criteria)
    proteges, mentors, scores, eligible = _prepare(proteges, mentors, weights, min_score, criteria)
    places = [m.free_places for m in mentors]
    p_idx, m_idx = np.nonzero(eligible)
    order = np.lexsort((m_idx, p_idx, -scores[p_idx, m_idx]))
    placed = [False] * len(proteges)
    chosen: list[tuple[int, int]] = []
    slots_left = sum(places)
    for p, m in zip(p_idx[order].tolist(), m_idx[order].tolist(), strict=True):
        if slots_left == 0 or len(chosen) == len(proteges):
            break
        if not placed[p] and places[m]:
            placed[p] = True
            places[m] -= 1
            slots_left -= 1
            chosen.append((p, m))
    pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
    return _proposal(proteges, mentors, pairs[:, 0], pairs[:, 1], scores[pairs[:, 0], pairs[:, 1]], criteria)


def _by_id(people):
    return sorted(people, key=lambda person: person.id)


def _checked(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    criteria = tuple(criteria)
    if len({c.question_id for c in criteria}) != len(criteria):
        raise ValueError("Each question counts once among the matching criteria.")
    return criteria


def _prepare(proteges, mentors, weights, min_score, criteria):
    """Sorts by id (for determinism) and scores every pair; eligible pairs clear `min_score`
    with a mentor who has a free place."""
    proteges, mentors = _by_id(proteges), _by_id(mentors)
    scores = _score_matrix(proteges, mentors, weights, criteria)
    free = np.array([m.free_places > 0 for m in mentors], dtype=bool)
    return proteges, mentors, scores, (scores >= min_score) & free[None, :]


def _proposal(proteges, mentors, p: np.ndarray, m: np.ndarray, scores: np.ndarray, criteria) -> Proposal:
    """The chosen pairs (indices into `proteges` and `mentors`, with their scores) as a `Proposal`."""
    order = np.argsort(p, kind="stable")
    pairs = [
        Suggestion(proteges[i].id, mentors[j].id, value, reasons(mentors[j], proteges[i], criteria))
        for i, j, value in zip(p[order].tolist(), m[order].tolist(), scores[order].tolist(), strict=True)
    ]
    matched = set(p.tolist())
    unmatched = [proteges[i].id for i in range(len(proteges)) if i not in matched]
    return Proposal(pairs, unmatched, sum(pair.score for pair in pairs))


def _score_matrix(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights,
    criteria: tuple[Criterion, ...],
) -> np.ndarray:
    """Scores (int16, protégés × mentors) of every pair, by the one kernel."""
    return score_grid(*people_pair(proteges, mentors, criteria), weights, criteria)


def random_criteria(count: int = 3) -> list[Criterion]:
    """Made-up question criteria, the rules in turn: SAME on one choice of 5 (weight 10),
    OVERLAP on several of 8 (15), COVERS on several of 8 (20), and so on."""
    shapes = [(MatchRule.SAME, 5, 10), (MatchRule.OVERLAP, 8, 15), (MatchRule.COVERS, 8, 20)]
    criteria = []
    for q in range(1, count + 1):
        rule, n_choices, weight = shapes[(q - 1) % len(shapes)]
        names = {q * 100 + c: f"answer {q}.{c}" for c in range(n_choices)}
        criteria.append(Criterion(q, f"question {q}", rule, weight, names))
    return criteria


def random_profiles(
    n_proteges: int, n_mentors: int, seed: int = 1, *, criteria: Sequence[Criterion] = ()
) -> tuple[list[ProtegeProfile], list[MentorProfile]]:
    """A made-up program: 16–40 topics, capacities 1–5 with some places taken, random
    methods, cadences and offsets, and answers to `criteria` (`random_criteria`: one
    choice under SAME, one to three otherwise, one person in ten not answering). The
    same seed gives the same program, and the same people whatever the criteria."""
    rng = np.random.default_rng(seed)
    n_topics = int(rng.integers(16, 41))
    names = {t: f"topic {t}" for t in range(n_topics)}
    offsets = [-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 4, 5.5, 8, 9, 10]
    cadences = ["", *MEETINGS_PER_MONTH]

    def person(kind: str, i: int, n_topics_each: int) -> dict:
        methods = [m for m in METHOD_WORDS if rng.random() < 0.4]
        return dict(
            id=i + 1,
            name=f"{kind} {i + 1}",  # i18n: not shown (benchmark data)
            topics=frozenset(rng.choice(n_topics, n_topics_each, replace=False).tolist()),
            methods=frozenset(methods),
            cadence=str(cadences[rng.integers(len(cadences))]),
            utc_offset_hours=float(offsets[rng.integers(len(offsets))]),
        )

    proteges = [ProtegeProfile(**person("Protégé", i, int(rng.integers(1, 5)))) for i in range(n_proteges)]
    mentors = []
    for i in range(n_mentors):
        fields_ = person("Mentor", i, int(rng.integers(2, 7)))  # i18n: not shown (benchmark data)
        capacity = int(rng.integers(1, 6))
        load = int(rng.binomial(capacity, 0.2))
        offered = {t: names[t] for t in fields_["topics"]}
        mentors.append(MentorProfile(**fields_, topic_names=offered, capacity=capacity, load=load))
    if criteria:
        answers = np.random.default_rng([seed, 18])  # a stream of its own: the people stay the same

        def answered(person):
            chosen = {}
            for c in criteria:
                n = 1 if c.rule == MatchRule.SAME else int(answers.integers(1, 4))
                picks = answers.choice(sorted(c.choice_names), n, replace=False).tolist()
                if answers.random() >= 0.1:
                    chosen[c.question_id] = frozenset(picks)
            return dataclasses.replace(person, answers=chosen)

        proteges, mentors = [answered(p) for p in proteges], [answered(m) for m in mentors]
    return proteges, mentors


def benchmark(
    n_proteges: int = 5000, n_mentors: int = 1000, seed: int = 1, min_score: int = 40, criteria: int = 0
) -> dict:
    """Times scoring plus `propose` on `random_profiles` with `criteria` question criteria
    (`random_criteria`), and compares with `greedy`. `seconds` covers everything `propose`
    does, reasons included; profile building is not timed."""
    questions = random_criteria(criteria)
    proteges, mentors = random_profiles(n_proteges, n_mentors, seed, criteria=questions)
    started = time.perf_counter()
    best = propose(proteges, mentors, Weights(), min_score, criteria=questions)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(proteges, mentors, Weights(), min_score, criteria=questions)
    return {
        "seconds": round(seconds, 3),
        "total_score": best.total_score,
        "matched": len(best.pairs),
        "greedy_seconds": round(time.perf_counter() - started, 3),
        "greedy_score": baseline.total_score,
        "greedy_matched": len(baseline.pairs),
        "free_places": sum(m.free_places for m in mentors),
    }
