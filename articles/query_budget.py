"""A time budget for the queries of one page.

List pages are designed to stay far below a second at a million articles
(docs/architecture.md, "Scale"), but a reader can always combine filters into
something the indexes do not serve well. Rather than let such a request hold a web
worker until the connection-wide ``statement_timeout`` backstop (30 s), the list runs
its queries under a shorter budget and, when PostgreSQL cancels one, shows the page
again with a "narrow your filters" message. SQLite has no statement timeout; there the
budget does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction


class QueryTooSlow(Exception):
    """A query ran past its budget and PostgreSQL cancelled it."""


def is_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL cancelling a statement (statement_timeout)."""
    if connection.vendor != "postgresql":
        return False
    from psycopg import errors

    return isinstance(exc, OperationalError) and isinstance(exc.__cause__, errors.QueryCanceled)


@contextmanager
def query_budget(milliseconds: int) -> Iterator[None]:
    """Run the block's queries with ``statement_timeout = milliseconds`` (0: no budget).

    ``SET LOCAL`` lasts until the end of the transaction, so the block runs in one and
    the connection's own timeout is back afterwards, error or not.
    """
    if connection.vendor != "postgresql" or milliseconds <= 0:
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(int(milliseconds))])
            yield
    except OperationalError as exc:
        if is_timeout(exc):
            raise QueryTooSlow(str(exc)) from exc
        raise
