"""The bounded SPARQL executor: users' queries in processes of their own, stopped at a limit.

Reads: a :class:`graph.storage.Store`, a function giving the read model's
generation, :class:`Limits`. Returns: :meth:`QueryPool.lease` a process for one
query (None when all are busy: the caller answers 503 with ``Retry-After``);
:meth:`QueryPool.run` the answer as an async iterator of ``("data", bytes)``
then ``("end", rows, truncated)``, or :class:`QueryFailed` with an HTTP status.

Why here and not in the API: what a query process opens is the graph layer's
business (a checkpoint of the on-disk store at the current generation, an
N-Quads copy of an in-memory one, or the remote server with its own timeout),
and the executor holds no HTTP: the endpoint (``api/routes/sparql.py``) only
negotiates, streams what it is given, and stops the iteration when its client
goes away. Bounds, each enforced by the parent on the process:

- at most ``size`` queries run at once, each in its own process (never in the
  server's thread pool, so other routes keep their threads and cores: the
  processes also run at a lower priority);
- a time limit per query, from its start to its last byte: past it, or when the
  caller stops reading (a client that disconnects), the process is killed, so
  the work stops and its core is freed, and a fresh one takes its place;
- rows and bytes are capped in the process (:mod:`graph.sparql_results`), and
  at most one chunk at a time waits in the pipe, so memory stays flat in the
  server whatever the answer's size; ``RLIMIT_AS`` caps the process itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import StoreError
from graph.sparql_store import SparqlStore
from graph.sparql_worker import Request, Source
from graph.storage import Store
from graph.store import OxigraphStore

__all__ = ["Limits", "QueryFailed", "QueryPool"]


@dataclass(frozen=True)
class Limits:
    """The bounds of users' queries (``lineage.config.Settings`` reads them from the environment)."""

    timeout: float = 5.0  # seconds, from the start of a query to its last byte
    max_rows: int = 100_000
    max_bytes: int = 32 * 1024 * 1024
    concurrency: int = 2  # queries running at once (one process each)
    memory_mb: int = 4096  # address space of a query process


_ROOT = Path(__file__).resolve().parent.parent  # where `graph` is imported from, for the children
# The most a query waits for its process to start and open the store (not its own time).
START_TIMEOUT_S = 60.0


class QueryFailed(Exception):
    """A query that did not give an answer: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Proc:
    """One query process (a fresh interpreter running :mod:`graph.sparql_worker`) and the pipe to it.

    Why not ``multiprocessing.Process``: its children re-run the parent's main script when
    it has no ``__main__`` guard (a user's script serving the app), and share a forkserver
    with the ingest workers; a plain child process imports the worker module alone."""

    def __init__(self, memory_bytes: int) -> None:
        parent, child = mp.Pipe()
        fd = child.fileno()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph.sparql_worker", str(fd), str(memory_bytes)],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        self.conn = parent
        self.source: Source | None = None  # what it was last told to read

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self, close: bool = True) -> None:
        """Kill the process; ``close=False`` keeps the pipe open, so a reader waiting on it
        wakes up to the end of file (the server stopping) instead of waiting on a dead pipe."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if close:
            self.conn.close()


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)


_POOLS = itertools.count(1)


