#!/usr/bin/env bash
# Proves that a worker installed from requirements.txt ALONE can use Redis.
#
# The test suite runs in .venv, where the dev requirements bring packages the runtime list
# may forget: kombu's Redis transport imports `packaging`, which pytest pulls in, so the
# suite passed while a production worker with REDIS_URL set died at start. This check builds
# a throwaway virtualenv from requirements.txt only (var/runtime-venv, rebuilt only when
# requirements.txt changes), starts `celery worker` on Redis with production settings and a
# SQLite database under var/, loads seeds/ (which queues their processing through Redis) and
# waits until the worker has enriched every article.
#
# scripts/test.sh runs it (after the lint and deploy checks, before pytest). Redis database 14 on 127.0.0.1:6379 is reserved for it (it is
# emptied first). Without Redis it skips, unless CI is set: then that is a failure.
#   CHECK_TIMEOUT_SECONDS (default 180): how long the worker may take.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
BROKER_URL=redis://127.0.0.1:6379/14
TIMEOUT=${CHECK_TIMEOUT_SECONDS:-180}
VENV=var/runtime-venv
WORK=$PWD/var/runtime-check

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  if [ -n "${CI:-}" ]; then
    echo "Redis is not reachable on 127.0.0.1:6379, and CI requires the runtime worker check." >&2
    exit 1
  fi
  echo "   SKIPPED: nothing answers on 127.0.0.1:6379 (set CI=true to make this fatal)"
  exit 0
fi

want="$(sha256sum requirements.txt | cut -d' ' -f1) $("$PYTHON" --version 2>&1)"
if [ "$(cat "$VENV/.requirements-stamp" 2>/dev/null)" != "$want" ]; then
  echo "   building $VENV from requirements.txt only"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" >"$VENV/.requirements-stamp"
fi

# A clean environment: nothing from the caller's shell or .venv (no PYTHONPATH, no
# activated virtualenv), production settings, a database and broker of this check's own.
rm -rf "$WORK"
mkdir -p "$WORK"
run=(env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=$HOME" "LANG=C.UTF-8"
  DEBUG=false "SECRET_KEY=runtime-check-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  ALLOWED_HOSTS=intel.example "INTELPORTAL_VAR_DIR=$WORK" "DATABASE_URL=sqlite:///$WORK/db.sqlite3"
  "REDIS_URL=$BROKER_URL")
py=("${run[@]}" "$VENV/bin/python")

fail() {
  echo "FAILED: $1" >&2
  echo "--- last lines of $WORK/worker.log:" >&2
  tail -n 40 "$WORK/worker.log" >&2 || true
  exit 1
}

if "${py[@]}" -c "import pytest" 2>/dev/null; then
  fail "$VENV can import pytest: it is not a runtime-only environment"
fi
# Messages left by an interrupted earlier run would be consumed first, against a database
# that no longer exists.
"${py[@]}" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$BROKER_URL"
"${py[@]}" manage.py migrate --no-input -v 0 2>>"$WORK/manage.log" || fail "migrate (see $WORK/manage.log)"

"${run[@]}" "$VENV/bin/celery" -A intelportal worker --loglevel INFO --concurrency 1 \
  --without-gossip --without-mingle -n "runtime-check-$$@%h" >"$WORK/worker.log" 2>&1 &
WORKER=$!
trap 'kill -TERM $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT

started=$SECONDS
"${py[@]}" manage.py load_seeds >"$WORK/load_seeds.log" 2>&1 || fail "load_seeds (see $WORK/load_seeds.log)"

count_statuses='
from collections import Counter
from articles.models import Article
counts = Counter(Article.objects.values_list("processing_status", flat=True))
print(counts["done"], sum(counts.values()), counts["failed"])'
while true; do
  if ! kill -0 "$WORKER" 2>/dev/null; then
    code=0
    wait "$WORKER" || code=$?
    fail "the worker exited (status $code) before enriching the seeds"
  fi
  counts=$("${py[@]}" manage.py shell -v 0 -c "$count_statuses" 2>>"$WORK/manage.log") ||
    fail "could not read the articles' status (see $WORK/manage.log)"
  read -r done total failed <<<"$counts"
  [ "$total" -gt 0 ] || fail "load_seeds created no article"
  [ "$failed" -eq 0 ] || fail "the worker marked $failed article(s) FAILED"
  [ "$done" -eq "$total" ] && break
  [ $((SECONDS - started)) -lt "$TIMEOUT" ] || fail "$done of $total article(s) enriched after ${TIMEOUT}s"
  sleep 1
done
echo "   ok: a virtualenv with only requirements.txt ran \`celery worker\` on Redis ($BROKER_URL)" \
  "with DEBUG=false; load_seeds queued $total article(s) through Redis; the worker enriched" \
  "them all (DONE) in $((SECONDS - started))s"
