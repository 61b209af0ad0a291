#!/usr/bin/env bash
# `make install`: .venv with the project's dependencies and its dev extra, held to
# requirements.lock. Uses uv when it can be had, since its cache makes a fresh
# clone's install take seconds instead of half a minute; otherwise pip, as before.
set -euo pipefail
VENV=.venv
UV_VERSION=0.13.8  # fetched from PyPI once per user when no uv is on PATH

PY=$(scripts/find-python.sh)

# A uv on PATH, or one kept beside the package caches, fetched once with pip.
find_uv() {
  if command -v uv >/dev/null 2>&1; then
    command -v uv
    return
  fi
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/mentoring/uv-$UV_VERSION" tmp
  if [ ! -x "$dir/bin/uv" ]; then
    mkdir -p "$(dirname "$dir")"
    tmp=$(mktemp -d "$dir.XXXXXX")
    if PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
      "$PY" -m pip install --quiet --target "$tmp" "uv==$UV_VERSION" >/dev/null 2>&1; then
      mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"  # another install may have won
    else
      rm -rf "$tmp"
      return 1
    fi
  fi
  "$dir/bin/uv" --version >/dev/null 2>&1 && echo "$dir/bin/uv"
}

install_with_uv() {
  local uv=$1
  if [ ! -x "$VENV/bin/python" ]; then
    # --seed: pip inside, as in a venv made by Python itself.
    "$uv" venv --quiet --seed --python "$PY" "$VENV" || return 1
  fi
  # The project's declared dependencies, as pip's `-e '.[dev]'` below installs them,
  # without building the project: it has no packages to install (packages = []).
  "$uv" pip install --quiet --python "$VENV/bin/python" -c requirements.lock -r pyproject.toml --extra dev
}

install_with_pip() {
  test -x "$VENV/bin/python" || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -c requirements.lock -e '.[dev]'
}

if uv=$(find_uv) && install_with_uv "$uv"; then
  echo "Installed the locked dependencies into $VENV (uv)."
else
  echo "Installing the locked dependencies into $VENV with pip…"
  install_with_pip
  echo "Installed the locked dependencies into $VENV (pip)."
fi
