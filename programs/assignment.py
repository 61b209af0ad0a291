"""Assigning protégés to mentors' places: the solvers behind `programs.matching.propose`.

Plain numpy, scipy and OR-Tools on arrays of indices and whole-number scores; nothing
here knows what a profile is. Rows are protégés and columns mentors throughout.

At scale the dense problem does not fit (20,000 protégés × 12,000 free places is 240
million cells), so `best_assignment` works on candidates: each protégé's best mentors,
and each little-wanted mentor's best protégés, found block by block from an approximate
score (`candidate_arcs`), then solved exactly on that sparse graph as a min-cost flow
(`best_flow`). `exact_assignment` keeps the dense solve as the yardstick.
"""

from collections.abc import Callable

import numpy as np

# Cells of the approximate score held at once while looking for candidates (16 MB of float32).
BLOCK_CELLS = 4_000_000


def best_assignment(
    row_features: np.ndarray,
    column_features: np.ndarray,
    places: np.ndarray,
    value_of: Callable[[np.ndarray, np.ndarray], np.ndarray],
    min_value: int,
    floor: float,
    per_row: int,
    per_place: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, values) of the best assignment found over candidate arcs: each row
    at most once, each column at most its `places`, every value (`value_of(rows, columns)`,
    whole numbers) at least `min_value`. `row_features @ column_features` approximates the
    values; `floor` is the least approximate value that may reach `min_value`.

    Exact whenever the candidates hold an optimum (always with at most `per_row` columns).
    Whatever the candidates, no row is left out while a column with a place left would
    take it for more than nothing: while such pairs exist among the rows left out and
    the columns with places left, they join the candidates and the flow is solved again.
    """
    n_rows, n_columns = len(row_features), len(places)
    rows, columns = candidate_arcs(row_features, column_features, places, floor, per_row, per_place)
    values = value_of(rows, columns)
    eligible = values >= min_value
    rows, columns, values = rows[eligible], columns[eligible], values[eligible]
    while True:
        used = best_flow(n_rows, places, rows, columns, values)
        left = places - np.bincount(columns[used], minlength=n_columns)
        waiting = np.setdiff1d(np.arange(n_rows), rows[used])
        open_columns = np.flatnonzero(left > 0)
        if not len(waiting) or not len(open_columns):
            break
        more_rows, more_columns = candidate_arcs(
            row_features[waiting],
            column_features[:, open_columns],
            left[open_columns],
            floor,
            per_row,
            per_place,
        )
        more_rows, more_columns = waiting[more_rows], open_columns[more_columns]
        more_values = value_of(more_rows, more_columns)
        new = (more_values >= min_value) & ~np.isin(
            more_rows * n_columns + more_columns, rows * n_columns + columns
        )
        if not new.any():
            break
        arcs = np.concatenate([rows * n_columns + columns, more_rows[new] * n_columns + more_columns[new]])
        order = np.argsort(arcs)
        rows, columns = arcs[order] // n_columns, arcs[order] % n_columns
        values = np.concatenate([values, more_values[new]])[order]
    return rows[used], columns[used], values[used]


def candidate_arcs(
    row_features: np.ndarray,
    column_features: np.ndarray,
    places: np.ndarray,
    floor: float,
    per_row: int,
    per_place: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns), sorted and distinct: each row's `per_row` best columns, plus, for
    each column that fewer than `per_place` × its places rows chose, that many of its own
    best rows, so a little-wanted mentor's places stay reachable."""
    n_columns = len(places)
    rows, columns = candidates_per_row(row_features, column_features, per_row, floor)
    wanted = per_place * places
    short = np.flatnonzero(np.bincount(columns, minlength=n_columns) < wanted)
    if len(short):
        extra_columns, extra_rows = candidates_per_row(
            column_features[:, short].T, row_features.T, wanted[short], floor
        )
        rows = np.concatenate([rows, extra_rows])
        columns = np.concatenate([columns, short[extra_columns]])
    arcs = np.sort(rows * n_columns + columns)
    arcs = arcs[np.r_[True, arcs[1:] != arcs[:-1]][: len(arcs)]]
    return arcs // n_columns, arcs % n_columns


