"""Work in worker processes: the one pool of the project, and ``map`` over it.

Reads: a handler class (and its arguments) each worker builds once, then
requests for it; or a function and items (:func:`imap`), or paths
(:func:`extract_paths`); ``LINEAGE_WORKERS``, ``LINEAGE_FILE_TIMEOUT`` and
``LINEAGE_FILE_MEMORY``. Returns: each request's answer; :func:`imap` and
:func:`extract_paths` give results in input order, so an ingest report and
its failures read the same whatever the worker count.

Why processes and a ``forkserver``: extraction and graph building are
pure-Python CPU work (the GIL rules out threads), and a forkserver's children
start from a clean, already imported interpreter: never a copy of a parent
that holds an open store, its lock and its threads. Why long-lived workers
with a handler each (:class:`Workers`): a bulk ingest keeps each record in the
process that extracted it between two passes (``graph.bulk``), and a plain
``map`` is the same pool with a handler that keeps nothing.

Why the pool watches its workers: a hostile file must cost that file, never
the run. Each item of a request runs in :func:`ingest.limits.item`, which tells
the pool which item a worker is on and bounds it in time and memory. What a
worker cannot stop itself (a hang in C, a crash, the kernel's OOM killer) the
pool sees: it kills the worker past the hard deadline or notices its death,
starts a fresh one in its place, and tells the caller which item was lost and
why (:class:`Lost`), so the caller reports that item and sends the others again.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ingest import limits
from ingest.curation import extract_curated
from ingest.limits import TimeLimit, file_memory_limit, file_time_limit, item
from ingest.model import PlanRecord

T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "MIN_PARALLEL",
    "Handler",
    "Lost",
    "TimeLimit",
    "Workers",
    "default_workers",
    "extract_paths",
    "file_memory_limit",
    "file_time_limit",
    "imap",
    "item",
    "split_lost",
]

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


def _serve(
    conn: Connection, make: Callable[..., Handler], args: tuple[Any, ...], limit: float, memory: int
) -> None:
    """A worker's loop: one request in, its beats and one answer out, until the pipe closes
    (or breaks: the pool is gone, and so is the reason to go on)."""
    gc.freeze()  # the imported modules never become garbage: keep the collector off them
    limits.enter(conn, limit, memory)
    handler = make(*args)
    with contextlib.suppress(BrokenPipeError, ConnectionResetError, EOFError):
        while True:
            msg = conn.recv()
            if msg[0] == "stop":
                return
            try:
                answer = ("answer", handler.handle(msg))
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as e:  # a bug, not a bad file (those are the handler's to report)
                answer = ("error", f"{type(e).__name__}: {e}")
            conn.send(answer)
            # What a handler keeps (records, memoised graph pieces) holds no cycles the
            # collector could free: out of its sight, it stops rescanning a growing heap.
            gc.freeze()


# -- the pool --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Lost:
    """A request whose worker died or was killed: the item it was on (``tag``, None when
    it died between items) and why, in words fit for a report line."""

    worker: int
    job: tuple[Any, ...]
    tag: object
    why: str


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"the worker died ({signal.Signals(-code).name})"
        except ValueError:
            return f"the worker died (signal {-code})"
    return f"the worker exited (status {code})"


class Workers:
    """``workers`` long-lived processes, each serving requests with its own ``make(*args)``.

    With one worker, or fewer than :data:`MIN_PARALLEL` items (``size``), the one
    handler lives in this process and requests are plain calls: the callers'
    code is the same either way (``isolate`` asks for a process even then). ``limit``
    (seconds) and ``memory`` (MB) bound each :func:`item`; None: the environment's.
    Use as a context manager.
    """

    def __init__(
        self,
        make: Callable[..., Handler],
        args: tuple[Any, ...] = (),
        workers: int | None = None,
        size: int = 0,
        preload: Iterable[str] = (),
        limit: float | None = None,
        memory: int | None = None,
        isolate: bool = False,
    ) -> None:
        """``make`` and ``args`` must pickle (a module-level class or function); ``preload``
        names modules the forkserver imports once for all its children."""
        n = default_workers() if workers is None else max(1, workers)
        self.make, self.args = make, args
        self.limit = file_time_limit() if limit is None else limit
        self.memory = file_memory_limit() if memory is None else memory
        self.local: Handler | None = None
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        if not isolate and (n == 1 or size < MIN_PARALLEL):
            self.local = make(*args)
            return
        if size < MIN_PARALLEL:  # isolated, and few items: one process is enough
            n = 1
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(list(preload))
        for _ in range(n):
            self.conns.append(None)  # type: ignore[arg-type]
            self.procs.append(None)
            self._start(len(self.conns) - 1)

    def _start(self, k: int) -> None:
        parent, child = self.ctx.Pipe()
        p = self.ctx.Process(
            target=_serve, args=(child, self.make, self.args, self.limit, self.memory), daemon=True
        )
        p.start()
        child.close()
        self.conns[k], self.procs[k] = parent, p

    def _replace(self, k: int) -> str:
        """Kill worker ``k`` if it still runs, start another in its place; how the old one ended."""
        p = self.procs[k]
        if p.is_alive():
            p.kill()
        p.join(timeout=10)
        code = p.exitcode
        with contextlib.suppress(OSError):
            self.conns[k].close()
        self._start(k)
        return _death(code)

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
                p.join(timeout=10)
        self.conns, self.procs = [], []

    def _local_call(self, msg: tuple[Any, ...]) -> Any:
        assert self.local is not None
        limits.enter(None, self.limit, 0)
        try:
            return self.local.handle(msg)
        finally:
            limits.leave()

    def _answer(self, k: int) -> Any:
        """Worker ``k``'s next answer, past its beats (no deadline: for short requests)."""
        while True:
            try:
                kind, value = self.conns[k].recv()
            except EOFError as e:
                code = self.procs[k].exitcode
                raise RuntimeError(f"ingest worker {k} stopped unexpectedly (exit code {code})") from e
            if kind == "answer":
                return value
            if kind == "error":
                raise RuntimeError(f"ingest worker {k} failed: {value}")

    def request(self, k: int, msg: tuple[Any, ...]) -> Any:
        """Worker ``k``'s answer to ``msg`` (waits for it)."""
        if self.local is not None:
            return self._local_call(msg)
        self.conns[k].send(msg)
        return self._answer(k)

    def events(self, next_job: Callable[[int], tuple[Any, ...] | None]) -> Iterator[tuple[int, Any]]:
        """Keep one request in flight per worker (``next_job(k)``: worker ``k``'s next one, None
        when it has none) and yield ``(k, answer)`` as answers come, or ``(k, Lost)`` when a
        worker died or ran past the hard deadline of an item (it is replaced first). Idle
        workers are offered work again after every event, so jobs queued in reaction to
        one (items to redo) are taken up."""
        if self.local is not None:
            while (job := next_job(0)) is not None:
                yield 0, self._local_call(job)
            return
        running: dict[int, tuple[Any, ...]] = {}
        tags: dict[int, object] = {}
        deadlines: dict[int, float] = {}
        hard = limits.hard_deadline(self.limit) if self.limit else None

        def feed() -> None:
            for k in range(len(self.conns)):
                if k not in running and (job := next_job(k)) is not None:
                    running[k] = job
                    # A worker that died while idle: its pipe reads as closed below, and the
                    # job comes back as lost.
                    with contextlib.suppress(OSError):
                        self.conns[k].send(job)

        def lost(k: int, why: str | None = None) -> Lost:
            job, tag = running.pop(k), tags.pop(k, None)
            deadlines.pop(k, None)
            died = self._replace(k)
            return Lost(k, job, tag, why or died)

        feed()
        while running:
            now = time.monotonic()
            timeout = max(0.0, min(deadlines.values()) - now) if deadlines else None
            for c in wait([self.conns[k] for k in running], timeout):
                k = self.conns.index(c)  # type: ignore[arg-type]
                try:
                    kind, value = c.recv()  # type: ignore[union-attr]
                except (EOFError, OSError):
                    yield k, lost(k)
                    feed()
                    continue
                if kind == "beat":
                    tags[k] = value
                    if hard is not None:
                        deadlines[k] = time.monotonic() + hard
                    continue
                running.pop(k)
                tags.pop(k, None)
                deadlines.pop(k, None)
                if kind == "error":
                    raise RuntimeError(f"ingest worker {k} failed: {value}")
                yield k, value
                feed()
            now = time.monotonic()
            for k in [k for k, t in deadlines.items() if t <= now]:
                assert hard is not None
                why = f"stopped after {hard:g} s (the time limit per file is {self.limit:g} s)"
                yield k, lost(k, why)
                feed()


