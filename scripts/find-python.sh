#!/usr/bin/env bash
# Prints the first Python 3.12+ on PATH (3.13 preferred, as in .python-version).
for candidate in python3.13 python3.12 python3 python; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "Mentoring needs Python 3.12 or newer; install it (https://www.python.org/downloads/) and try again." >&2
exit 1
