#!/usr/bin/env bash
# The first README command: set everything up and serve the portal with a real worker.
#   embedded default: SQLite + kombu's file-system broker under var/, one worker (with beat)
#   set DATABASE_URL / REDIS_URL to use PostgreSQL / Redis instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh requirements.txt
export DEBUG=${DEBUG:-true}
PORT=${PORT:-8000}
PY=.venv/bin/python
mkdir -p var

echo "==> migrating the database"
$PY manage.py migrate --no-input -v 0
echo "==> loading seeds/"
$PY manage.py load_seeds || echo "   (some seed files were skipped; see the messages above)"
$PY manage.py ensure_admin

echo "==> starting a Celery worker (log: var/worker.log)"
.venv/bin/celery -A intelportal worker --beat --schedule var/celerybeat-schedule \
  --concurrency 2 --loglevel INFO >var/worker.log 2>&1 &
WORKER=$!
trap 'echo "==> stopping the worker"; kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

echo "==> serving http://127.0.0.1:$PORT/ (Ctrl-C stops the portal and the worker)"
$PY manage.py runserver "127.0.0.1:$PORT"
