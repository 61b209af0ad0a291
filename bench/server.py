"""The benchmark's server: the app under gunicorn on 127.0.0.1, set up as
production runs it (production settings, persistent database connections,
Redis for the cache), and signed-in sessions for the people it is measured as."""

import os
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DATABASE", "mentoring_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# A Redis database of the benchmark's own, emptied at the start of each run.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Read by gunicorn when present (production's image runs from the repository root too).
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
# Without a gunicorn.conf.py: the worker count production's image gets on this machine.
WEB_CONCURRENCY = "2"
# The server runs in production mode; this process signs its sessions with the same key.
SERVER_ENV = {
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "REDIS_URL": BENCH_REDIS_URL,
}


def setup_django(database: str) -> None:
    """Django in this process, on the benchmark's database and cache, to count
    queries and make sessions the server accepts."""
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.update(SERVER_ENV)
    import django

    django.setup()


def empty_cache() -> None:
    """Starts from a cold, empty cache, so no run reads another's entries."""
    import redis

    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()


def gunicorn_settings() -> tuple[list[str], dict[str, str], str]:
    """The command-line flags, environment and a one-line description of the
    gunicorn settings: a gunicorn.conf.py at the repository root when there is
    one (its worker count included, when it sets one), otherwise the flags of
    production's image with WEB_CONCURRENCY workers."""
    bind = ["--bind", f"127.0.0.1:{PORT}"]
    if not GUNICORN_CONF.exists():
        flags = [*bind, "--access-logfile", "-", "--log-level", "warning"]
        return flags, {"WEB_CONCURRENCY": WEB_CONCURRENCY}, f"gunicorn flags, {WEB_CONCURRENCY} sync workers"
    conf: dict = {}
    # Read as gunicorn reads it, in the server's environment (without WEB_CONCURRENCY).
    outer = os.environ.pop("WEB_CONCURRENCY", None)
    try:
        exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), conf)
    finally:
        if outer is not None:
            os.environ["WEB_CONCURRENCY"] = outer
    env = {} if "workers" in conf else {"WEB_CONCURRENCY": WEB_CONCURRENCY}
    workers = conf.get("workers", WEB_CONCURRENCY)
    described = ", ".join(
        [f"{GUNICORN_CONF.name}: {workers} workers", f"worker_class {conf.get('worker_class', 'sync')}"]
        + [f"{name} {conf[name]}" for name in ("threads", "worker_connections", "keepalive") if name in conf]
    )
    return ["--config", str(GUNICORN_CONF), *bind], env, described


def start_server() -> tuple[subprocess.Popen, str]:
    """Serves the app and waits until it answers; returns the server and how it is set up."""
    flags, gunicorn_env, described = gunicorn_settings()
    env = {
        **{k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"},
        "DATABASE_URL": f"{SERVER_URL}/{BENCH_DB}",
        **SERVER_ENV,
        "DJANGO_ENV": "production",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        **gunicorn_env,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentoring.wsgi:application", *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            conn = HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, described
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def session_cookie(email: str) -> str:
    """A signed-in session for ``email``, made the way Django's login makes one,
    with the sign-in stamps the session middlewares read (accounts.security),
    in whichever session store the settings name, and a CSRF cookie."""
    import types
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from accounts.models import User
    from accounts.security import stamp_session

    user = User.objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    stamp_session(sender=User, request=types.SimpleNamespace(session=session), user=user)
    session.save()
    # A browser carries the CSRF cookie its first page set; pages are kept only
    # for a browser that has one (mentoring.page_cache), as every returning one does.
    csrf = get_random_string(32)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
