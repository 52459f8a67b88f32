#!/usr/bin/env bash
# The first README command: set everything up and serve the portal with a real worker.
#   embedded default: SQLite + kombu's file-system broker under var/, one worker (with beat)
#   set DATABASE_URL / REDIS_URL to use PostgreSQL / Redis instead.
# This is the development server. A deployment runs gunicorn, a worker and beat as separate
# services instead (docs/deploy.md).
#
# Stopping: Ctrl-C, or SIGTERM to this script's PID alone, stops the web server and the
# worker, waits for both, and exits 0 (so `make run` ends without an error). If either child
# dies on its own, the other is stopped too and the script exits with the child's status.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh requirements.txt
export DEBUG=${DEBUG:-true}
PORT=${PORT:-8000}
PY=.venv/bin/python
VAR_DIR=${INTELPORTAL_VAR_DIR:-var}
mkdir -p "$VAR_DIR"

echo "==> migrating the database"
$PY manage.py migrate --no-input -v 0
echo "==> loading seeds/"
$PY manage.py load_seeds || echo "   (some seed files were skipped; see the messages above)"
$PY manage.py ensure_admin

WORKER="" SERVER="" WORKER_GROUP=""
stop_children() {
  # kill and wait on the two children by PID: a signal sent to this script alone (not to
  # its process group) must not leave them running. The worker's warm shutdown lets a
  # running task finish; tasks are idempotent, so a later redelivery is harmless anyway.
  # The worker runs in a process group of its own (setsid below). Its main process is
  # stopped first (its warm shutdown stops its pool and beat); whatever of the group is
  # left after that — orphans of a worker that a SIGKILL took — is stopped as a group.
  local pids
  pids=$(echo "$SERVER $WORKER" | xargs)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    # shellcheck disable=SC2086
    wait $pids 2>/dev/null || true
  fi
  stop_worker_group
  SERVER="" WORKER=""  # reaped: never signal these PIDs again (they may be reused)
}
stop_worker_group() {
  # what is left of the worker's group after its main process ended: TERM, then KILL
  [ -n "$WORKER_GROUP" ] || return 0
  kill -TERM -- "-$WORKER_GROUP" 2>/dev/null || { WORKER_GROUP=""; return 0; }
  for _ in $(seq 50); do
    kill -0 -- "-$WORKER_GROUP" 2>/dev/null || { WORKER_GROUP=""; return 0; }
    sleep 0.1
  done
  kill -KILL -- "-$WORKER_GROUP" 2>/dev/null || true
  WORKER_GROUP=""
}
on_signal() {
  trap - INT TERM
  echo
  echo "==> stopping the web server and the worker"
  stop_children
  exit 0
}
# A failure (set -e) after the worker started must not leave it behind either.
trap 'status=$?; trap - EXIT; stop_children; exit $status' EXIT
trap on_signal INT TERM

echo "==> starting a Celery worker (log: $VAR_DIR/worker.log)"
# setsid: a process group of its own (its PID), so stop_children can reach every process of
# it. A background child of this script is never a group leader, so setsid does not fork and
# $! is the worker itself.
setsid .venv/bin/celery -A intelportal worker --beat --schedule "$VAR_DIR/celerybeat-schedule" \
  --concurrency 2 --loglevel INFO >"$VAR_DIR/worker.log" 2>&1 &
WORKER=$!
WORKER_GROUP=$WORKER

echo "==> serving http://127.0.0.1:$PORT/ (Ctrl-C stops the portal and the worker)"
# In the background, so that this shell is free to run its trap the moment a signal comes
# (bash defers traps while a foreground command runs).
$PY manage.py runserver "127.0.0.1:$PORT" &
SERVER=$!

# Returns when either child exits, or at once when a trapped signal arrives.
status=0
wait -n "$SERVER" "$WORKER" || status=$?
if kill -0 "$SERVER" 2>/dev/null; then
  WORKER=""
  echo "==> the worker stopped (status $status; see $VAR_DIR/worker.log); stopping the web server" >&2
else
  SERVER=""
  echo "==> the web server stopped (status $status); stopping the worker" >&2
fi
exit "$status"
