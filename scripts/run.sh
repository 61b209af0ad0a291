#!/usr/bin/env bash
# `make run`: migrate, seed the demo, then the web server, a Celery worker, a
# worker for the reminder scan and beat side by side. Ctrl-C stops them all.
set -euo pipefail
BIN=.venv/bin
export PORT=${PORT:-8000}  # settings.SITE_URL follows it: links in emails point here

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo

stop() {
  trap - INT TERM EXIT
  echo "Stopping the web server, worker and beat…"
  # Background jobs of a script ignore SIGINT, so each gets SIGTERM by name.
  pkill -TERM -P $$ 2>/dev/null
  kill -TERM $(jobs -p) 2>/dev/null
  wait 2>/dev/null
}
trap stop INT TERM EXIT
"$BIN/celery" -A mentoring worker --loglevel=INFO --concurrency=2 &
# The reminder scan's own queue and worker: it never waits behind slow sends.
"$BIN/celery" -A mentoring worker --loglevel=INFO --concurrency=1 -n scans@%h \
  -Q "${CELERY_SCAN_QUEUE:-${CELERY_TASK_DEFAULT_QUEUE:-mentoring}-scans}" &
"$BIN/celery" -A mentoring beat --loglevel=INFO &
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" &

sleep 2
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
