"""Sending task messages to the broker, and what happens when it cannot be reached.

Work is written on the article (PENDING, ``processing_queued_at``) *before* a message
is sent, so a message that cannot be sent loses nothing: the sweeper
(:func:`articles.sweeper.requeue_lost`) queues the article again once the broker is
back. What must not happen is a bulk load waiting on one failed connection per article
and printing a traceback for each. So the first failure is remembered for
``OUTAGE_RETRY_SECONDS``: messages in that window are not tried, only counted, and the
outage is reported once (a warning in the log, or to whoever is :func:`watching`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

# After a failed send, the next attempt waits this long; a command run or a burst of web
# requests inside that window costs one connection attempt, not one per message.
OUTAGE_RETRY_SECONDS = 30
BROKER_ERRORS = (BrokerError, ConnectionError, TimeoutError)


@dataclass
class Tally:
    """What happened to the messages sent while someone was watching."""

    sent: int = 0
    unsent: int = 0
    error: str = ""


_lock = threading.Lock()
_outage_since: float | None = None
_outage_error = ""
_watchers: list[Tally] = []


def send(task: Task, arguments: Iterable[Sequence]) -> Tally:
    """Send one message per argument tuple; a broker outage is counted, never raised."""
    global _outage_since, _outage_error
    tally = Tally()
    for args in arguments:
        if in_outage():
            tally.unsent += 1
            continue
        try:
            task.apply_async(tuple(args))
        except BROKER_ERRORS as exc:
            with _lock:
                first = _outage_since is None
                _outage_since, _outage_error = time.monotonic(), str(exc)
            if first and not _watchers:
                log.warning(
                    "the message broker is unreachable (%s): the work stays PENDING and the "
                    "sweeper queues it once the broker is back",
                    exc,
                )
            tally.unsent += 1
            continue
        if _outage_since is not None:
            with _lock:
                _outage_since = None
            log.info("the message broker is reachable again")
        tally.sent += 1
    tally.error = _outage_error if tally.unsent else ""
    for watcher in _watchers:
        watcher.sent += tally.sent
        watcher.unsent += tally.unsent
        watcher.error = watcher.error or tally.error
    return tally


def send_on_commit(task: Task, arguments: Iterable[Sequence]) -> None:
    """:func:`send` once the current transaction commits (nothing is sent on rollback)."""
    arguments = [tuple(args) for args in arguments]
    if arguments:
        transaction.on_commit(lambda: send(task, arguments), robust=True)


@contextlib.contextmanager
def watching() -> Iterator[Tally]:
    """Collect what :func:`send` did meanwhile, for a caller that reports it (a command).

    While someone watches, the outage is not also logged: the watcher says it once.
    """
    tally = Tally()
    _watchers.append(tally)
    try:
        yield tally
    finally:
        _watchers.remove(tally)


def in_outage() -> bool:
    """Did a send fail within the last OUTAGE_RETRY_SECONDS? (Sends are not tried then.)"""
    since = _outage_since
    return since is not None and time.monotonic() - since < OUTAGE_RETRY_SECONDS


def forget_outage() -> None:
    """Try the broker again on the next send (tests, and a command that starts fresh)."""
    global _outage_since, _outage_error
    with _lock:
        _outage_since, _outage_error = None, ""


def queued_messages() -> int | None:
    """Messages waiting in the default queue; None when the broker cannot tell us."""
    from intelportal.celery import app

    if app.conf.task_always_eager:
        return 0
    try:
        with app.connection_for_read() as conn:
            channel = conn.default_channel
            name = app.conf.task_default_queue
            # Redis drops an empty list's key, so a passive declare would say "not found".
            return channel.queue_declare(queue=name, passive=False, durable=True).message_count
    except BROKER_ERRORS as exc:
        log.warning("could not read the queue length from the broker: %s", exc)
        return None
