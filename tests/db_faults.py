"""Real database faults for tests: terminate this process's PostgreSQL connection.

The fault is injected at the database layer with Django's ``execute_wrapper``: right
before a chosen statement runs, a second connection calls ``pg_terminate_backend`` on
the backend that is about to run it, so the statement meets a connection that is
really gone — exactly what a database restart or a failover does to a worker.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.db import connection

CLAIM = re.compile(r'^UPDATE "articles_article" SET "processing_status" = .*"processing_attempts" \+')
WATCH_LIST = re.compile(r'FROM "articles_watchentity"')


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("terminating a connection needs PostgreSQL (DATABASE_URL=postgres://…)")


def _side_connection() -> psycopg.Connection:
    conf = connection.settings_dict
    return psycopg.connect(
        dbname=conf["NAME"],
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or "127.0.0.1",
        port=conf.get("PORT") or 5432,
        autocommit=True,
    )


def terminate(pid: int) -> None:
    """End backend ``pid`` and wait (up to 5 s) until it is gone."""
    with _side_connection() as side:
        side.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])


def terminate_everyone_else() -> int:
    """What a database restart does to everyone but us: their connections end."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return len(cursor.fetchall())


@contextlib.contextmanager
def connection_terminated_before(
    statement: re.Pattern, *, skip: int = 0, times: int = 1
) -> Iterator[list[int]]:
    """Terminate our connection right before matching statements: after ``skip`` matches,
    the next ``times`` ones. Yields the list of terminated backend ids."""
    killed: list[int] = []
    seen = 0

    def wrapper(execute: Callable, sql: str, params, many: bool, context: dict):
        nonlocal seen
        if statement.search(sql):
            seen += 1
            if seen > skip and len(killed) < times:
                pid = context["connection"].connection.info.backend_pid
                terminate(pid)
                killed.append(pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield killed
