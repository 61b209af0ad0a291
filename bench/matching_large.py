"""Matching at a large company's size: `large()` times `programs.matching.propose` on
20,000 protégés × 5,000 mentors (capacities 1–5, `random_profiles`) in a fresh process
that runs only that, so its peak memory is the whole cost of a proposal, and compares
`propose` with the dense exact optimum on 5,000 × 1,000.

`python -m bench.matching_large` is that fresh process: it prints one JSON line.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LARGE = (20_000, 5_000)
YARDSTICK = (5_000, 1_000)
SEED = 1
MIN_SCORE = 40  # a program's default minimum score


def large() -> dict:
    """{"seconds", "peak_mib"} of `propose` at 20,000 × 5,000 (with "large_total_score",
    "large_matched" and "large_free_places"), and {"optimum_share", "total_score",
    "exact_score"} of `propose` against the dense optimum at 5,000 × 1,000."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "mentoring.settings"),
    }
    child = subprocess.run(
        [sys.executable, "-m", "bench.matching_large"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        raise RuntimeError(f"the proposal at 20,000 × 5,000 failed:\n{child.stderr[-2000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return figures | optimum_share()


def optimum_share(n_proteges: int = YARDSTICK[0], n_mentors: int = YARDSTICK[1]) -> dict:
    """`propose`'s total as a share of the exact optimum (every pair, one column per free place)."""
    from programs import matching

    proteges, mentors = matching.random_profiles(n_proteges, n_mentors, SEED)
    best = matching.propose(proteges, mentors, min_score=MIN_SCORE)
    exact = matching.exact(proteges, mentors, min_score=MIN_SCORE)
    return {
        "optimum_share": round(best.total_score / exact.total_score, 6) if exact.total_score else 1.0,
        "total_score": best.total_score,
        "exact_score": exact.total_score,
    }


def _run_alone() -> dict:
    """What the fresh process measures: one proposal at the large size, and its peak memory."""
    import django

    django.setup()
    from programs import matching

    proteges, mentors = matching.random_profiles(*LARGE, SEED)
    started = time.perf_counter()
    proposal = matching.propose(proteges, mentors, min_score=MIN_SCORE)
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 3),
        "peak_mib": round(peak_mib, 1),
        "large_total_score": proposal.total_score,
        "large_matched": len(proposal.pairs),
        "large_free_places": sum(m.free_places for m in mentors),
    }


if __name__ == "__main__":
    print(json.dumps(_run_alone()))
