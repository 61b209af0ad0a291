"""Suggesting mentors for protégés, and proposing a whole program's matches.

Plain Python, numpy and scipy: no queries. Callers turn participants into `MentorProfile` and
`ProtegeProfile` and get back plain `Suggestion` and `Proposal` values.

Every criterion gives a fraction between 0 and 1 for a pair; the score is the
weighted mean of those fractions, times 100, rounded. One kernel (`_score_matrix`)
computes it for one pair or for a whole program, so a score shown for a pair is
always the score the proposal optimised.
"""

import datetime
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np
from scipy.optimize import linear_sum_assignment

from mentoring.time_zones import zone_named

from .models import Cadence
from .rhythms import Rhythm

METHOD_WORDS = {"phone": "phone", "video": "video", "in_person": "in person", "chat": "chat"}
# Meetings a month for each preferred cadence (a preference has no N: programs.rhythms).
MEETINGS_PER_MONTH = {cadence: Rhythm.of_cadence(cadence).meetings_per_month for cadence in Cadence.values}
CADENCE_WORDS = {
    "weekly": "weekly",
    "every_two_weeks": "every two weeks",
    "twice_a_month": "twice a month",
    "monthly": "monthly",
    "every_n_weeks": "every few weeks",
}
WORKING_DAY_HOURS = 8.0  # 09:00–17:00 local time


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
    """One mentor for one protégé: a 0–100 score and the reasons for it in plain words."""

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

    Solved exactly as an assignment problem (scipy's `linear_sum_assignment`) with one
    column per free place. The load criterion uses each mentor's load before this proposal.
    Deterministic: the order of the inputs does not matter. Memory is about 8 bytes ×
    protégés × free places (100 MB for 5,000 × 2,500 places).
    """
    proteges, mentors, scores, eligible = _prepare(proteges, mentors, weights, min_score)
    rows = np.flatnonzero(eligible.any(axis=1))
    # A mentor needs no more places than protégés who could take them.
    places = np.minimum(np.array([m.free_places for m in mentors], dtype=int), eligible.sum(axis=0))
    slot_mentor = np.repeat(np.arange(len(mentors)), places)
    chosen: list[tuple[int, int]] = []
    if len(rows) and len(slot_mentor):
        # An ineligible pair is worth 0, as much as leaving both unmatched; such pairs are dropped below.
        value = np.where(eligible, scores, 0)[rows].T
        # Cost = -value with one row per free place, C-ordered as the solver wants it.
        cost = np.take(value, slot_mentor, axis=0).astype(np.float64)
        slot_idx, row_idx = linear_sum_assignment(np.negative(cost, out=cost))
        for r, m in zip(rows[row_idx], slot_mentor[slot_idx], strict=True):
            if eligible[r, m]:
                chosen.append((int(r), int(m)))
    return _proposal(proteges, mentors, scores, chosen)


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
    return _proposal(proteges, mentors, scores, chosen)


def _prepare(proteges, mentors, weights, min_score):
    """Sorts by id (for determinism) and scores every pair; eligible pairs clear `min_score`
    with a mentor who has a free place."""
    proteges = sorted(proteges, key=lambda p: p.id)
    mentors = sorted(mentors, key=lambda m: m.id)
    scores = _score_matrix(proteges, mentors, weights)
    free = np.array([m.free_places > 0 for m in mentors], dtype=bool)
    return proteges, mentors, scores, (scores >= min_score) & free[None, :]


def _proposal(proteges, mentors, scores, chosen: list[tuple[int, int]]) -> Proposal:
    chosen.sort()
    pairs = [
        Suggestion(proteges[p].id, mentors[m].id, int(scores[p, m]), _reasons(mentors[m], proteges[p]))
        for p, m in chosen
    ]
    matched = {p for p, _ in chosen}
    unmatched = [proteges[p].id for p in range(len(proteges)) if p not in matched]
    return Proposal(pairs, unmatched, sum(pair.score for pair in pairs))


def _score_matrix(
    proteges: Sequence[ProtegeProfile], mentors: Sequence[MentorProfile], weights: Weights
) -> np.ndarray:
    """Scores (int16, protégés × mentors), each criterion a 0–1 fraction, vectorised."""
    shape = (len(proteges), len(mentors))
    if 0 in shape:
        return np.zeros(shape, dtype=np.int16)
    scale = 100 / sum(weights.to_dict().values())

    topic_ids = sorted({t for p in proteges for t in p.topics} | {t for m in mentors for t in m.topics})
    column = {t: i for i, t in enumerate(topic_ids)}
    sought = _one_hot([p.topics for p in proteges], column)
    offered = _one_hot([m.topics for m in mentors], column)
    # Overlap counts are small integers, exact in float32 whatever order BLAS adds them in.
    total = sought @ offered.T
    total *= (weights.topics * scale / np.maximum(sought.sum(axis=1), 1)).astype(np.float32)[:, None]

    # Methods, cadence and time zone depend on a few values per person: score each distinct
    # combination once, then look the pairs up.
    p_kinds, p_kind = np.unique(_habits(proteges), axis=0, return_inverse=True)
    m_kinds, m_kind = np.unique(_habits(mentors), axis=0, return_inverse=True)
    (p_methods, p_cadence, p_offset), (m_methods, m_cadence, m_offset) = p_kinds.T, m_kinds.T
    shared_method = (p_methods.astype(int)[:, None] & m_methods.astype(int)[None, :]) != 0
    cadence_fit = _CADENCE_FIT[p_cadence.astype(int)[:, None], m_cadence.astype(int)[None, :]]
    apart = np.abs(p_offset[:, None] - m_offset[None, :]) % 24
    overlap = np.maximum(0.0, WORKING_DAY_HOURS - np.minimum(apart, 24 - apart))
    habits = scale * (
        weights.methods * shared_method
        + weights.cadence * cadence_fit
        + weights.time_zone * overlap / WORKING_DAY_HOURS
    )
    total += np.take(np.take(habits.astype(np.float32), p_kind.ravel(), axis=0), m_kind.ravel(), axis=1)

    free_share = np.array([m.free_places / m.capacity if m.capacity > 0 else 0.0 for m in mentors])
    total += (weights.load * scale * free_share).astype(np.float32)[None, :]
    return np.rint(np.clip(total, 0, 100, out=total), out=total).astype(np.int16)


def _habits(people) -> np.ndarray:
    """Per person: method bits, cadence index and UTC offset, as one float row."""
    return np.column_stack(
        [_method_bits(people), _cadence_index(people), [p.utc_offset_hours for p in people]]
    ).astype(np.float64)


def _one_hot(topic_sets: list[frozenset[int]], column: dict[int, int]) -> np.ndarray:
    matrix = np.zeros((len(topic_sets), max(len(column), 1)), dtype=np.float32)
    for row, topics in enumerate(topic_sets):
        matrix[row, [column[t] for t in topics]] = 1
    return matrix


_METHOD_BIT = {method: 1 << i for i, method in enumerate(METHOD_WORDS)}
_ANY_METHOD = sum(_METHOD_BIT.values())


def _method_bits(people) -> np.ndarray:
    # No stated method means any method will do.
    return np.array([sum(_METHOD_BIT.get(x, 0) for x in p.methods) or _ANY_METHOD for p in people])


_CADENCES = list(MEETINGS_PER_MONTH)


def _cadence_fit(a: str, b: str) -> float:
    """1 for the same rate (or no preference), 0.5 for double the rate, 0 for four times."""
    if not a or not b:
        return 1.0
    return max(0.0, 1 - abs(math.log2(MEETINGS_PER_MONTH[a] / MEETINGS_PER_MONTH[b])) / 2)


# Index 0 is "no preference"; an unknown cadence counts as none.
_CADENCE_FIT = np.array([[_cadence_fit(a, b) for b in ["", *_CADENCES]] for a in ["", *_CADENCES]])


def _cadence_index(people) -> np.ndarray:
    return np.array([_CADENCES.index(p.cadence) + 1 if p.cadence in _CADENCES else 0 for p in people])


def _reasons(mentor: MentorProfile, protege: ProtegeProfile) -> list[str]:
    """One sentence per criterion, in the order of `Weights`, naming what the two share."""
    return [
        _topic_reason(mentor, protege),
        _method_reason(mentor, protege),
        _cadence_reason(mentor, protege),
        _time_zone_reason(mentor, protege),
        _load_reason(mentor),
    ]


def _topic_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    if not protege.topics:
        return f"{protege.name} has not chosen topics to work on"
    shared = sorted(mentor.topic_names.get(t, f"topic {t}") for t in mentor.topics & protege.topics)
    if not shared:
        return "no topics in common"
    missing = len(protege.topics) - len(shared)
    also = f" ({missing} more sought topic{'s' if missing != 1 else ''} not offered)" if missing else ""
    return f"offers {_and_list(shared)}, which {protege.name} seeks{also}"


def _method_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    theirs, yours = ([METHOD_WORDS[m] for m in METHOD_WORDS if m in p.methods] for p in (mentor, protege))
    if not theirs or not yours:
        return f"{mentor.name if not theirs else protege.name} has no preferred way to meet"
    shared = [m for m in theirs if m in yours]
    if shared:
        return f"both prefer {_and_list(shared, 'or')}"
    return f"no shared way to meet: {mentor.name} prefers {_and_list(theirs, 'or')}, {protege.name} {_and_list(yours, 'or')}"


def _cadence_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    a, b = mentor.cadence, protege.cadence
    if a not in CADENCE_WORDS or b not in CADENCE_WORDS:
        return f"{protege.name if a in CADENCE_WORDS else mentor.name} has no preferred cadence"
    if a == b:
        return f"both prefer to meet {CADENCE_WORDS[a]}"
    closeness = (
        "similar" if _cadence_fit(a, b) >= 0.75 else "different" if _cadence_fit(a, b) > 0 else "far apart"
    )
    return (
        f"{closeness} cadences: {mentor.name} prefers {CADENCE_WORDS[a]}, {protege.name} {CADENCE_WORDS[b]}"
    )


def _time_zone_reason(mentor: MentorProfile, protege: ProtegeProfile) -> str:
    hours = overlap_hours(mentor.utc_offset_hours, protege.utc_offset_hours)
    if hours == 0:
        return "no working-day overlap"
    return f"{hours:g} hour{'s' if hours != 1 else ''} of working-day overlap"


def _load_reason(mentor: MentorProfile) -> str:
    if mentor.free_places == 0:
        return "has no place free"
    return f"has {mentor.free_places} of {mentor.capacity} place{'s' if mentor.capacity != 1 else ''} free"


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