def split_lost(
    items: Sequence[tuple[int, T]], tag: object, tries: dict[int, int], most: int = 2
) -> tuple[list[tuple[int, T]], list[tuple[int, T]]]:
    """The items of a lost request: those to report (the one it was on; or, when the worker
    died between items, those lost ``most`` times already) and those to send again."""
    culprits, again = [], []
    for i, x in items:
        if tag is None:
            tries[i] = tries.get(i, 0) + 1
        if i == tag or (tag is None and tries[i] >= most):
            culprits.append((i, x))
        else:
            again.append((i, x))
    return culprits, again


# -- map ------------------------------------------------------------------------------------
class _Map:
    """The handler of :func:`imap`: ``fn`` over each chunk of ``(index, item)`` it is sent;
    an item past its time limit gives ``lost(item, why)``."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        initializer: Callable[..., object] | None,
        initargs: tuple[Any, ...],
        lost: Callable[[Any, str], Any] | None,
    ) -> None:
        self.fn, self.lost = fn, lost
        if initializer is not None:
            initializer(*initargs)

    def handle(self, msg: tuple[Any, ...]) -> list[tuple[int, Any]]:
        out = []
        for i, x in msg[1]:
            try:
                with item(i):
                    out.append((i, self.fn(x)))
            except TimeLimit as e:
                assert self.lost is not None  # no limit is set without a way to report it
                out.append((i, self.lost(x, str(e))))
        return out


def imap(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int | None = None,
    chunksize: int = 32,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: Iterable[str] = (),
    lost: Callable[[T, str], R] | None = None,
    costly: bool = False,
    limit: float | None = None,
) -> Iterator[R]:
    """``map(fn, items)`` over ``workers`` processes (:class:`Workers`), in order; inline when
    one worker (or few items) would do. ``fn``, ``initializer`` and ``lost`` must be
    module-level functions. With ``lost``, an item that runs past the time limit, or whose
    worker dies, gives ``lost(item, why)`` and the others go on; without it there is no
    time limit, and a dead worker stops the map. ``costly``: each item takes seconds (a
    page to OCR), so a pool pays from two items on. ``limit``: seconds an item may take
    (with ``lost``; None: the environment's limit per file)."""
    indexed = list(enumerate(items))
    pending = [("map", indexed[j : j + chunksize]) for j in range(0, len(indexed), chunksize)][::-1]
    limit = limit if lost is not None else 0.0
    args = (fn, initializer, initargs, lost)
    done: dict[int, Any] = {}
    tries: dict[int, int] = {}
    nxt = 0
    size = max(len(items), MIN_PARALLEL) if costly and len(items) > 1 else len(items)
    with Workers(_Map, args, workers, size, preload, limit=limit) as pool:
        for _k, value in pool.events(lambda _k: pending.pop() if pending else None):
            if isinstance(value, Lost):
                if lost is None:
                    raise RuntimeError(f"a worker of the map stopped: {value.why}")
                culprits, again = split_lost(value.job[1], value.tag, tries)
                for i, x in culprits:
                    done[i] = lost(x, value.why)
                if again:
                    pending.append(("map", again))
            else:
                done.update(value)
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1


def _unreadable(path: str, why: str) -> tuple[None, str]:
    return None, f"{path}: {why}"


def extract_paths(
    paths: Sequence[str | os.PathLike[str]], workers: int | None = None
) -> Iterator[tuple[Path, PlanRecord | None, str | None]]:
    """Each path with its record, or with the one-line reason it could not be read
    (a file past the time limit, or whose worker died, is one such reason)."""
    names = [os.fspath(p) for p in paths]
    results = imap(
        extract_curated, names, workers, chunksize=16, preload=["ingest.extract"], lost=_unreadable
    )
    for name, (rec, err) in zip(names, results, strict=True):
        yield Path(name), rec, err
