#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements-stamp
want=$(cat "$@" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing $*"
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  for file in "$@"; do .venv/bin/pip install --quiet --disable-pip-version-check -r "$file"; done
  echo "$want" > "$stamp"
fi
