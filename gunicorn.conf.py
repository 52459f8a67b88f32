"""Gunicorn settings for serving the portal in production (docs/deploy.md).

gunicorn reads ./gunicorn.conf.py from its working directory; the systemd unit in
docs/deploy.md names this file explicitly anyway. Every value comes from the environment
through the same strict helpers as the Django settings, so a malformed value stops start-up
with the variable's name. The variables are in docs/settings.md.

TLS is terminated by a reverse proxy on the same host (docs/deploy.md): gunicorn speaks plain
HTTP on the loopback address, and only the proxy should be able to reach it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The checkout on sys.path even when gunicorn starts elsewhere (--chdir is applied only after
# this file is read).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from intelportal.env import env_int, env_list, env_str


def _default_workers() -> int:
    # gunicorn's own rule of thumb, 2 × cores + 1, capped: each worker is a whole Django
    # process (~100 MB), and past a handful the database, not gunicorn, is the limit.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


wsgi_app = "intelportal.wsgi:application"
proc_name = "intelportal"

bind = env_list("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("WEB_CONCURRENCY", _default_workers(), minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
# A request still running after this many seconds has its worker killed and restarted; it
# matches the database's statement timeout (DB_STATEMENT_TIMEOUT_MS), the other backstop.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# On SIGTERM (systemctl stop/restart) requests in flight get this long to finish.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = env_int("GUNICORN_KEEPALIVE", 5, minimum=0)
# Recycle each worker after this many requests (± 10 %), so slow leaks stay bounded; 0: never.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10

# Addresses allowed to tell gunicorn a request came over HTTPS (X-Forwarded-Proto): the
# proxy's. Django trusts the same header only when BEHIND_TLS_PROXY is on.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Both logs to stdout/stderr: under systemd they land in the journal (journalctl -u ...).
accesslog = "-"
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# The path without the query string: queries carry search terms (victims, indicators under
# investigation) that must not leak into logs read by people outside the portal's TLP gate.
# %(h)s is the proxy; the client's address is in X-Forwarded-For.
access_log_format = '%(h)s xff="%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# gunicorn 25+ opens a control socket under $HOME by default; a service account may have no
# home, and two instances on one host would share the socket. Management is via systemd.
control_socket_disable = True
# Worker heartbeats on a RAM disk, so a slow or full disk cannot get healthy workers killed
# (gunicorn's advice; it creates each file with mkstemp and unlinks it at once).
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108
