"""Settings for the test suite: the real settings module, with a test environment.

pytest-django imports this before any conftest runs, so the environment must be
set here, not in a fixture. Tasks run eagerly unless a test starts a real worker
(tests/test_worker.py), so no test ever feeds a developer's running worker.
"""

import os
from pathlib import Path

_VAR = Path(__file__).resolve().parent.parent / "var" / "test"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("INTELPORTAL_VAR_DIR", str(_VAR))

from intelportal.settings import *  # noqa: E402, F403

# Hashing strength is not under test; a fast hasher keeps persona creation cheap.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT = _VAR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# One test database per test process, so two runs at once (two terminals, a developer and a
# helper script) never share tables. pytest-django creates and drops it.
_TEST_DB = DATABASES["default"].setdefault("TEST", {})  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _TEST_DB["NAME"] = str(_VAR / f"test-db-{os.getpid()}.sqlite3")
else:
    _TEST_DB["NAME"] = f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405

# The count's budget (25 ms) is for a page at scale; a test database is tiny, but a test
# machine under load (two suites at once, a benchmark) can still miss it, and a count that
# stops reads "more than N". The tests of that budget set their own.
LIST_COUNT_BUDGET_MS = 2_000
