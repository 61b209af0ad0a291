#!/usr/bin/env bash
# `make run`: migrate, seed the demo and serve it; once the web server answers, a
# Celery worker, a worker for the reminder scan and beat beside it (they start
# after it, so the first page does not wait for them). Ctrl-C stops them all.
set -euo pipefail
BIN=.venv/bin
export PORT=${PORT:-8000}  # settings.SITE_URL follows it: links in emails point here

if (: >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Something already answers on port $PORT; PORT=8001 make run serves elsewhere." >&2
  exit 1
fi

server=
stop() {
  trap - INT TERM EXIT
  set +e  # stop everything, whatever is already gone
  echo "Stopping the web server, worker and beat…"
  # Background jobs of a script ignore SIGINT, so each gets SIGTERM by name; the
  # web server first, so its loop below ends instead of starting it again.
  [ -n "$server" ] && pkill -TERM -P "$server" 2>/dev/null
  pkill -TERM -P $$ 2>/dev/null
  kill -TERM $(jobs -p) 2>/dev/null
  wait 2>/dev/null
}
trap stop INT TERM EXIT

# Migrations, the demo and the web server in one process (Django starts once:
# demo/management/commands/serve_demo.py), under Django's autoreloader. Its
# first process would only start Django to run the server again in a child
# (RUN_MAIN=true) whenever that exits with 3 (code changed); this loop does that
# job without starting Django, and restarts plain runserver.
serve() {
  local command=serve_demo code
  while :; do
    code=0
    RUN_MAIN=true "$BIN/python" manage.py "$command" "127.0.0.1:$PORT" || code=$?
    [ "$code" = 3 ] || return "$code"
    command=runserver
  done
}
serve &
server=$!
# Until the port answers (bash's /dev/tcp: no curl needed); give up if the server died.
until (: >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server"
    exit 1
  fi
  sleep 0.1
done

"$BIN/celery" -A mentoring worker --loglevel=INFO --concurrency=2 &
# The reminder scan's own queue and worker: it never waits behind slow sends.
"$BIN/celery" -A mentoring worker --loglevel=INFO --concurrency=1 -n scans@%h \
  -Q "${CELERY_SCAN_QUEUE:-${CELERY_TASK_DEFAULT_QUEUE:-mentoring}-scans}" &
"$BIN/celery" -A mentoring beat --loglevel=INFO &

cat <<MSG

  Mentoring is running at http://127.0.0.1:$PORT/
  Demo logins (password: mentoring-demo):
    admin@example.com     program admin (and site admin)
    mentor@example.com    mentor in an active partnership
    protege@example.com   protégé in that partnership
    outsider@example.com  in no partnership
  Ctrl-C stops the web server, the worker and beat.

MSG
wait
