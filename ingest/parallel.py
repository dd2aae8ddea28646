"""Work in worker processes: the one pool of the project, and ``map`` over it.

Reads: a handler class (and its arguments) each worker builds once, then
requests for it; or a function and items (:func:`imap`), or paths
(:func:`extract_paths`). Returns: each request's answer; :func:`imap` and
:func:`extract_paths` give results in input order, so an ingest report and
its failures read the same whatever the worker count.

Why processes and a ``forkserver``: extraction and graph building are
pure-Python CPU work (the GIL rules out threads), and a forkserver's children
start from a clean, already imported interpreter: never a copy of a parent
that holds an open store, its lock and its threads. Why long-lived workers
with a handler each (:class:`Workers`): a bulk ingest keeps each record in the
process that extracted it between two passes (``graph.bulk``), and a plain
``map`` is the same pool with a handler that keeps nothing. One unreadable
document yields its error and the others go on, exactly as in the serial loop.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ingest.curation import extract_curated
from ingest.model import PlanRecord

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["MIN_PARALLEL", "Handler", "Workers", "default_workers", "extract_paths", "imap"]

# Below this many items the start-up of workers costs more than it saves.
MIN_PARALLEL = 64


def default_workers() -> int:
    """The CPUs this process may use (``LINEAGE_WORKERS`` overrides)."""
    env = os.environ.get("LINEAGE_WORKERS")
    if env and env.strip().isdigit():
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Handler(Protocol):
    """What a worker runs: one request (a tuple naming its operation first) in, one answer out."""

    def handle(self, msg: tuple[Any, ...]) -> Any: ...


def _serve(conn: Connection, make: Callable[..., Handler], args: tuple[Any, ...]) -> None:
    """A worker's loop: one request in, one answer out, until the pipe closes or says stop."""
    gc.freeze()  # the imported modules never become garbage: keep the collector off them
    handler = make(*args)
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "stop":
            return
        conn.send(handler.handle(msg))
        # What a handler keeps (records, memoised graph pieces) holds no cycles the
        # collector could free: out of its sight, it stops rescanning a growing heap.
        gc.freeze()


class Workers:
    """``workers`` long-lived processes, each serving requests with its own ``make(*args)``.

    With one worker, or fewer than :data:`MIN_PARALLEL` items (``size``), the one
    handler lives in this process and requests are plain calls: the callers'
    code is the same either way. Use as a context manager.
    """

    def __init__(
        self,
        make: Callable[..., Handler],
        args: tuple[Any, ...] = (),
        workers: int | None = None,
        size: int = 0,
        preload: Iterable[str] = (),
    ) -> None:
        """``make`` and ``args`` must pickle (a module-level class or function); ``preload``
        names modules the forkserver imports once for all its children."""
        n = default_workers() if workers is None else max(1, workers)
        self.local: Handler | None = None
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        if n == 1 or size < MIN_PARALLEL:
            self.local = make(*args)
            return
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        for _ in range(n):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(child, make, args), daemon=True)
            p.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(p)

    def __len__(self) -> int:
        return 1 if self.local is not None else len(self.conns)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for c in self.conns:
            with contextlib.suppress(OSError, ValueError):
                c.send(("stop",))
            c.close()
        for p in self.procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
        self.conns, self.procs = [], []

    def request(self, k: int, msg: tuple[Any, ...]) -> Any:
        """Worker ``k``'s answer to ``msg`` (waits for it)."""
        if self.local is not None:
            return self.local.handle(msg)
        self.conns[k].send(msg)
        return self._answer(k)

    def broadcast(self, msg: tuple[Any, ...]) -> list[Any]:
        """Every worker's answer to ``msg``, the workers working at the same time."""
        if self.local is not None:
            return [self.local.handle(msg)]
        for c in self.conns:
            c.send(msg)
        return [self._answer(k) for k in range(len(self.conns))]

    def _answer(self, k: int) -> Any:
        try:
            return self.conns[k].recv()
        except EOFError as e:
            code = self.procs[k].exitcode
            raise RuntimeError(f"ingest worker {k} stopped unexpectedly (exit code {code})") from e

    def drive(
        self, next_job: Callable[[int], tuple[Any, ...] | None], on_answer: Callable[[int, Any], None]
    ) -> None:
        """Keep one request in flight per worker: ``next_job(k)`` is worker ``k``'s next
        request (None when it has none left); each answer goes to ``on_answer(k, answer)``."""
        if self.local is not None:
            while (job := next_job(0)) is not None:
                on_answer(0, self.local.handle(job))
            return
        busy: set[int] = set()
        for k in range(len(self.conns)):
            job = next_job(k)
            if job is not None:
                self.conns[k].send(job)
                busy.add(k)
        while busy:
            for c in wait([self.conns[k] for k in busy]):
                k = self.conns.index(c)  # type: ignore[arg-type]
                busy.discard(k)
                on_answer(k, self._answer(k))
                job = next_job(k)
                if job is not None:
                    self.conns[k].send(job)
                    busy.add(k)

    def ordered(self, jobs: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        """The answers to ``jobs`` in their order, any free worker taking the next job;
        each answer is yielded as soon as those before it are in."""
        if self.local is not None:
            for job in jobs:
                yield self.local.handle(job)
            return
        pending = list(range(len(jobs)))[::-1]
        running: dict[int, int] = {}  # worker -> job it runs
        done: dict[int, Any] = {}
        nxt = 0
        for k in range(len(self.conns)):
            if pending:
                running[k] = pending.pop()
                self.conns[k].send(jobs[running[k]])
        while running:
            for c in wait([self.conns[k] for k in running]):
                k = self.conns.index(c)  # type: ignore[arg-type]
                done[running.pop(k)] = self._answer(k)
                if pending:
                    running[k] = pending.pop()
                    self.conns[k].send(jobs[running[k]])
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1


class _Map:
    """The handler of :func:`imap`: ``fn`` over each chunk it is sent."""

    def __init__(
        self, fn: Callable[[Any], Any], initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
    ) -> None:
        self.fn = fn
        if initializer is not None:
            initializer(*initargs)

    def handle(self, msg: tuple[Any, ...]) -> list[Any]:
        return [self.fn(x) for x in msg[1]]


def imap(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int | None = None,
    chunksize: int = 32,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: Iterable[str] = (),
) -> Iterator[R]:
    """``map(fn, items)`` over ``workers`` processes (:class:`Workers`), in order; inline when
    one worker (or few items) would do. ``fn`` and ``initializer`` must be module-level
    functions; ``preload`` names modules the forkserver imports once for all its children."""
    chunks = [("map", items[j : j + chunksize]) for j in range(0, len(items), chunksize)]
    with Workers(_Map, (fn, initializer, initargs), workers, len(items), preload) as pool:
        for answer in pool.ordered(chunks):
            yield from answer


def extract_paths(
    paths: Sequence[str | os.PathLike[str]], workers: int | None = None
) -> Iterator[tuple[Path, PlanRecord | None, str | None]]:
    """Each path with its record, or with the one-line reason it could not be read."""
    names = [os.fspath(p) for p in paths]
    results = imap(extract_curated, names, workers, chunksize=16, preload=["ingest.extract"])
    for name, (rec, err) in zip(names, results, strict=True):
        yield Path(name), rec, err
