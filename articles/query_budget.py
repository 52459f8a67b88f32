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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import OperationalError, connection, transaction

T = TypeVar("T")


class QueryTooSlow(Exception):
    """A query ran past its budget and PostgreSQL cancelled it."""


def is_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL cancelling a statement (statement_timeout)."""
    if connection.vendor != "postgresql":
        return False
    from psycopg import errors

    return isinstance(exc, OperationalError) and isinstance(exc.__cause__, errors.QueryCanceled)


class Budget:
    """The running budget of a ``query_budget`` block (see :meth:`last_queries_within`)."""

    def __init__(self, in_transaction: bool) -> None:
        self._in_transaction = in_transaction

    def last_queries_within(self, milliseconds: int, run: Callable[[], T]) -> T | None:
        """``run()`` under a tighter budget of its own, or None when that runs out.

        For the block's last queries, when running out is an answer rather than a failure
        (a count that says "more than 25"). It stays in the block's transaction, rather
        than opening one of its own, to save three round trips a page (BEGIN, the setting,
        COMMIT). A cancelled statement aborts that transaction, so it is rolled back on
        leaving the block: nothing may query after ``run`` inside the block.
        """
        if connection.vendor != "postgresql" or milliseconds <= 0:
            return run()
        if not self._in_transaction:
            try:
                with query_budget(milliseconds):
                    return run()
            except QueryTooSlow:
                return None
        _set_timeout(milliseconds)
        try:
            return run()
        except OperationalError as exc:
            if not is_timeout(exc):
                raise
            transaction.set_rollback(True)
            return None


def _set_timeout(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(int(milliseconds))])


@contextmanager
def query_budget(milliseconds: int) -> Iterator[Budget]:
    """Run the block's queries with ``statement_timeout = milliseconds`` (0: no budget).

    ``SET LOCAL`` lasts until the end of the transaction, so the block runs in one and
    the connection's own timeout is back afterwards, error or not.
    """
    if connection.vendor != "postgresql" or milliseconds <= 0:
        yield Budget(in_transaction=False)
        return
    try:
        with transaction.atomic():
            _set_timeout(milliseconds)
            yield Budget(in_transaction=True)
    except OperationalError as exc:
        if is_timeout(exc):
            raise QueryTooSlow(str(exc)) from exc
        raise
