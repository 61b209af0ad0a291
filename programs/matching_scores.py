"""The scoring kernel behind `programs.matching`: one function (`pair_scores`) gives the
score of any set of pairs, so a score shown for a pair, a ranking and a proposal always
agree; `feature_matrices` gives the same scores approximately as one matrix product,
for finding candidates in a program too large to score exactly in full.

Each criterion is a fraction between 0 and 1; the score is their weighted mean, times
100, rounded half to even. The criteria are the built-in ones (`Weights`) and a
program's own choice questions (`criteria`: anything with `question_id`, `rule`,
`weight` and `choice_names`, as `matching.Criterion`), whose answers are held as
bitmasks, one bit per choice. People are turned into arrays once (`People`), in the
order given.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_noop

from .models import Cadence, MatchRule
from .rhythms import Rhythm

# Lower-case, as in a sentence ("both prefer video"); translated where shown (matching_reasons).
METHOD_WORDS = {
    "phone": gettext_noop("phone"),
    "video": gettext_noop("video"),
    "in_person": gettext_noop("in person"),
    "chat": gettext_noop("chat"),
}
# Meetings a month for each preferred cadence (a preference has no N: programs.rhythms).
MEETINGS_PER_MONTH = {cadence: Rhythm.of_cadence(cadence).meetings_per_month for cadence in Cadence.values}
WORKING_DAY_HOURS = 8.0  # 09:00–17:00 local time
# Cells of exact scores worked out at once over a whole grid (float64 temporaries of 16 MB).
GRID_CELLS = 2_000_000
# Distinct choices one question's answers may name: they are packed in an int64.
CHOICE_BITS = 62

_METHOD_BIT = {method: 1 << i for i, method in enumerate(METHOD_WORDS)}
_ANY_METHOD = sum(_METHOD_BIT.values())
_CADENCES = list(MEETINGS_PER_MONTH)


def cadence_fit(a: str, b: str) -> float:
    """1 for the same rate (or no preference), 0.5 for double the rate, 0 for four times."""
    if not a or not b:
        return 1.0
    return max(0.0, 1 - abs(math.log2(MEETINGS_PER_MONTH[a] / MEETINGS_PER_MONTH[b])) / 2)


def overlap_hours(offset_a: float, offset_b: float) -> float:
    """Hours that two people's 09:00–17:00 working days overlap, given their UTC offsets."""
    apart = abs(offset_a - offset_b) % 24
    return max(0.0, WORKING_DAY_HOURS - min(apart, 24 - apart))


# Index 0 is "no preference"; an unknown cadence counts as none.
_CADENCE_FIT = np.array([[cadence_fit(a, b) for b in ["", *_CADENCES]] for a in ["", *_CADENCES]])


@dataclass(frozen=True)
class People:
    """One side of a program as arrays, one entry per person in the order given."""

    topics: np.ndarray  # bool, person × topic column (only topics both sides name)
    topic_bits: np.ndarray  # the same packed into uint64 words
    topics_sought: np.ndarray  # how many topics each person named, shared or not
    methods: np.ndarray  # bits of METHOD_WORDS; no stated method means any
    cadence: np.ndarray  # index into _CADENCE_FIT
    offset: np.ndarray  # UTC offset in hours
    free_share: np.ndarray  # a mentor's share of places still free (0 for protégés)
    answers: np.ndarray  # int64, person × criterion: the choices made, one bit each; 0 unanswered
    answer_counts: np.ndarray  # int64, person × criterion: how many choices made


def people_pair(proteges: Sequence, mentors: Sequence, criteria: Sequence = ()) -> tuple[People, People]:
    """Both sides as arrays, with topic columns and choice bits numbered alike.
    ValueError when a question's choices (named or answered) pass CHOICE_BITS."""
    shared = {t for p in proteges for t in p.topics} & {t for m in mentors for t in m.topics}
    column = {t: i for i, t in enumerate(sorted(shared))}
    bits = [_choice_bits(c, (*proteges, *mentors)) for c in criteria]
    return _people(proteges, column, criteria, bits), _people(mentors, column, criteria, bits)


def _choice_bits(criterion, people: Sequence) -> dict[int, int]:
    """A bit for each choice of the criterion's question, named or answered, by id."""
    ids = set(criterion.choice_names)
    for person in people:
        ids.update(person.answers.get(criterion.question_id, ()))
    if len(ids) > CHOICE_BITS:
        raise ValueError(f"Question {criterion.question_id} has more than {CHOICE_BITS} choices.")
    return {choice: 1 << i for i, choice in enumerate(sorted(ids))}


