"""Runs the benchmark: `python -m bench [--scale full|small]` (see `make bench`).

1. Builds (or reuses, when its scale matches) a PostgreSQL database of its own.
2. Serves the app with gunicorn on 127.0.0.1 as production does (bench/server.py)
   and times each page after a warm-up, as the person who uses it, next to a bare
   view that touches no database, with the server's and database's CPU time per
   request and the busiest pages' throughput (bench/pages.py).
3. Counts each page's SQL queries in the big and the small program.
4. Adds the other figures (matching, a newcomer's first page, …), prints a table
   and writes bench/results.json (BENCH_RESULTS names another file).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.cpu import OthersMeter
from bench.matching_large import large
from bench.newcomer import first_page_seconds
from bench.pages import PAGES, figure, informational, page_figures
from bench.server import BENCH_DB, ROOT, SERVER_URL, empty_cache, session_cookie, setup_django, start_server

RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results.json")).resolve()
# Goals that are context, not goals: the table leaves their "met" column empty.
CONTEXT_GOALS = ("informational", "baseline", "bare view", "context")


def ensure_database(scale: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists:
            with psycopg.connect(f"{SERVER_URL}/{BENCH_DB}") as bench:
                row = bench.execute("SELECT to_regclass('bench_meta') IS NOT NULL").fetchone()
                seeded = row[0] and bench.execute("SELECT scale, migrations FROM bench_meta").fetchone()
            if seeded and seeded == (scale, _migrations_fingerprint()):
                print(f"Reusing the {scale} benchmark database {BENCH_DB}.")
                return
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    print(f"Seeding {BENCH_DB} at {scale} scale…")
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": f"{SERVER_URL}/{BENCH_DB}", "DJANGO_ENV": "development"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-m", "bench.seed_main", scale], cwd=ROOT, env=env, check=True)
    with psycopg.connect(f"{SERVER_URL}/{BENCH_DB}", autocommit=True) as bench:
        bench.execute("CREATE TABLE bench_meta (scale text, migrations text)")
        bench.execute("INSERT INTO bench_meta VALUES (%s, %s)", [scale, _migrations_fingerprint()])
    print(f"Seeded in {time.monotonic() - started:.0f} s.")


def _migrations_fingerprint() -> str:
    """Changes whenever a migration is added or edited, so a stale database is rebuilt."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def csv_report(slug: str) -> dict:
    """Streams the program's partnership report and measures the peak Python
    memory while doing so: flat means it does not grow with the program."""
    import tracemalloc

    from django.test import Client

    from accounts.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(email="admin@example.com"))
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/programs/{slug}/report.csv")
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1  # less the header
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"rows": rows, "seconds": seconds, "peak_mib": peak / 2**20}


def page_paths(people: dict, small_people: dict) -> tuple[dict, dict]:
    """Each page's (big, small) path, with the measured person's own partnership
    and the mentor's membership filled in, and who sees it in each program."""
    from partnerships.models import Partnership
    from programs.models import Participant

    def pair_of(email: str) -> int | None:
        return (
            Partnership.objects.filter(mentor__user__email=email).values_list("pk", flat=True).first()
            or Partnership.objects.filter(protege__user__email=email).values_list("pk", flat=True).first()
        )

    def membership_of(email: str, slug: str) -> int | None:
        return (
            Participant.objects.filter(user__email=email, program__slug=slug)
            .values_list("pk", flat=True)
            .first()
        )

    paths, emails = {}, {}
    for name, who, big_path, small_path, _audience in PAGES:
        big, small = people[who], small_people[who]
        paths[name] = (
            big_path.format(pair=pair_of(big), participant=membership_of(people["mentor"], "big")),
            small_path.format(
                pair=pair_of(small), participant=membership_of(small_people["mentor"], "small")
            ),
        )
        emails[name] = (big, small)
    return paths, emails


def _figures_of(what: str, run: Callable[[], dict], figures: Callable[[dict], dict]) -> dict:
    """``figures`` of what ``run`` measured; a run that fails is printed and its
    figures left out, so one broken measurement does not lose the others."""
    try:
        measured = run()
    except Exception:
        traceback.print_exc()
        print(f"{what} failed; its figures are left out.")
        return {}
    return figures(measured)


def large_matching_figures() -> dict:
    """Matching at a large company's size (bench.matching_large)."""
    return _figures_of(
        "Matching at a large company's size",
        large,
        lambda run: {
            "matching.large.seconds": figure(
                run["seconds"], "s", "< 3 s for 20,000 × 5,000", run["seconds"] < 3
            ),
            "matching.large.peak_mib": figure(run["peak_mib"], "MiB", "< 1,024 MiB", run["peak_mib"] < 1024),
            "matching.optimum_share": figure(
                run["optimum_share"], "of optimum", "≥ 0.99 on 5,000 × 1,000", run["optimum_share"] >= 0.99
            ),
        },
    )


def newcomer_figures() -> dict:
    """A fresh clone's `make run` to its first page (bench.newcomer)."""
    return _figures_of(
        "A newcomer's first page",
        first_page_seconds,
        lambda run: {
            "newcomer.first_page_seconds": figure(
                run["warm_seconds"], "s", "≤ 15 s, package cache warm", run["warm_seconds"] <= 15
            ),
            "newcomer.cold_seconds": informational(
                run["cold_seconds"], "s", "informational: cold package cache"
            ),
        },
    )


