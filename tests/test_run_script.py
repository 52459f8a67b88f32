"""`make run` stops cleanly: by a signal to its script's PID alone, and by Ctrl-C through make.

Each test starts the real script (runserver + a Celery worker with beat, on a temporary
SQLite database and file-system broker) in a process group of its own, waits until it
serves, signals it, and then looks at every process left in that group.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# What tests/settings.py and a PostgreSQL/Redis test run put into the environment: the
# script must start from a developer's plain shell instead, never touch a shared database.
_NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASE_URL",
    "REDIS_URL",
    # an inner make must report like a top-level one ("make: ***", not "make[2]: ***")
    "MAKELEVEL",
    "MAKEFLAGS",
    "MFLAGS",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    pgrp: int
    state: str
    cmdline: str


def processes() -> list[Process]:
    """Every process now running, read from /proc."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
            cmdline = (stat_file.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended while we looked
        # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
        state, ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        text = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
        found.append(Process(int(stat_file.parent.name), int(ppid), int(pgrp), state, text))
    return found


def live_processes_in_group(pgid: int) -> list[str]:
    """Command lines of the processes still running in a process group (zombies excluded)."""
    return [p.cmdline for p in processes() if p.pgrp == pgid and p.state != "Z"]


def children_of(parent_pid: int) -> list[tuple[int, str]]:
    return [(p.pid, p.cmdline) for p in processes() if p.ppid == parent_pid]


def worker_groups_started_from(pgid: int) -> set[int]:
    """Process groups of the Celery processes whose parent is in group ``pgid`` (the script's,
    directly or under make) but which lead a group of their own."""
    table = processes()
    in_group = {p.pid for p in table if p.pgrp == pgid}
    return {p.pgrp for p in table if p.ppid in in_group and "celery" in p.cmdline and p.pgrp != pgid}


class RunningPortal:
    def __init__(self, command: list[str], tmp_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = tmp_path / "output.log"
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env.update({"PORT": str(self.port), "INTELPORTAL_VAR_DIR": str(tmp_path / "var")})
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job has
        )
        self.pgid = self.process.pid
        # the worker runs in a group of its own (scripts/run.sh starts it with setsid); its
        # pool and beat processes must go too, so the survivors are looked for there as well
        self.worker_groups: set[int] = set()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_serving(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the script exited ({self.process.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=5):
                    self.worker_groups = worker_groups_started_from(self.pgid)
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise AssertionError(f"nothing served on port {self.port} after {timeout}s:\n{self.output()}")

    def live_processes(self) -> list[str]:
        """Command lines of the live processes in the script's group and the worker's."""
        groups = sorted({self.pgid, *self.worker_groups})
        return [cmdline for group in groups for cmdline in live_processes_in_group(group)]

    def survivors_after(self, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while (left := self.live_processes()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left

    def kill_everything(self) -> None:
        for group in {self.pgid, *self.worker_groups}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_portal(tmp_path):
    started: list[RunningPortal] = []

    def start(command: list[str], port: int | None = None) -> RunningPortal:
        portal = RunningPortal(command, tmp_path, port)
        started.append(portal)
        return portal

    yield start
    for portal in started:
        portal.kill_everything()


def test_sigterm_to_the_script_alone_stops_the_web_server_and_the_worker(start_portal):
    portal = start_portal(["bash", "scripts/run.sh"])
    portal.wait_until_serving()
    running = " | ".join(portal.live_processes())
    assert "runserver" in running
    assert "celery" in running

    os.kill(portal.process.pid, signal.SIGTERM)  # the script's PID only, not its group

    try:
        status = portal.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the script ignored SIGTERM for 60s:\n{portal.output()}")
    assert status == 0, portal.output()
    assert portal.survivors_after(timeout=15) == []
    assert "stopping the web server and the worker" in portal.output()


def test_ctrl_c_ends_make_run_cleanly_without_a_make_error(start_portal):
    portal = start_portal(["make", "run"])
    portal.wait_until_serving()

    os.killpg(portal.pgid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole group

    try:
        portal.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"make run did not end within 60s of Ctrl-C:\n{portal.output()}")
    output = portal.output()
    # make reports a failed recipe as "make: *** [Makefile:4: run] Error 130" (or
    # "Interrupt" when the script itself died of the signal); the script must exit 0.
    assert not re.search(r"make(\[\d+\])?: \*\*\*", output), output
    assert "stopping the web server and the worker" in output
    assert portal.survivors_after(timeout=15) == []
    # make itself received the SIGINT; after its recipe ends it re-raises it on itself, as an
    # interrupted program should (the shell shows status 130 and no message).
    assert portal.process.returncode in (0, -signal.SIGINT)


def test_a_worker_that_dies_takes_the_web_server_down_with_it(start_portal):
    portal = start_portal(["bash", "scripts/run.sh"])
    portal.wait_until_serving()
    [worker_pid] = [pid for pid, cmdline in children_of(portal.process.pid) if "celery" in cmdline]
    assert portal.worker_groups == {worker_pid}, "the worker leads a process group of its own"

    os.kill(worker_pid, signal.SIGKILL)

    try:
        status = portal.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the script kept serving without its worker:\n{portal.output()}")
    assert status == 128 + signal.SIGKILL
    assert "the worker stopped" in portal.output()
    assert portal.survivors_after(timeout=15) == []
