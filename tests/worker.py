"""Run a real Celery worker process against Redis and the test database.

Used by the tests that prove the asynchronous path works end to end: the test
process enqueues through the ordinary code path (``on_commit`` → ``delay``),
a separate ``celery worker`` process consumes from Redis and writes to the same
database the test reads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection

from intelportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A Redis of the test's own on a spare port, so the test may kill and restart it.

    No snapshots and no append-only file: a restart comes back empty, exactly like a
    broker whose data was lost.
    """

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: redis_reachable(port=self.port), timeout=10, what=f"redis-server on port {self.port}"
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


@contextlib.contextmanager
def own_broker(folder: Path) -> Iterator[RedisServer]:
    """A private Redis, and this process's tasks sent to it (no worker: they just wait)."""
    server = RedisServer(folder).start()
    try:
        with broker(server.url):
            yield server
    finally:
        server.kill()


def flush_redis(url: str = REDIS_TEST_URL) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    if connection.vendor == "postgresql":
        user = conf.get("USER") or ""
        password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        return f"postgres://{auth}{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"
    raise RuntimeError(f"no worker support for {connection.vendor}")


@contextlib.contextmanager
def broker(url: str = REDIS_TEST_URL) -> Iterator[None]:
    """Send this process's tasks to ``url`` instead of running them eagerly."""
    saved = (
        celery_app.conf.broker_url,
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_transport_options,
    )
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_transport_options = {"visibility_timeout": 3600}
    celery_app._after_fork()  # drop pooled connections to the old broker
    try:
        yield
    finally:
        (
            celery_app.conf.broker_url,
            celery_app.conf.task_always_eager,
            celery_app.conf.broker_transport_options,
        ) = saved
        celery_app._after_fork()


class Worker:
    def __init__(
        self,
        log_path: Path,
        extra_env: dict[str, str] | None = None,
        concurrency: int = 1,
        beat: bool = False,
    ) -> None:
        self.beat = beat
        self.log_path = log_path
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "intelportal.settings",
                "DEBUG": "true",
                "DATABASE_URL": database_url(),
                "REDIS_URL": REDIS_TEST_URL,
                "PYTHONUNBUFFERED": "1",
                **(extra_env or {}),
            }
        )
        self.env = env
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "intelportal",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(self.concurrency),
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
                *(["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))] if self.beat else []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its pool children."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, worker: Worker | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker and worker.process and worker.process.poll() is not None:
            raise AssertionError(
                f"the worker exited ({worker.process.returncode}) before {what}:\n{worker.log()[-3000:]}"
            )
        time.sleep(0.2)
    tail = worker.log()[-3000:] if worker else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")
