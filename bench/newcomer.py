"""`make newcomer`: how long a newcomer waits for the first page of a fresh
clone's `make run`, with the package cache warm (the usual state) and cold.

Each run clones the current commit into a temporary folder, starts `make run`
there on a free port with none of the project's settings in the environment
(as on a newcomer's machine: SQLite and the file-system broker in var/), and
times it until GET / answers 200 after its redirect to the sign-in page. Cold
means empty pip and uv caches in the temporary folder, so every package is
downloaded. Everything started is stopped and the folder removed, whatever
happens. Needs only the standard library, git and make.
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 15.0
TIMEOUT_SECONDS = 600.0
# What the project reads from the environment, and make's own variables: a
# newcomer has none of them, and an outer `make bench` must not lend its own.
CLEARED_PREFIXES = (
    "DJANGO_", "CELERY_", "REMINDER_", "EMAIL_", "SESSION_", "ADMIN_SESSION_", "SITE_", "PAGE_CACHE_", "MAKE",
)  # fmt: skip
CLEARED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "DEFAULT_FROM_EMAIL",
    "REQUIRE_MFA_FOR_ADMINS",
    "PORT",
    "MFLAGS",
    "VIRTUAL_ENV",
    "PYTHONPATH",
}
# Lines of `make run` that end a phase, in order: the split printed beside each time.
PHASES = (
    ("install", "Installed the locked dependencies"),
    ("migrate and seed", "Demo program '"),
    ("server start", "Quit the server with"),
)


@dataclass
class Run:
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        split, last = [], 0.0
        for name, at in self.phases.items():
            split.append(f"{name} {at - last:.1f}")
            last = at
        split.append(f"first page {self.seconds - last:.1f}")
        return f"{self.seconds:.1f} s ({', '.join(split)})"


def first_page_seconds(*, timeout: float = TIMEOUT_SECONDS) -> dict:
    """Seconds from `make run` in a fresh clone to its first page, with the
    package cache warm and cold: {"warm_seconds": …, "cold_seconds": …}."""
    warm = time_first_page(cold=False, timeout=timeout)
    cold = time_first_page(cold=True, timeout=timeout)
    return {"warm_seconds": round(warm.seconds, 1), "cold_seconds": round(cold.seconds, 1)}


def time_first_page(*, cold: bool, timeout: float = TIMEOUT_SECONDS) -> Run:
    """One fresh clone's `make run`, timed to its first page. Warm: the user's
    package caches, filled first by an untimed install if they are empty."""
    folder = Path(tempfile.mkdtemp(prefix="mentoring-newcomer-"))
    try:
        clone = folder / "mentoring"
        _clone_current_commit(clone)
        env = _newcomer_env(folder / "cache" if cold else None)
        if not cold:
            # Fills the caches when this machine has never installed (no-op cost when warm).
            subprocess.run(["scripts/install.sh"], cwd=clone, env=env, check=True, capture_output=True)
            shutil.rmtree(clone / ".venv")
        return _time_make_run(clone, env, timeout)
    finally:
        _stop_everything_in(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _clone_current_commit(clone: Path) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", commit], cwd=clone, check=True)


def _newcomer_env(cache: Path | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in CLEARED and not name.startswith(CLEARED_PREFIXES)
    }
    env["PORT"] = str(_free_port())
    env["PYTHONUNBUFFERED"] = "1"  # output line by line, so each phase ends when it is printed
    if cache is not None:
        cache.mkdir()
        env |= {
            "XDG_CACHE_HOME": str(cache),  # uv fetched for the project lives here too
            "PIP_CACHE_DIR": str(cache / "pip"),
            "UV_CACHE_DIR": str(cache / "uv"),
        }
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _time_make_run(clone: Path, env: dict[str, str], timeout: float) -> Run:
    url = f"http://127.0.0.1:{env['PORT']}/"
    lines: list[str] = []
    phases: dict[str, float] = {}
    start = time.monotonic()
    # A session of its own: the whole group is stopped at the end, workers included.
    make_run = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    reader = threading.Thread(target=_read_output, args=(make_run, start, lines, phases), daemon=True)
    reader.start()
    try:
        while True:
            if _answers(url):
                return Run(time.monotonic() - start, dict(phases))
            if make_run.poll() is not None:
                raise RuntimeError(f"make run stopped (exit {make_run.returncode}):\n{_tail(lines)}")
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"no first page in {timeout:.0f} s:\n{_tail(lines)}")
            time.sleep(0.1)
    finally:
        _stop_group(make_run)
        reader.join(timeout=5)


def _read_output(process: subprocess.Popen, start: float, lines: list[str], phases: dict[str, float]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip())
        for name, marker in PHASES:
            if name not in phases and marker in line:
                phases[name] = time.monotonic() - start


def _answers(url: str) -> bool:
    """GET / answers 200 once redirected to the sign-in page (no proxy for 127.0.0.1)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to make run's whole process group (run.sh stops its own children
    on it), SIGKILL to what is left after a grace period."""
    for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(process.pid):
            break


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_everything_in(folder: Path) -> None:
    """SIGKILL to any process still working in the folder (one that left the
    group); Linux only, where /proc tells a process's folder."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = (entry / "cwd").readlink()
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)


def _tail(lines: list[str], count: int = 30) -> str:
    return "\n".join(lines[-count:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm-only", action="store_true", help="skip the cold-cache run")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per run")
    args = parser.parse_args()
    warm = time_first_page(cold=False, timeout=args.timeout)
    met = "met" if warm.seconds <= GOAL_SECONDS else "missed"
    print(f"A fresh clone's make run, first page with the package cache warm: {warm.describe()}")
    print(f"  goal ≤ {GOAL_SECONDS:.0f} s: {met}")
    if not args.warm_only:
        cold = time_first_page(cold=True, timeout=args.timeout)
        print(f"  with the package cache cold: {cold.describe()}")


if __name__ == "__main__":
    sys.exit(main())
