"""Intel Portal settings: everything comes from environment variables.

The table of variables lives in docs/settings.md; keep the two in step. With
no variables at all the portal runs on SQLite with a file-system Celery broker
under ``var/`` (the "embedded default"); ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from intelportal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INTELPORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE) "
            "to a long random string, or set DEBUG=true for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",  # its system checks catch a policy written in django-csp's old settings format
    "axes",
    "accounts",
    "articles",
    "workspace",
    "briefs",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "intelportal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or the database: a NUL would crash PostgreSQL.
    "intelportal.middleware.RejectMalformedRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intelportal.middleware.NoStoreForSignedInMiddleware",
    "intelportal.middleware.OwnNotFoundPageMiddleware",
    "intelportal.middleware.QueryTimeoutPageMiddleware",
    # Every page needs a login; views opt out explicitly with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the message middleware: it tells the person why they were signed out.
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intelportal.urls"
WSGI_APPLICATION = "intelportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    # A backstop, not a plan: pages are designed to stay far below it (docs/architecture.md, "Scale").
    statement_timeout_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
    # Pages run short, indexed queries. JIT compiled a one-row lookup for 68 ms, and
    # parallel workers cost 20-30 ms to start for queries that take 1-8 ms (measured at
    # 1M articles; docs/architecture.md, "Scale"). Both can be turned back on.
    jit = "on" if env_bool("DB_JIT", False) else "off"
    parallel_workers = env_int("DB_PARALLEL_WORKERS", 0, minimum=0)
    _db.setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={statement_timeout_ms} -c jit={jit}"
        f" -c max_parallel_workers_per_gather={parallel_workers}"
    )
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the busy timeout makes a
    # writer wait for the other instead of failing with "database is locked".
    _db.setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    _db.setdefault("TEST", {})
    # A file, not :memory:, so a real worker process can share the test database.
    _db["TEST"].setdefault("NAME", str(VAR_DIR / "test-db.sqlite3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in throttling and session limits (accounts/; docs/settings.md, "Sign-in") ------
# django-axes counts failed sign-ins per account and, separately, per client address, on
# every door that calls authenticate() with the request: the portal's and the admin's
# login pages. Its backend comes first so a locked-out attempt never reaches a password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Each list item is counted on its own: too many failures for one account (from anywhere)
# or from one address (for any accounts) locks out.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same client address the audit trail records: REMOTE_ADDR, or with reverse proxies
# in front, the address the outermost one appended to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "audit.services.client_address"
# Our page: the same words whether or not the account exists.
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
# The audit trail already records every sign-in and sign-out; axes keeps only the counters.
AXES_DISABLE_ACCESS_LOG = True
# Registered by accounts/admin_axes.py instead, so that unlocking is audited.
AXES_ENABLE_ADMIN = False
# No start-up banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False

SESSION_MAX_AGE_HOURS = env_int("SESSION_MAX_AGE_HOURS", 12, minimum=1)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
# The cookie and the stored session end with the absolute limit; the idle limit is
# enforced by accounts.middleware.SessionTimeoutMiddleware.
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 3600

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (secure by default; DEBUG relaxes only what local HTTP needs) ---------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading binds the whole domain (and its subdomains) to HTTPS in browsers for months;
# that is the operator's decision to make, so the deploy check does not nag about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from our own static files,
# no inline code, no plugins, no framing. Templates keep JavaScript in static/js/ and CSS in
# static/css/. The Django admin needs nothing inline either: its JS is static files, and its
# one inline <style> (change_list.html) appears only for a ModelAdmin that turns off both
# action bars. Permissions-Policy is set by intelportal.middleware.SecurityHeadersMiddleware.
_CSP_REPORT_URI = env_str("CSP_REPORT_URI")
if _CSP_REPORT_URI and not re.fullmatch(r"(https?://[^\s;,]+|/[^\s;,]*)", _CSP_REPORT_URI):
    raise ImproperlyConfigured(
        f"CSP_REPORT_URI={_CSP_REPORT_URI!r} is not an http(s) URL or a path starting with /; "
        "it may not contain spaces, commas or semicolons."
    )
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        **({"report-uri": [_CSP_REPORT_URI]} if _CSP_REPORT_URI else {}),
    },
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message a worker took but never acknowledged (the worker died) is delivered again
    # after this many seconds. Longer than the slowest task, or it would run twice at once.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": env_int("BROKER_VISIBILITY_TIMEOUT", 3600, minimum=1),
        # A broker that does not answer is down: say so in seconds, not after a TCP timeout.
        "socket_connect_timeout": 3,
    }
else:
    # kombu's file-system transport: a real queue with no server, for a laptop.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The transport lists these folders on the first send; they must exist by then.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent, so a redelivery after a crash is safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a message with the broker down fails after one quick retry (not ~0.7 s of them):
# the work is already recorded as PENDING, and the sweeper sends it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.1, "interval_max": 0.1}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

POLL_DUE_EVERY_SECONDS = env_int("POLL_DUE_EVERY_SECONDS", 60, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "poll-due-sources": {
        "task": "articles.tasks.poll_due_sources_task",
        "schedule": POLL_DUE_EVERY_SECONDS,
    },
    "requeue-lost-processing": {
        "task": "articles.tasks.requeue_lost_task",
        "schedule": env_int("REQUEUE_LOST_EVERY_SECONDS", 30, minimum=1),
    },
}

# An article RUNNING this long is presumed lost (its worker was killed), and a PENDING request
# nobody vouched for this long is sent again. Above the slowest single article (a batch task
# claims, and vouches for, its articles one at a time), well under the two minutes in which
# lost work should be back.
PROCESSING_STALE_SECONDS = env_int("PROCESSING_STALE_SECONDS", 90, minimum=1)
# One article's enrichment task is killed after this many seconds (asked to stop a little
# before). It must end before its claim looks stale, or a second worker could start the same
# article; by default it is 60 s, or just under the stale window when that is shorter.
ENRICH_TIME_LIMIT_SECONDS = env_int(
    "ENRICH_TIME_LIMIT_SECONDS", min(60, max(PROCESSING_STALE_SECONDS - 1, 1)), minimum=1
)
if ENRICH_TIME_LIMIT_SECONDS >= PROCESSING_STALE_SECONDS:
    raise ImproperlyConfigured(
        f"ENRICH_TIME_LIMIT_SECONDS ({ENRICH_TIME_LIMIT_SECONDS}) must be below "
        f"PROCESSING_STALE_SECONDS ({PROCESSING_STALE_SECONDS}): an article still being enriched "
        "would otherwise be presumed lost and enriched twice."
    )
# Articles the sweeper queues again per run at most, counting what already waits in the queue:
# about what two workers drain between sweeps, so a wiped broker's backlog comes back in a few
# minutes without being sent twice.
REQUEUE_LOST_MAX_PER_SWEEP = env_int("REQUEUE_LOST_MAX_PER_SWEEP", 2000, minimum=1)

# --- Collection ---------------------------------------------------------------------------
FETCH_ALLOW_NETWORKS = env_list("FETCH_ALLOW_NETWORKS")
for _cidr in FETCH_ALLOW_NETWORKS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FETCH_ALLOW_NETWORKS has {_cidr!r}, which is not a network in CIDR form "
            "(for example 127.0.0.0/8)."
        ) from None

FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 20, minimum=1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 3, minimum=0)
# After failures a source waits interval × 2^failures, never longer than this.
POLL_MAX_BACKOFF_MINUTES = env_int("POLL_MAX_BACKOFF_MINUTES", 24 * 60, minimum=1)
# A poll claim older than this is presumed dead (its worker was killed) and can be taken.
POLL_CLAIM_STALE_SECONDS = env_int("POLL_CLAIM_STALE_SECONDS", 900, minimum=1)
# Seed-folder sources may only read folders inside this one (after following links).
SEED_FOLDERS_ROOT = Path(env_str("SEED_FOLDERS_ROOT", str(BASE_DIR / "seeds")))
if not SEED_FOLDERS_ROOT.is_absolute():
    raise ImproperlyConfigured(f"SEED_FOLDERS_ROOT={str(SEED_FOLDERS_ROOT)!r} must be an absolute path.")
SEED_FOLDERS_ROOT = SEED_FOLDERS_ROOT.resolve()

# --- Audit trail --------------------------------------------------------------------------
# Events older than this many days are deleted by a daily sweep; 0 keeps them for ever.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730, minimum=0)
CELERY_BEAT_SCHEDULE["prune-audit-trail"] = {"task": "audit.tasks.prune_audit_task", "schedule": 24 * 3600}
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "accounts.tasks.clear_expired_sessions_task",
    "schedule": 24 * 3600,
}

# --- Pages --------------------------------------------------------------------------------
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 25, minimum=1)
# The article list's queries get this long before the page asks the reader to narrow the
# filters (PostgreSQL only; 0 turns it off and leaves DB_STATEMENT_TIMEOUT_MS as the limit).
LIST_QUERY_BUDGET_MS = env_int("LIST_QUERY_BUDGET_MS", 5_000, minimum=0)
# The list's "N articles" count gets this long; past it the page says "more than N".
LIST_COUNT_BUDGET_MS = env_int("LIST_COUNT_BUDGET_MS", 25, minimum=0)

# --- Saved searches and e-mail digests (workspace/; docs/workspace.md) ---------------------
# A saved search's "N new" is counted again at most this often per search (the sidebar and
# the dashboard read the stored count in between).
SAVED_SEARCH_COUNT_MINUTES = env_int("SAVED_SEARCH_COUNT_MINUTES", 5, minimum=1)
# A count too slow for the page's budget (LIST_COUNT_BUDGET_MS) is made by a worker with this one.
SAVED_SEARCH_BACKGROUND_COUNT_MS = env_int("SAVED_SEARCH_BACKGROUND_COUNT_MS", 2_000, minimum=0)
# Briefs (docs/briefs.md): articles tagged with this name rank first among the week's
# candidates on a brief's assembly page.
BRIEF_CANDIDATE_TAG = env_str("BRIEF_CANDIDATE_TAG", "brief")
if not BRIEF_CANDIDATE_TAG.strip() or BRIEF_CANDIDATE_TAG.lower().startswith("tlp:"):
    raise ImproperlyConfigured(
        f"BRIEF_CANDIDATE_TAG={BRIEF_CANDIDATE_TAG!r} must be a tag name (not empty, not tlp:…)."
    )
# E-mails of briefs whose message was lost (broker down) are sent again (docs/briefs.md).
CELERY_BEAT_SCHEDULE["brief-deliveries-requeue"] = {
    "task": "briefs.tasks.requeue_pending_deliveries_task",
    "schedule": 300,
}
# Articles listed in one digest e-mail; the rest are one link away.
DIGEST_MAX_ITEMS = env_int("DIGEST_MAX_ITEMS", 20, minimum=1)
# Daily digests go out from this hour (TIME_ZONE), weekly ones from that hour on this ISO
# weekday (1 = Monday); beat looks for digests that are due every DIGEST_CHECK_EVERY_SECONDS.
DIGEST_HOUR = env_int("DIGEST_HOUR", 6, minimum=0)
DIGEST_WEEKDAY = env_int("DIGEST_WEEKDAY", 1, minimum=1)
if DIGEST_HOUR > 23 or DIGEST_WEEKDAY > 7:
    raise ImproperlyConfigured(
        f"DIGEST_HOUR={DIGEST_HOUR} must be 0-23 and DIGEST_WEEKDAY={DIGEST_WEEKDAY} 1-7 (1 = Monday)."
    )
DIGEST_CHECK_EVERY_SECONDS = env_int("DIGEST_CHECK_EVERY_SECONDS", 900, minimum=60)
for _period in ("daily", "weekly"):
    CELERY_BEAT_SCHEDULE[f"saved-search-digests-{_period}"] = {
        "task": "workspace.tasks.dispatch_digests_task",
        "schedule": DIGEST_CHECK_EVERY_SECONDS,
        "args": [_period],
    }
# Links in e-mails need the portal's address as readers reach it.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", PORTAL_URL):
    raise ImproperlyConfigured(
        f"PORTAL_URL={PORTAL_URL!r} is not an http(s) address such as https://intel.example.org."
    )

# --- E-mail -------------------------------------------------------------------------------
# With a host: SMTP, STARTTLS unless told otherwise. Without one, in development (the
# embedded default) the worker prints messages to its log (Django's console backend); in
# production digests are off: printing TLP-marked articles into a log would hand them to
# whoever reads the logs.
EMAIL_HOST = env_str("EMAIL_HOST")
DIGESTS_ENABLED = bool(EMAIL_HOST) or DEBUG
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one (SSL for port 465, TLS for 587)."
    )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Intel Portal <intelportal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- JSON API (api/; docs/api.md) ---------------------------------------------------------
# Requests one API token (or one signed-in user on the docs pages) may make per minute.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 600, minimum=1)
# The MISP feed's window: events of articles published in the last N days, unless a
# subscriber asks for another with ?days= (docs/exports.md).
MISP_FEED_DAYS = env_int("MISP_FEED_DAYS", 90, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopePermission",
    ],
    # Per token, API_REQUESTS_PER_MINUTE (read by the class itself).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Intel Portal API",
    "DESCRIPTION": "Token-authenticated JSON API; every object is filtered by the token user's clearance.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The schema holds no data, but nothing of the portal is served without a sign-in or a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # ids in paths use articles.converters' <id:…> (at most 18 digits)
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "articles.enrichment.vocabulary.ENTITY_KINDS",
        "BriefKindEnum": "briefs.models.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