def _answers(people: Sequence, criteria: Sequence, bits: Sequence[Mapping[int, int]]) -> np.ndarray:
    masks = [
        [
            sum(b[c] for c in person.answers.get(criterion.question_id, ()))
            for criterion, b in zip(criteria, bits, strict=True)
        ]
        for person in people
    ]
    return np.array(masks, dtype=np.int64).reshape(len(people), len(criteria))


def _people(people: Sequence, column: dict[int, int], criteria: Sequence, bits: Sequence) -> People:
    rows = [i for i, person in enumerate(people) for t in person.topics if t in column]
    columns = [column[t] for person in people for t in person.topics if t in column]
    topics = np.zeros((len(people), max(len(column), 1)), dtype=bool)
    topics[rows, columns] = True
    packed = np.packbits(topics, axis=1, bitorder="little")
    words = -(-packed.shape[1] // 8)
    packed = np.pad(packed, ((0, 0), (0, words * 8 - packed.shape[1])))
    capacity = np.array([getattr(p, "capacity", 0) for p in people], dtype=np.float64)
    free = np.array([getattr(p, "free_places", 0) for p in people], dtype=np.float64)
    return People(
        topics=topics,
        topic_bits=np.ascontiguousarray(packed).view(np.uint64),
        topics_sought=np.array([len(p.topics) for p in people], dtype=np.int64),
        methods=np.array(
            [sum(_METHOD_BIT.get(x, 0) for x in p.methods) or _ANY_METHOD for p in people], dtype=np.int64
        ),
        cadence=np.array(
            [_CADENCES.index(p.cadence) + 1 if p.cadence in _CADENCES else 0 for p in people], dtype=np.int64
        ),
        offset=np.array([p.utc_offset_hours for p in people], dtype=np.float64),
        free_share=np.divide(free, capacity, out=np.zeros_like(free), where=capacity > 0),
        answers=(answers := _answers(people, criteria, bits)),
        answer_counts=np.bitwise_count(answers).astype(np.int64),
    )


def rule_values(rule: str, protege: np.ndarray, mentor: np.ndarray, protege_count: np.ndarray) -> np.ndarray:
    """A question criterion's fraction (0–1) for answers as bitmasks (arrays that
    broadcast; `protege_count` the protégé's number of choices): SAME 1 when both chose
    exactly the same, OVERLAP 1 when they share a choice, COVERS the share of the
    protégé's choices the mentor also chose (`MatchRule`); 0 when either has not answered."""
    if rule == MatchRule.SAME:
        return ((protege == mentor) & (protege != 0)).astype(np.float64)
    if rule == MatchRule.OVERLAP:
        return ((protege & mentor) != 0).astype(np.float64)
    if rule == MatchRule.COVERS:
        return np.bitwise_count(protege & mentor) / np.maximum(protege_count, 1)
    raise ValueError(f"Unknown matching rule: {rule!r}")


def total_weight(weights, criteria: Sequence) -> float:
    """The sum of every criterion's weight, built-in and questions."""
    return sum(weights.to_dict().values()) + sum(c.weight for c in criteria)


def pair_scores(
    proteges: People, mentors: People, p: np.ndarray, m: np.ndarray, weights, criteria: Sequence = ()
) -> np.ndarray:
    """Scores (int16) of the pairs (protégé `p`, mentor `m`); the index arrays broadcast,
    so a column and a row give the whole grid. `criteria` are those `people_pair` was
    given, in the same order; each adds its weight times its `rule_values`."""
    scale = 100 / total_weight(weights, criteria)
    shared = np.bitwise_count(proteges.topic_bits[p] & mentors.topic_bits[m]).sum(axis=-1)
    topics = shared / np.maximum(proteges.topics_sought[p], 1)
    same_method = (proteges.methods[p] & mentors.methods[m]) != 0
    cadence = _CADENCE_FIT[proteges.cadence[p], mentors.cadence[m]]
    hours = _overlap(proteges.offset[p], mentors.offset[m])
    total = scale * (
        weights.topics * topics
        + weights.methods * same_method
        + weights.cadence * cadence
        + weights.time_zone * hours / WORKING_DAY_HOURS
        + weights.load * mentors.free_share[m]
    )
    for k, criterion in enumerate(criteria):
        fraction = rule_values(
            criterion.rule, proteges.answers[p, k], mentors.answers[m, k], proteges.answer_counts[p, k]
        )
        total = total + scale * criterion.weight * fraction
    return np.rint(np.clip(total, 0, 100)).astype(np.int16)


def score_grid(proteges: People, mentors: People, weights, criteria: Sequence = ()) -> np.ndarray:
    """Every pair's score (int16, protégés × mentors), in blocks of rows."""
    n_p, n_m = len(proteges.offset), len(mentors.offset)
    grid = np.zeros((n_p, n_m), dtype=np.int16)
    block = max(1, GRID_CELLS // max(n_m, 1))
    everyone = np.arange(n_m)[None, :]
    for start in range(0, n_p, block):
        rows = np.arange(start, min(start + block, n_p))[:, None]
        grid[start : start + block] = pair_scores(proteges, mentors, rows, everyone, weights, criteria)
    return grid


def feature_matrices(
    proteges: People, mentors: People, weights, criteria: Sequence = ()
) -> tuple[np.ndarray, np.ndarray]:
    """float32 matrices whose product is every pair's score before rounding, to within
    float32 error: the topics' share, then one column per kind of protégé's methods,
    cadence and time zone that holds what that kind gets with each mentor, then load,
    then each question criterion (`_criterion_features`)."""
    scale = 100 / total_weight(weights, criteria)
    kinds = [np.unique(proteges.methods, return_inverse=True)]
    kinds.append((np.arange(len(_CADENCE_FIT)), proteges.cadence))
    kinds.append(np.unique(proteges.offset, return_inverse=True))
    methods, cadences, offsets = (values for values, _ in kinds)
    per_kind = [
        weights.methods * ((methods[:, None] & mentors.methods[None, :]) != 0),
        weights.cadence * _CADENCE_FIT[cadences[:, None], mentors.cadence[None, :]],
        weights.time_zone * _overlap(offsets[:, None], mentors.offset[None, :]) / WORKING_DAY_HOURS,
    ]
    one_hot = [np.eye(len(values), dtype=bool)[index] for values, index in kinds]
    sought = proteges.topics * (weights.topics / np.maximum(proteges.topics_sought, 1))[:, None]
    questions = [_criterion_features(proteges, mentors, k, c) for k, c in enumerate(criteria)]
    protege_side = np.hstack(
        [sought, *one_hot, np.ones((len(proteges.offset), 1)), *(side for side, _ in questions)]
    )
    mentor_side = np.vstack(
        [
            mentors.topics.T,
            *per_kind,
            weights.load * mentors.free_share[None, :],
            *(side for _, side in questions),
        ]
    )
    return (scale * protege_side).astype(np.float32), mentor_side.astype(np.float32)


def _criterion_features(
    proteges: People, mentors: People, k: int, criterion
) -> tuple[np.ndarray, np.ndarray]:
    """The `k`-th question criterion as (protégé columns, mentor rows) whose product is its
    weighted fraction. COVERS is linear in the choices: a column per choice bit holding
    the protégé's share of it, the mentor's row their bit. SAME and OVERLAP, like methods:
    one column per distinct protégé answer, the mentor's row the rule's value for it."""
    yours, theirs = proteges.answers[:, k], mentors.answers[:, k]
    if criterion.rule == MatchRule.COVERS:
        n_bits = max(int(yours.max(initial=0)).bit_length(), 1)
        bit = np.arange(n_bits, dtype=np.int64)
        chosen = (yours[:, None] >> bit[None, :]) & 1
        share = criterion.weight * chosen / np.maximum(proteges.answer_counts[:, k], 1)[:, None]
        return share, ((theirs[None, :] >> bit[:, None]) & 1).astype(np.float64)
    kinds, index = np.unique(yours, return_inverse=True)
    fraction = rule_values(criterion.rule, kinds[:, None], theirs[None, :], np.bitwise_count(kinds)[:, None])
    return np.eye(len(kinds), dtype=bool)[index], criterion.weight * fraction


def _overlap(offset_a: np.ndarray, offset_b: np.ndarray) -> np.ndarray:
    apart = np.abs(offset_a - offset_b) % 24
    return np.maximum(0.0, WORKING_DAY_HOURS - np.minimum(apart, 24 - apart))