def commit_measured() -> str:
    """The commit the server runs, marked when the working tree differs from it
    (the server runs the files as they are). Taken first: others may commit meanwhile."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    args = parser.parse_args()
    commit = commit_measured()
    ensure_database(args.scale)
    setup_django(BENCH_DB)

    from django.conf import settings

    from programs import matching

    results: dict = {}
    people = {"mentor": "mentor@example.com", "protege": "protege@example.com", "admin": "admin@example.com"}
    small_people = {
        "mentor": "mentor0@small.bench",
        "protege": "protege0@small.bench",
        "admin": "admin@example.com",
    }
    paths, emails = page_paths(people, small_people)

    empty_cache()
    server, server_settings = start_server()
    print(f"Serving with {server_settings}.")
    try:
        cookies = {who: session_cookie(email) for who, email in people.items()}
        with OthersMeter(server.pid, BENCH_DB) as others:
            results |= page_figures(server_pid=server.pid, cookies=cookies, paths=paths, emails=emails)
        results["machine.others_cpus"] = informational(others.cpus, "CPUs", "context: ≈ 0 on a quiet machine")
    finally:
        server.terminate()
        server.wait(10)

    run = matching.benchmark(n_proteges=5000, n_mentors=1000)
    results["matching.seconds"] = figure(run["seconds"], "s", "< 2 s for 5,000 × 1,000", run["seconds"] < 2)
    results["matching.total_score"] = figure(
        run["total_score"], "points", "≥ greedy", run["total_score"] >= run["greedy_score"]
    )
    results["matching.greedy_score"] = figure(run["greedy_score"], "points", "baseline", True)
    results |= large_matching_figures()

    big_csv, small_csv = csv_report("big"), csv_report("small")
    flat = big_csv["peak_mib"] < 2 * small_csv["peak_mib"] + 2
    results["report_csv.rows"] = figure(big_csv["rows"], "rows", "one per partnership", big_csv["rows"] >= 10)
    results["report_csv.seconds"] = figure(big_csv["seconds"], "s", "informational", True)
    results["report_csv.peak_mib"] = figure(big_csv["peak_mib"], "MiB", "flat: ≈ the 10-pair program's", flat)
    results["report_csv.peak_mib_small"] = figure(small_csv["peak_mib"], "MiB", "baseline", True)

    from reminders import bench as reminders_bench

    run = reminders_bench.benchmark(partnerships=100_000, due_share=0.05, sends=500)
    results["reminders.scan_seconds"] = figure(
        run["scan_seconds"], "s", "< 2 s at 100,000 pairs, 5 % due", run["scan_seconds"] < 2
    )
    results["reminders.decided"] = figure(run["decided"], "reminders", "informational", True)
    results["reminders.sent_per_second"] = figure(
        run["sends_per_second"], "/s", "≥ 200 per worker", run["sends_per_second"] >= 200
    )

    results |= newcomer_figures()

    import psycopg

    with psycopg.connect(f"{SERVER_URL}/{BENCH_DB}") as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    results["_meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "commit": commit,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "django": __import__("django").get_version(),
        "cpus": os.cpu_count(),
        "scale": args.scale,
        "debug": settings.DEBUG,
        "server": server_settings,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    RESULTS.with_suffix(".md").write_text(markdown_table(results))
    print_table(results)
    print(f"\nWritten to {RESULTS} (and a Markdown table for docs/benchmarks.md beside it).")


def _shown(value) -> str:
    if not isinstance(value, float):
        return f"{value:,}"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def _met(item: dict) -> str:
    """Met or missed for a goal; nothing for a figure given as context."""
    if item["goal"].startswith(CONTEXT_GOALS):
        return ""
    return "met" if item["ok"] else "MISSED"


def markdown_table(results: dict) -> str:
    meta = results["_meta"]
    lines = [
        f"Run on {meta['date']}, commit `{meta['commit']}`, scale {meta['scale']}, Python {meta['python']}, "
        f"PostgreSQL {meta['postgresql']}, Django {meta['django']}, {meta['cpus']} CPUs, "
        f"served with {meta['server']}.",
        "",
        "| figure | value | unit | goal | met |",
        "|---|---:|---|---|---|",
    ]
    for key, item in results.items():
        if not key.startswith("_"):
            met = _met(item).replace("MISSED", "**missed**")
            lines.append(f"| `{key}` | {_shown(item['value'])} | {item['unit']} | {item['goal']} | {met} |")
    return "\n".join(lines) + "\n"


def print_table(results: dict) -> None:
    meta = results["_meta"]
    print(f"\nMentoring benchmark · {meta['date']} · commit {meta['commit']} · scale {meta['scale']} · "
          f"Python {meta['python']} · PostgreSQL {meta['postgresql']} · {meta['cpus']} CPUs\n"
          f"Served with {meta['server']}\n")  # fmt: skip
    print(f"{'figure':<40} {'value':>12} {'unit':<10} {'goal':<34} met")
    print("-" * 104)
    for key, item in results.items():
        if not key.startswith("_"):
            print(f"{key:<40} {_shown(item['value']):>12} {item['unit']:<10} {item['goal']:<34} {_met(item)}")


if __name__ == "__main__":
    main()
