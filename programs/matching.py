"""Suggesting mentors for protégés, and proposing a whole program's matches.

Plain Python, numpy, scipy and OR-Tools: no queries. Callers turn participants into
`MentorProfile` and `ProtegeProfile` and get back plain `Suggestion` and `Proposal` values.

Every criterion gives a fraction between 0 and 1 for a pair; the score is the
weighted mean of those fractions, times 100, rounded. One kernel
(`matching_scores.pair_scores`) computes it for one pair, a ranking or a whole
program, so a score shown for a pair is always the score the proposal optimised.
"""

import datetime
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import NamedTuple

import numpy as np

from mentoring.time_zones import zone_named

from . import assignment
from .matching_scores import (
    MEETINGS_PER_MONTH,
    METHOD_WORDS,
    WORKING_DAY_HOURS,
    cadence_fit,
    feature_matrices,
    pair_scores,
    people_pair,
    score_grid,
)

CADENCE_WORDS = {
    "weekly": "weekly",
    "every_two_weeks": "every two weeks",
    "twice_a_month": "twice a month",
    "monthly": "monthly",
    "every_n_weeks": "every few weeks",
}
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


def overlap_hours(offset_a: float, offset_b: float) -> float:
    """Hours that two people's 09:00–17:00 working days overlap, given their UTC offsets."""
    apart = abs(offset_a - offset_b) % 24
    return max(0.0, WORKING_DAY_HOURS - min(apart, 24 - apart))


def score(mentor: MentorProfile, protege: ProtegeProfile, weights: Weights = Weights()) -> Suggestion:
    """Score one pair, with every criterion's reason. Deterministic; a full mentor scores
    nothing for load and says so."""
    value = int(_score_matrix([protege], [mentor], weights)[0, 0])
    return Suggestion(protege.id, mentor.id, value, _reasons(mentor, protege))


def rank(
    protege: ProtegeProfile, mentors: Sequence[MentorProfile], weights: Weights = Weights()
) -> list[Suggestion]:
    """Every mentor with a free place, best score first, ties broken by mentor id."""
    available = [m for m in mentors if m.free_places > 0]
    if not available:
        return []
    scores = _score_matrix([protege], available, weights)[0]
    order = sorted(range(len(available)), key=lambda j: (-scores[j], available[j].id))
    return [
        Suggestion(protege.id, available[j].id, int(scores[j]), _reasons(available[j], protege))
        for j in order
    ]


