"""What one item of work may cost: a time limit and a memory limit, inside a worker.

Reads: ``LINEAGE_FILE_TIMEOUT`` (seconds one file may take, default 30; 0: no
limit) and ``LINEAGE_FILE_MEMORY`` (megabytes one file may add to a worker,
default 2048; 0: no limit); the context the pool sets in each worker
(:func:`enter`). Returns: nothing; :func:`item` wraps one item of a request.

Why: a hostile file must cost that file, never the run. A handler wraps each
item (a file to extract, a record to build) in :func:`item`: the worker tells
the pool which item it is on (so a death or a hang is charged to it),
interrupts the item itself past the time limit (:class:`TimeLimit`, raised in
the block by a timer signal) and lets its address space grow by at most the
memory limit (a ``MemoryError`` for that item, after which the worker goes on).
What a worker cannot interrupt itself (a hang in C with signals blocked, a
crash) the pool sees from outside, past :func:`hard_deadline`
(:class:`ingest.parallel.Workers`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

__all__ = [
    "DEFAULT_FILE_MEMORY",
    "DEFAULT_FILE_TIMEOUT",
    "TimeLimit",
    "enter",
    "file_memory_limit",
    "file_time_limit",
    "hard_deadline",
    "item",
    "leave",
]

DEFAULT_FILE_TIMEOUT = 30.0
DEFAULT_FILE_MEMORY = 2048


def _env_number(name: str, default: float) -> float:
    raw = (os.environ.get(name) or "").strip()
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError:
        return default


def file_time_limit() -> float:
    """Seconds one file may take to extract (``LINEAGE_FILE_TIMEOUT``; 0: no limit)."""
    return _env_number("LINEAGE_FILE_TIMEOUT", DEFAULT_FILE_TIMEOUT)


def file_memory_limit() -> int:
    """Megabytes one file's extraction may add to a worker (``LINEAGE_FILE_MEMORY``; 0: none)."""
    return int(_env_number("LINEAGE_FILE_MEMORY", DEFAULT_FILE_MEMORY))


def hard_deadline(limit: float) -> float:
    """How long the pool waits for an item before it kills the worker: past the limit the
    worker sets itself, so that one interrupts the item first whenever it can."""
    return limit * 1.5 + 2.0


class TimeLimit(BaseException):
    """Raised inside an item that ran past its time limit (a BaseException, so that no
    ``except Exception`` of the code it interrupts can swallow it)."""


@dataclass
class _Context:
    conn: Connection | None  # to the pool (None in process)
    limit: float  # seconds per item (0: none)
    memory: int  # MB an item may add (0: none)


_context = threading.local()


def enter(conn: Connection | None, limit: float, memory: int) -> None:
    """This thread now serves a pool (``conn``: to it; None when in process) with these limits."""
    _context.current = _Context(conn, limit, memory)


def leave() -> None:
    _context.current = None


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; a pool's deadline still holds
        return

    def alarm(_signum: int, _frame: object) -> None:
        raise TimeLimit(f"took longer than {seconds:g} s (the time limit per file, LINEAGE_FILE_TIMEOUT)")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def _memory_limit(mb: int) -> Iterator[None]:
    """At most ``mb`` more megabytes of address space while the block runs (Linux only)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space() + (mb << 20)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def item(tag: object) -> Iterator[None]:
    """One item of a request (``tag`` names it to the pool), limited in time and memory.

    Outside a pool (a plain call) it does nothing; in process (a pool of one, in
    this thread) only the time limit applies, and only on the main thread."""
    ctx: _Context | None = getattr(_context, "current", None)
    if ctx is None:
        yield
        return
    if ctx.conn is not None:
        ctx.conn.send(("beat", tag))
    with _time_limit(ctx.limit):
        if ctx.memory:
            with _memory_limit(ctx.memory):
                yield
        else:
            yield
