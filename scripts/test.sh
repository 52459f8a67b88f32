#!/usr/bin/env bash
# The second README command: set up and run the whole suite — lint, migration and deploy
# checks, a worker from requirements.txt alone on Redis, then the tests on SQLite and on
# PostgreSQL. `.ci/run` calls this script.
#   extra arguments go to both pytest runs, e.g.  scripts/test.sh -k seeds
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh requirements-dev.txt
source .venv/bin/activate
unset DATABASE_URL REDIS_URL DEBUG SECRET_KEY || true

# Browser tests drive Debian's Chromium (Playwright's own download cannot work offline).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "   could not install chromium; browser tests will skip (or fail under CI)"
fi

# The browser tests check each page with axe-core from its npm package (pinned in
# package-lock.json); npm ci installs it on a fresh clone, from npm's cache when offline.
if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian's npm for the browser tests' axe-core"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) \
    || echo "   could not install npm; the accessibility checks will skip (or fail under CI)"
fi
if command -v npm >/dev/null; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci (axe-core for the browser tests)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || {
      [ -n "${CI:-}" ] && exit 1
      echo "   npm ci failed; the browser tests' accessibility checks will skip"
    }
  fi
  echo "==> static/vendor/ holds what package-lock.json pins"
  bash scripts/vendor-static.sh --check
elif [ -n "${CI:-}" ]; then
  echo "npm is missing, and CI requires it: the browser tests need axe-core from package-lock.json." >&2
  exit 1
else
  echo "==> SKIPPED npm ci: npm is missing, so the browser tests' accessibility checks will skip"
fi
bash scripts/services.sh

echo "==> ruff"
ruff check .
ruff format --check .
echo "==> migrations are in step with the models"
DEBUG=true python manage.py makemigrations --check --dry-run
echo "==> deploy checks with production settings"
SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" ALLOWED_HOSTS=intel.example \
  python manage.py check --deploy --fail-level WARNING
echo "==> a worker installed from requirements.txt alone runs on Redis"
bash scripts/check-redis-worker.sh

echo "==> tests on SQLite"
pytest "$@"

PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/intelportal}
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "==> tests on PostgreSQL ($PG_URL)"
  DATABASE_URL=$PG_URL pytest "$@"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432, and CI requires the PostgreSQL run." >&2
  exit 1
else
  echo "==> SKIPPED the PostgreSQL run: nothing answers on 127.0.0.1:5432 (set CI=true to make this fatal)"
fi