def propose(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
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
    does not matter.
    """
    proteges, mentors = _by_id(proteges), _by_id(mentors)
    available = [m for m in mentors if m.free_places > 0]
    places = np.array([m.free_places for m in available], dtype=np.int64)
    people = people_pair(proteges, available)
    p, m, values = assignment.best_assignment(
        *feature_matrices(*people, weights),
        places,
        value_of=lambda p, m: pair_scores(*people, p, m, weights),
        min_value=min_score,
        floor=min_score - 0.5 - 1e-3,  # float32 error aside, the least that rounds to min_score
        per_row=CANDIDATES_PER_PROTEGE,
        per_place=CANDIDATES_PER_PLACE,
    )
    return _proposal(proteges, available, p, m, values)


def exact(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
) -> Proposal:
    """The same optimum as `propose`, solved over every pair at once (`assignment.exact_assignment`):
    the yardstick for `propose`'s candidates, for programs small enough to score in full."""
    proteges, mentors, scores, eligible = _prepare(proteges, mentors, weights, min_score)
    places = np.array([m.free_places for m in mentors], dtype=np.int64)
    chosen = np.array(assignment.exact_assignment(scores, eligible, places), dtype=np.int64).reshape(-1, 2)
    p, m = chosen[:, 0], chosen[:, 1]
    return _proposal(proteges, mentors, p, m, scores[p, m])


def greedy(
    proteges: Sequence[ProtegeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights = Weights(),
    min_score: int = 0,
) -> Proposal:
    """Best pair first: take the highest-scoring eligible pair whose protégé is unmatched
    and whose mentor has a place, and repeat. Same rules as `propose`, but not optimal;
    kept as the benchmark's baseline."""
    proteges, mentors, scores, eligible = _prepare(proteges, mentors, weights, min_score)
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
    return _proposal(proteges, mentors, pairs[:, 0], pairs[:, 1], scores[pairs[:, 0], pairs[:, 1]])


def _by_id(people):
    return sorted(people, key=lambda person: person.id)


def _prepare(proteges, mentors, weights, min_score):
    """Sorts by id (for determinism) and scores every pair; eligible pairs clear `min_score`
    with a mentor who has a free place."""
    proteges, mentors = _by_id(proteges), _by_id(mentors)
    scores = _score_matrix(proteges, mentors, weights)
    free = np.array([m.free_places > 0 for m in mentors], dtype=bool)
    return proteges, mentors, scores, (scores >= min_score) & free[None, :]


def _proposal(proteges, mentors, p: np.ndarray, m: np.ndarray, scores: np.ndarray) -> Proposal:
    """The chosen pairs (indices into `proteges` and `mentors`, with their scores) as a `Proposal`."""
    order = np.argsort(p, kind="stable")
    pairs = [
        Suggestion(proteges[i].id, mentors[j].id, value, _reasons(mentors[j], proteges[i]))
        for i, j, value in zip(p[order].tolist(), m[order].tolist(), scores[order].tolist(), strict=True)
    ]
    matched = set(p.tolist())
    unmatched = [proteges[i].id for i in range(len(proteges)) if i not in matched]
    return Proposal(pairs, unmatched, sum(pair.score for pair in pairs))


def _score_matrix(
    proteges: Sequence[ProtegeProfile], mentors: Sequence[MentorProfile], weights: Weights
) -> np.ndarray:
    """Scores (int16, protégés × mentors) of every pair, by the one kernel."""
    return score_grid(*people_pair(proteges, mentors), weights)


# A reason's mark: the pair fits on that criterion (it counts at least half its
# weight), or it does not. Each reason line starts with its mark and a space, so
# the words read the same wherever they are stored (a proposal's pair, a match).
FITS = "✓"
MISSES = "✗"
TIME_ZONE_FITS_HOURS = WORKING_DAY_HOURS / 2  # half a working day together
CADENCE_FITS = 0.75  # the same or a similar rate


class Reason(NamedTuple):
    """One reason as the board shows it: whether the pair fits on the criterion and the words."""

    fits: bool | None  # None: a line stored before reasons had marks
    text: str

    @classmethod
    def of(cls, line: str) -> "Reason":
        """A reason line (``_reasons``) split into its mark and its words."""
        if line[:2] in (f"{FITS} ", f"{MISSES} "):
            return cls(line[0] == FITS, line[2:])
        return cls(None, line)


def _marked(fits: bool, text: str) -> str:
    return f"{FITS if fits else MISSES} {text}"


def _reasons(mentor: MentorProfile, protege: ProtegeProfile) -> list[str]:
    """One line per criterion, in the order of `Weights`, naming what the two share,
    each led by its mark (`FITS` or `MISSES`: `Reason.of` splits them)."""
    return [
        _topic_reason(mentor, protege),
        _method_reason(mentor, protege),
        _cadence_reason(mentor, protege),
        _time_zone_reason(mentor, protege),
        _load_reason(mentor),
    ]


def _topic_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    if not protege.topics:
        return _marked(False, f"{protege.name} has not chosen topics to work on")
    shared = sorted(mentor.topic_names.get(t, f"topic {t}") for t in mentor.topics & protege.topics)
    if not shared:
        return _marked(False, "no topics in common")
    missing = len(protege.topics) - len(shared)
    also = f" ({missing} more sought topic{'s' if missing != 1 else ''} not offered)" if missing else ""
    return _marked(len(shared) >= missing, f"offers {_and_list(shared)}, which {protege.name} seeks{also}")


def _method_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    theirs, yours = ([METHOD_WORDS[m] for m in METHOD_WORDS if m in p.methods] for p in (mentor, protege))
    if not theirs or not yours:  # no preference counts as any way
        return _marked(True, f"{mentor.name if not theirs else protege.name} has no preferred way to meet")
    shared = [m for m in theirs if m in yours]
    if shared:
        return _marked(True, f"both prefer {_and_list(shared, 'or')}")
    return _marked(
        False,
        f"no shared way to meet: {mentor.name} prefers {_and_list(theirs, 'or')}, "
        f"{protege.name} {_and_list(yours, 'or')}",
    )


def _cadence_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    a, b = mentor.cadence, protege.cadence
    if a not in CADENCE_WORDS or b not in CADENCE_WORDS:  # no preference counts as any rate
        return _marked(
            True, f"{protege.name if a in CADENCE_WORDS else mentor.name} has no preferred cadence"
        )
    if a == b:
        return _marked(True, f"both prefer to meet {CADENCE_WORDS[a]}")
    fit = cadence_fit(a, b)
    closeness = "similar" if fit >= CADENCE_FITS else "different" if fit > 0 else "far apart"
    return _marked(
        fit >= CADENCE_FITS,
        f"{closeness} cadences: {mentor.name} prefers {CADENCE_WORDS[a]}, {protege.name} {CADENCE_WORDS[b]}",
    )


def _time_zone_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    hours = overlap_hours(mentor.utc_offset_hours, protege.utc_offset_hours)
    if hours == 0:
        return _marked(False, "no working-day overlap")
    return _marked(
        hours >= TIME_ZONE_FITS_HOURS, f"{hours:g} hour{'s' if hours != 1 else ''} of working-day overlap"
    )


def _load_reason(mentor: MentorProfile) -> str:
    if mentor.free_places == 0:
        return _marked(False, "has no place free")
    return _marked(
        True,
        f"has {mentor.free_places} of {mentor.capacity} place{'s' if mentor.capacity != 1 else ''} free",
    )


def _and_list(items: list[str], conjunction: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def random_profiles(
    n_proteges: int, n_mentors: int, seed: int = 1
) -> tuple[list[ProtegeProfile], list[MentorProfile]]:
    """A made-up program: 16–40 topics, capacities 1–5 with some places taken, random
    methods, cadences and offsets. The same seed gives the same program."""
    rng = np.random.default_rng(seed)
    n_topics = int(rng.integers(16, 41))
    names = {t: f"topic {t}" for t in range(n_topics)}
    offsets = [-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 4, 5.5, 8, 9, 10]
    cadences = ["", *MEETINGS_PER_MONTH]

    def person(kind: str, i: int, n_topics_each: int) -> dict:
        methods = [m for m in METHOD_WORDS if rng.random() < 0.4]
        return dict(
            id=i + 1,
            name=f"{kind} {i + 1}",
            topics=frozenset(rng.choice(n_topics, n_topics_each, replace=False).tolist()),
            methods=frozenset(methods),
            cadence=str(cadences[rng.integers(len(cadences))]),
            utc_offset_hours=float(offsets[rng.integers(len(offsets))]),
        )

    proteges = [ProtegeProfile(**person("Protégé", i, int(rng.integers(1, 5)))) for i in range(n_proteges)]
    mentors = []
    for i in range(n_mentors):
        fields_ = person("Mentor", i, int(rng.integers(2, 7)))
        capacity = int(rng.integers(1, 6))
        load = int(rng.binomial(capacity, 0.2))
        offered = {t: names[t] for t in fields_["topics"]}
        mentors.append(MentorProfile(**fields_, topic_names=offered, capacity=capacity, load=load))
    return proteges, mentors


def benchmark(n_proteges: int = 5000, n_mentors: int = 1000, seed: int = 1, min_score: int = 40) -> dict:
    """Times scoring plus `propose` on `random_profiles`, and compares with `greedy`.
    `seconds` covers everything `propose` does, reasons included; profile building is not timed."""
    proteges, mentors = random_profiles(n_proteges, n_mentors, seed)
    started = time.perf_counter()
    best = propose(proteges, mentors, Weights(), min_score)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(proteges, mentors, Weights(), min_score)
    return {
        "seconds": round(seconds, 3),
        "total_score": best.total_score,
        "matched": len(best.pairs),
        "greedy_seconds": round(time.perf_counter() - started, 3),
        "greedy_score": baseline.total_score,
        "greedy_matched": len(baseline.pairs),
        "free_places": sum(m.free_places for m in mentors),
    }
