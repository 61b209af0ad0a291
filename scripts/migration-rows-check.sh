#!/usr/bin/env bash
# Migrates a demo database made at an older commit with this tree's migrations
# and prints every table's rows before and after; fails if a table lost rows
# or vanished. tests/test_migrations_keep_rows.py checks the same row by row.
#
#   scripts/migration-rows-check.sh [COMMIT]     (default: 860d738)
#
# Works in a git worktree of COMMIT and a scratch database (SCRATCH_DB, default
# mentoring_migr_old) on the server of DATABASE_URL; both go at the end (KEEP=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
COMMIT=${1:-860d738}
SCRATCH_DB=${SCRATCH_DB:-mentoring_migr_old}
SERVER_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentoring}
case "$SCRATCH_DB" in mentoring | mentoring_bench) echo "Refusing to use $SCRATCH_DB." >&2; exit 2 ;; esac
SCRATCH_URL=$("$PY" -c 'import sys, urllib.parse as u; s = u.urlsplit(sys.argv[1]); print(u.urlunsplit(s._replace(path="/" + sys.argv[2])))' "$SERVER_URL" "$SCRATCH_DB")
WORKTREE=$(mktemp -d "${TMPDIR:-/tmp}/migration-rows.XXXXXX")
BEFORE=$WORKTREE.before.tsv
AFTER=$WORKTREE.after.tsv

database() {  # database create|drop
  "$PY" - "$SERVER_URL" "$SCRATCH_DB" "$1" <<'PY'
import sys, urllib.parse, psycopg
from psycopg import sql
url, name, action = sys.argv[1:]
maintenance = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
with psycopg.connect(maintenance, autocommit=True) as conn:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    if action == "create":
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PY
}

counts() {  # every table of the scratch database and its rows, tab-separated
  "$PY" - "$SCRATCH_URL" <<'PY'
import sys, psycopg
from psycopg import sql
with psycopg.connect(sys.argv[1]) as conn:
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    for table in tables:
        (n,) = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        print(f"{table}\t{n}")
PY
}

cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    git worktree remove --force "$WORKTREE" 2>/dev/null || true
    database drop || true
    rm -f "$BEFORE" "$AFTER"
  fi
}
trap cleanup EXIT

git worktree add --quiet --detach "$WORKTREE" "$COMMIT"
database create
export DATABASE_URL=$SCRATCH_URL DJANGO_ENV=development
echo "== $COMMIT: migrate and seed_demo"
(cd "$WORKTREE" && "$PY" manage.py migrate --no-input -v 0 && "$PY" manage.py seed_demo >/dev/null)
counts >"$BEFORE"
echo "== this tree: migrate"
"$PY" manage.py migrate --no-input -v 0
counts >"$AFTER"

"$PY" - "$BEFORE" "$AFTER" <<'PY'
import sys
before, after = ({t: int(n) for t, n in (line.split("\t") for line in open(p))} for p in sys.argv[1:])
lost = 0
print(f"{'table':<45} {'before':>7} {'after':>7}")
for table in sorted(before.keys() | after.keys()):
    old, new = before.get(table), after.get(table)
    note = ""
    if new is None:
        note, lost = "GONE", lost + 1
    elif old is None:
        note = "new"
    elif new < old:
        note, lost = "LOST ROWS", lost + 1
    elif new > old:
        note = "grew"  # migrations recorded, content types and permissions of new models
    print(f"{table:<45} {'-' if old is None else old:>7} {'-' if new is None else new:>7}  {note}")
print("every row kept" if not lost else f"{lost} table(s) lost rows")
sys.exit(1 if lost else 0)
PY
