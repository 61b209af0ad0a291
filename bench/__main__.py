"""Runs the benchmark: `python -m bench [--scale full|small]` (see `make bench`).

1. Builds (or reuses, when its scale matches) a PostgreSQL database of its own.
2. Serves the app with gunicorn on 127.0.0.1 and times each page after a warm-up,
   as the person who uses it, next to a bare view that touches no database.
3. Counts each page's SQL queries in the big and the small program.
4. Adds the other figures (matching, …), prints a table and writes bench/results.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DATABASE", "mentoring_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WARMUP, SAMPLES = 20, 200
PAGE_BUDGET_SECONDS, MIN_SAMPLES = 30, 10
# The server runs in production mode; this process signs its sessions with the same key.
SERVER_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}

# name, who, path in the big program, path in the small program, audience.
# {pair} is the measured person's own partnership in that program.
PAGES = [
    ("my_home", "mentor", "/", "/", "pair"),
    ("partnership_home", "mentor", "/partnerships/{pair}/", "/partnerships/{pair}/", "pair"),
    ("goals", "protege", "/partnerships/{pair}/goals/", "/partnerships/{pair}/goals/", "pair"),
    (
        "rating_form",
        "protege",
        "/partnerships/{pair}/ratings/new/",
        "/partnerships/{pair}/ratings/new/",
        "pair",
    ),
    ("call_log", "mentor", "/partnerships/{pair}/sessions/", "/partnerships/{pair}/sessions/", "pair"),
    ("homework", "protege", "/partnerships/{pair}/homework/", "/partnerships/{pair}/homework/", "pair"),
    ("program_list", "admin", "/programs/", "/programs/", "admin"),
    ("program_overview", "admin", "/programs/big/", "/programs/small/", "admin"),
    ("people", "admin", "/programs/big/people/", "/programs/small/people/", "admin"),
    ("matching_board", "admin", "/programs/big/matching/", "/programs/small/matching/", "admin"),
]
GOALS = {
    "pair": {"p50_ms": 50, "p95_ms": 150, "ratio": 15},
    "admin": {"p50_ms": 150, "p95_ms": 400, "ratio": 60},
}


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.update(SERVER_ENV)
    import django

    django.setup()


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


def session_cookie(email: str) -> str:
    """A signed-in session for ``email``, made the way Django's login makes one,
    with the sign-in stamps the session middlewares read (accounts.security)."""
    import types

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from accounts.security import stamp_session

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    stamp_session(sender=User, request=types.SimpleNamespace(session=session), user=user)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_server() -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER_URL}/{BENCH_DB}",
        **SERVER_ENV,
        "DJANGO_ENV": "production",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentoring.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def time_page(path: str, cookie: str | None) -> dict:
    """Median and 95th percentile of the page's time, after a warm-up, over up to
    SAMPLES requests; a slow page stops after PAGE_BUDGET_SECONDS (at least
    MIN_SAMPLES), so one slow page cannot stretch the run to hours."""
    conn = HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"X-Forwarded-Proto": "https"} | ({"Cookie": cookie} if cookie else {})

    def fetch() -> float:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        return (time.perf_counter() - started) * 1000

    deadline = time.perf_counter() + PAGE_BUDGET_SECONDS
    for _ in range(WARMUP):
        if fetch() > 1000:
            break  # a slow page needs no long warm-up
    timings: list[float] = []
    while len(timings) < SAMPLES and (len(timings) < MIN_SAMPLES or time.perf_counter() < deadline):
        timings.append(fetch())
    conn.close()
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[max(int(len(timings) * 0.95) - 1, 0)]}


def count_queries(path: str, email: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(email=email))
    client.get(path)  # warm caches that are not per request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


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


def figure(value, unit: str, goal: str, ok: bool) -> dict:
    return {
        "value": round(value, 3) if isinstance(value, float) else value,
        "unit": unit,
        "goal": goal,
        "ok": ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    args = parser.parse_args()
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

    from partnerships.models import Partnership

    pair_ids = {
        email: Partnership.objects.filter(mentor__user__email=email).values_list("pk", flat=True).first()
        or Partnership.objects.filter(protege__user__email=email).values_list("pk", flat=True).first()
        for email in [*people.values(), *small_people.values()]
    }

    server = start_server()
    try:
        cookies = {who: session_cookie(email) for who, email in people.items()}
        floor = time_page("/healthz", None)
        results["pages.floor.p50_ms"] = figure(floor["p50"], "ms", "bare view, no database", True)
        results["pages.floor.p95_ms"] = figure(floor["p95"], "ms", "bare view, no database", True)
        for name, who, big_path, small_path, audience in PAGES:
            goal = GOALS[audience]
            big_path = big_path.format(pair=pair_ids[people[who]])
            small_path = small_path.format(pair=pair_ids[small_people[who]])
            timing = time_page(big_path, cookies[who])
            ratio = timing["p50"] / floor["p50"]
            queries = count_queries(big_path, people[who])
            queries_small = count_queries(small_path, small_people[who])
            key = f"pages.{name}"
            results[f"{key}.p50_ms"] = figure(
                timing["p50"], "ms", f"< {goal['p50_ms']} ms", timing["p50"] < goal["p50_ms"]
            )
            results[f"{key}.p95_ms"] = figure(
                timing["p95"], "ms", f"< {goal['p95_ms']} ms", timing["p95"] < goal["p95_ms"]
            )
            results[f"{key}.ratio_to_floor"] = figure(
                ratio, "×", f"≤ {goal['ratio']}×", ratio <= goal["ratio"]
            )
            results[f"{key}.queries"] = figure(
                queries, "queries", "= small program", queries == queries_small
            )
            results[f"{key}.queries_small"] = figure(
                queries_small, "queries", "= big program", queries == queries_small
            )
    finally:
        server.terminate()
        server.wait(10)

    run = matching.benchmark(n_proteges=5000, n_mentors=1000)
    results["matching.seconds"] = figure(run["seconds"], "s", "< 2 s for 5,000 × 1,000", run["seconds"] < 2)
    results["matching.total_score"] = figure(
        run["total_score"], "points", "≥ greedy", run["total_score"] >= run["greedy_score"]
    )
    results["matching.greedy_score"] = figure(run["greedy_score"], "points", "baseline", True)

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

    import psycopg

    with psycopg.connect(f"{SERVER_URL}/{BENCH_DB}") as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results["_meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "commit": commit,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "django": __import__("django").get_version(),
        "cpus": os.cpu_count(),
        "scale": args.scale,
        "debug": settings.DEBUG,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    RESULTS.with_suffix(".md").write_text(markdown_table(results))
    print_table(results)
    print(
        f"\nWritten to {RESULTS.relative_to(ROOT)} (and a Markdown table for docs/benchmarks.md beside it)."
    )


def markdown_table(results: dict) -> str:
    meta = results["_meta"]
    lines = [
        f"Run on {meta['date']}, commit `{meta['commit']}`, scale {meta['scale']}, Python {meta['python']}, "
        f"PostgreSQL {meta['postgresql']}, Django {meta['django']}, {meta['cpus']} CPUs.",
        "",
        "| figure | value | unit | goal | met |",
        "|---|---:|---|---|---|",
    ]
    for key, item in results.items():
        if not key.startswith("_"):
            value = f"{item['value']:,.1f}" if isinstance(item["value"], float) else f"{item['value']:,}"
            lines.append(
                f"| `{key}` | {value} | {item['unit']} | {item['goal']} | {'yes' if item['ok'] else '**missed**'} |"
            )
    return "\n".join(lines) + "\n"


def print_table(results: dict) -> None:
    meta = results["_meta"]
    print(f"\nMentoring benchmark · {meta['date']} · commit {meta['commit']} · scale {meta['scale']} · "
          f"Python {meta['python']} · PostgreSQL {meta['postgresql']} · {meta['cpus']} CPUs\n")  # fmt: skip
    print(f"{'figure':<40} {'value':>12} {'unit':<8} {'goal':<26} ok")
    print("-" * 92)
    for key, item in results.items():
        if key.startswith("_"):
            continue
        value = f"{item['value']:,.1f}" if isinstance(item["value"], float) else f"{item['value']:,}"
        print(
            f"{key:<40} {value:>12} {item['unit']:<8} {item['goal']:<26} {'yes' if item['ok'] else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