def candidates_per_row(
    row_features: np.ndarray, column_features: np.ndarray, k: int | np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of each row's `k` best columns (a number, or one per row) among those
    whose approximate score `row_features @ column_features` reaches `floor`, ties broken
    by column. Works in blocks of rows, so the whole score matrix never exists."""
    n_rows, n_columns = len(row_features), column_features.shape[1]
    per_row = np.broadcast_to(np.asarray(k, dtype=np.int64), (n_rows,))
    block = max(1, BLOCK_CELLS // max(n_columns, 1))
    found_rows, found_columns = [], []
    for start in range(0, n_rows, block):
        values = row_features[start : start + block] @ column_features
        rows, columns = _best_of_block(values, per_row[start : start + block], floor)
        found_rows.append(rows + start)
        found_columns.append(columns)
    if not found_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_rows), np.concatenate(found_columns)


def _best_of_block(values: np.ndarray, per_row: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Selecting by a threshold beats a partition of every row: the threshold that about
    twice `k` of a row's columns reach is read off every `stride`-th column, and the few
    rows it leaves short are partitioned in full."""
    n_rows, n_columns = values.shape
    k = int(per_row.max(initial=0))
    threshold = np.full(n_rows, floor, dtype=values.dtype)
    sampled = np.zeros(n_rows, dtype=bool)
    if 0 < k < n_columns:
        stride = max(1, n_columns // 512)
        sample = values[:, ::stride]
        rank = min(sample.shape[1] - 1, -(-2 * k * sample.shape[1] // n_columns))
        estimate = -np.partition(-sample, rank, axis=1)[:, rank]
        sampled = estimate > threshold
        threshold = np.maximum(threshold, estimate)
    cells = np.flatnonzero(values >= threshold[:, None])
    short = sampled & (np.bincount(cells // n_columns, minlength=n_rows) < per_row)
    if short.any():
        redo = np.flatnonzero(short)
        best = np.argpartition(values[redo], n_columns - k, axis=1)[:, n_columns - k :]
        cells = np.concatenate(
            [cells[~short[cells // n_columns]], (redo[:, None] * n_columns + best).ravel()]
        )
        cells.sort()
    flat = values.ravel()
    cells = cells[flat[cells] >= floor]
    rows = cells // n_columns
    # Best first within each row; a stable sort keeps ties in column order.
    order = np.argsort(rows * 1024.0 - flat[cells], kind="stable")
    rows, cells = rows[order], cells[order]
    return _first_per_group(rows, cells % n_columns, per_row)


def _first_per_group(groups: np.ndarray, other: np.ndarray, limit: np.ndarray):
    """The first `limit[g]` entries of each group `g`, from arrays sorted by group."""
    if not len(groups):
        return groups, other
    first = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    position = np.arange(len(groups)) - np.repeat(first, np.diff(np.r_[first, len(groups)]))
    keep = position < limit[groups]
    return groups[keep], other[keep]


def best_flow(
    n_rows: int, places: np.ndarray, rows: np.ndarray, columns: np.ndarray, values: np.ndarray
) -> np.ndarray:
    """Indices of the arcs (row, column) of largest total value in which each row takes at most one
    arc and each column at most `places[column]`: a min-cost flow from every row, through
    its arcs (cost −value) or straight to the sink (cost 0, unmatched), with each column
    passing at most its places to the sink. Always feasible; exact on the arcs given."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    # Imported here: every web process imports matching, few propose (0.1 s and 17 MB saved).
    from ortools.graph.python import min_cost_flow

    n_columns = len(places)
    sink = n_rows + n_columns
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([rows, np.arange(n_rows), n_rows + np.arange(n_columns)])
    heads = np.concatenate([n_rows + columns, np.full(n_rows + n_columns, sink)])
    capacities = np.concatenate([np.ones(len(rows) + n_rows, dtype=np.int64), places])
    costs = np.concatenate([-values.astype(np.int64), np.zeros(n_rows + n_columns, dtype=np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.concatenate([np.ones(n_rows, dtype=np.int64), np.zeros(n_columns, dtype=np.int64)])
    flow.set_nodes_supplies(np.arange(sink + 1), np.append(supplies, -n_rows))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The matching flow could not be solved: {status}")
    return np.flatnonzero(flow.flows(np.arange(len(rows))))


def exact_assignment(values: np.ndarray, eligible: np.ndarray, places: np.ndarray) -> list[tuple[int, int]]:
    """The same optimum over every pair: scipy's `linear_sum_assignment` on the dense
    matrix with one column per free place. Memory is about 8 bytes × rows × places
    (100 MB for 5,000 × 2,500 places), so it serves as the yardstick, not at scale."""
    rows = np.flatnonzero(eligible.any(axis=1))
    # A column needs no more places than rows that could take them.
    places = np.minimum(places, eligible.sum(axis=0))
    slot_column = np.repeat(np.arange(len(places)), places)
    if not len(rows) or not len(slot_column):
        return []
    # An ineligible pair is worth 0, as much as leaving both unmatched; such pairs are dropped below.
    value = np.where(eligible, values, 0)[rows].T
    # Cost = -value with one row per free place, C-ordered as the solver wants it.
    cost = np.take(value, slot_column, axis=0).astype(np.float64)
    from scipy.optimize import linear_sum_assignment  # loaded here: every process would pay ~0.5 s

    slot_idx, row_idx = linear_sum_assignment(np.negative(cost, out=cost))
    return [
        (int(r), int(c)) for r, c in zip(rows[row_idx], slot_column[slot_idx], strict=True) if eligible[r, c]
    ]