class QueryPool:
    """Query processes over one store (see the module docstring). ``close()`` kills them all."""

    def __init__(self, store: Store, generation: Callable[[], int], limits: Limits | None = None) -> None:
        self.store = store
        self.generation = generation
        self.limits = limits or Limits()
        self._procs: list[_Proc | None] = [None] * max(1, self.limits.concurrency)
        self._busy: set[int] = set()
        self._lock = threading.Lock()
        self._snap_lock = threading.Lock()
        self._snapshot: tuple[int, Source] | None = None
        self._dir: Path | None = None
        self._io = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sparql-pool")
        self.killed = 0  # processes killed (a limit reached, a client gone): tests, diagnostics
        self.closed = False

    def warm(self) -> None:
        """Make the current checkpoint and start every query process now, in the background (a
        server starting), so that the first queries do not wait; a failure is left to them.

        Processes are always started from this pool's own threads, which live as long as the
        pool: a query process dies with the thread that started it (``PR_SET_PDEATHSIG``)."""
        self._io.submit(self._warm)

    def _warm(self) -> None:
        with contextlib.suppress(QueryFailed, StoreError, OSError):
            self._source()
            for k in range(len(self._procs)):
                self._proc(k)

    # ----------------------------------------------------------- leases
    def lease(self) -> int | None:
        """A free slot for one query, or None when ``concurrency`` queries already run."""
        with self._lock:
            if self.closed:
                return None
            for k in range(len(self._procs)):
                if k not in self._busy:
                    self._busy.add(k)
                    return k
        return None

    def release(self, k: int) -> None:
        with self._lock:
            self._busy.discard(k)

    def _proc(self, k: int) -> _Proc:
        if self.closed:
            raise QueryFailed(503, "the server is stopping")
        p = self._procs[k]
        if p is None or not p.alive():
            if p is not None:
                p.kill()
            p = self._procs[k] = _Proc(self.limits.memory_mb * 1024 * 1024)
        return p

    def _replace(self, k: int) -> None:
        """Kill slot ``k``'s process (its query stops), start its successor, free the slot."""
        try:
            p = self._procs[k]
            self._procs[k] = None
            self.killed += 1
            if p is not None:
                p.kill()
            if not self.closed:
                self._proc(k)
            self._sweep()
        finally:
            self.release(k)

    # --------------------------------------------------------- sources
    def _source(self) -> Source:
        """What processes read at the current generation: made once per generation."""
        gen = self.generation()
        with self._snap_lock:
            if self.closed:
                raise QueryFailed(503, "the server is stopping")
            if self._snapshot is not None and self._snapshot[0] == gen:
                return self._snapshot[1]
            st = self.store
            if isinstance(st, SparqlStore):
                src = Source("remote", endpoints=st.endpoints)
            elif isinstance(st, OxigraphStore):
                if self._dir is None:
                    self._dir = self._make_dir(st)
                target = self._dir / f"g{gen}"
                if st.path is not None:
                    shutil.rmtree(target, ignore_errors=True)
                    st.checkpoint(target)
                    src = Source("checkpoint", str(target))
                else:
                    target = target.with_suffix(".nq")
                    target.write_bytes(st.dump("nq"))
                    src = Source("nquads", str(target))
            else:
                raise StoreError(f"the SPARQL endpoint cannot read a {type(st).__name__}")
            self._snapshot = (gen, src)
        self._sweep()
        return src

    @staticmethod
    def _make_dir(st: OxigraphStore) -> Path:
        """Beside an on-disk store (same file system: checkpoints are hard links), else a temp dir;
        one per pool (``PID-N``). What pools of dead processes left there is removed."""
        if st.path is None:
            return Path(tempfile.mkdtemp(prefix="lineage-sparql-"))
        base = st.path.with_name(st.path.name + ".sparql")
        if base.is_dir():
            for old in base.iterdir():
                pid = old.name.split("-")[0]
                if not (pid.isdigit() and Path(f"/proc/{pid}").exists()):
                    shutil.rmtree(old, ignore_errors=True)
        d = base / f"{os.getpid()}-{next(_POOLS)}"
        d.mkdir(parents=True)
        return d

    def _sweep(self) -> None:
        """Remove the checkpoints and copies no process reads any more."""
        if self._dir is None or self.closed:
            return
        with self._snap_lock:
            keep = {p.source.location for p in self._procs if p is not None and p.source is not None}
            if self._snapshot is not None:
                keep.add(self._snapshot[1].location)
            for f in self._dir.iterdir():
                if str(f) not in keep:
                    if f.is_dir():
                        shutil.rmtree(f, ignore_errors=True)
                    else:
                        f.unlink(missing_ok=True)

    # ------------------------------------------------------------- run
    async def run(self, k: int, query: str, media: str) -> AsyncIterator[tuple[Any, ...]]:
        """Run ``query`` in slot ``k`` (from :meth:`lease`, released here) and yield its messages.

        Raises QueryFailed(503) past the time limit or when the process dies (its memory
        cap); stopping the iteration early (``aclose``, a cancelled task) kills the process."""
        loop = asyncio.get_running_loop()
        done = False
        try:
            # A process starting or a checkpoint being made is not the query's time.
            source = await asyncio.wait_for(loop.run_in_executor(self._io, self._source), START_TIMEOUT_S)
            p = await loop.run_in_executor(self._io, self._proc, k)
            p.source = source
            lim = self.limits
            req = Request(source, query, media, lim.max_rows, lim.max_bytes, lim.timeout)
            await loop.run_in_executor(self._io, p.conn.send, req)
            started = await self._recv(p, loop.time() + START_TIMEOUT_S)
            if started[0] == "error":
                done = True
                raise QueryFailed(started[1], started[2])
            deadline = loop.time() + self.limits.timeout
            while True:
                msg = await self._recv(p, deadline)
                if msg[0] == "error":
                    done = True
                    raise QueryFailed(msg[1], msg[2])
                if msg[0] == "end":
                    done = True
                    yield msg
                    return
                yield msg
        except TimeoutError:
            raise QueryFailed(
                503, f"the query ran past the time limit of {self.limits.timeout:g} s and was stopped"
            ) from None
        finally:
            if done:
                self.release(k)
            else:  # killed, replaced and released in the background: the answer need not wait
                loop.run_in_executor(self._io, self._replace, k)

    async def _recv(self, p: _Proc, deadline: float) -> tuple[Any, ...]:
        loop = asyncio.get_running_loop()
        conn = p.conn
        while not conn.poll():
            ready: asyncio.Future[None] = loop.create_future()
            fd = conn.fileno()
            loop.add_reader(fd, _wake, ready)
            try:
                await asyncio.wait_for(ready, max(0.0, deadline - loop.time()))
            finally:
                loop.remove_reader(fd)
                # uvloop leaves a watched descriptor non-blocking: a message longer than what
                # the pipe holds yet would fail half read.
                os.set_blocking(fd, True)
        try:
            msg: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError):
            if self.closed:
                raise QueryFailed(503, "the server is stopping") from None
            raise QueryFailed(
                503,
                f"the query process stopped (over the {self.limits.memory_mb} MB a query may use?)",
            ) from None
        return msg

    def close(self) -> None:
        """Kill every query process and remove the store's checkpoints."""
        self.closed = True
        for p in self._procs:
            if p is not None:
                p.kill(close=False)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            if self._dir.parent.name.endswith(".sparql"):  # the store's folder, once no pool uses it
                with contextlib.suppress(OSError):
                    self._dir.parent.rmdir()
