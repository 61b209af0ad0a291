#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis the tests use answer: starts local ones
# that are installed but stopped, and says plainly what is missing otherwise.
set -uo pipefail
PY=${PY:-.venv/bin/python}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentoring}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}

pg_ok() { "$PY" - "$DATABASE_URL" <<'PY' 2>/dev/null
import sys, urllib.parse, psycopg
url = urllib.parse.urlsplit(sys.argv[1])
# The server answers if we can reach its maintenance database.
psycopg.connect(urllib.parse.urlunsplit(url._replace(path="/postgres")), connect_timeout=3).close()
PY
}
redis_ok() { "$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()' "$REDIS_URL" 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! pg_ok; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "Starting the local PostgreSQL…"
    for version in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$version" main start || true; done
  fi
  if ! wait_for pg_ok; then
    echo "PostgreSQL does not answer at $DATABASE_URL." >&2
    echo "Install it (Debian/Ubuntu: apt-get install postgresql) and start it, or set DATABASE_URL to one that runs." >&2
    exit 1
  fi
fi

if ! redis_ok; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting the local Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  fi
  if ! wait_for redis_ok; then
    echo "Redis does not answer at $REDIS_URL." >&2
    echo "Install it (Debian/Ubuntu: apt-get install redis-server) and start it, or set REDIS_URL to one that runs." >&2
    exit 1
  fi
fi
echo "PostgreSQL and Redis answer."
