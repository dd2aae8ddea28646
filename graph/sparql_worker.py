"""A SPARQL query process: opens a read-only view of the store and streams each answer back.

Reads: over a pipe, one request at a time: the :class:`Source` to read (a
checkpoint of the on-disk store, opened read-only; an N-Quads copy of an
in-memory store; or a remote SPARQL server), the query, the media type to
write and the caps. Writes back: ``("started",)`` once the source is open,
``("data", bytes)`` chunks, then
``("end", rows, truncated)``; or ``("error", status, detail)`` when the
query cannot run (400: malformed; 503: the store cannot be read).

Why a process: pyoxigraph cannot stop a query running in a thread, so the only
way to stop a runaway one (a time limit, a client gone) is to kill the process
that runs it (:mod:`graph.sparql_pool` does, and starts another). A process
also has its own memory cap (``RLIMIT_AS``) and a lower CPU priority than the
server, so a heavy query never starves the other routes. Why a checkpoint of the
store and not the store itself: the server holds the store's lock and writes to
it; pyoxigraph opens a store read-only safely only where nobody writes, which a
checkpoint (hard links, made in a fraction of a second) guarantees.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import resource
import signal
import sys
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from pyoxigraph import RdfFormat
from pyoxigraph import Store as OxStore

from graph.errors import QueryError, StoreError
from graph.formats import GRAPH_FORMATS, RESULT_FORMATS
from graph.sparql_results import Outcome, stream
from graph.sparql_store import SparqlEndpoints, SparqlStore

__all__ = ["Request", "Source", "main", "serve"]


@dataclass(frozen=True)
class Source:
    """What a query process reads: ``kind`` is ``checkpoint`` (a directory opened read-only),
    ``nquads`` (a file loaded into memory) or ``remote`` (``endpoints``)."""

    kind: str
    location: str | None = None
    endpoints: SparqlEndpoints | None = None


@dataclass(frozen=True)
class Request:
    """One query for a process: where, what, in which media type, within which caps."""

    source: Source
    query: str
    media: str
    max_rows: int
    max_bytes: int
    timeout: float
    chunk: int = 64 * 1024


def _open(source: Source, req: Request) -> Any:
    if source.kind == "checkpoint":
        return OxStore.read_only(str(source.location))
    if source.kind == "nquads":
        store = OxStore()
        store.bulk_load(path=str(source.location), format=RdfFormat.N_QUADS, lenient=True)
        return store
    if source.kind == "remote" and source.endpoints is not None:
        # The server's answer is read whole before it is parsed: cap what is read, and how long.
        ends = replace(source.endpoints, timeout=req.timeout, max_response=4 * req.max_bytes)
        return SparqlStore(ends)
    raise StoreError(f"unknown query source {source.kind!r}")


def _run(store: Any, req: Request, conn: Connection) -> None:
    if isinstance(store, SparqlStore):
        result = store.query(req.query)
    else:
        result = store.query(req.query, use_default_graph_as_union=True)
    fmt = RESULT_FORMATS.get(req.media) or GRAPH_FORMATS[req.media]
    out = Outcome()
    for data in stream(result, fmt, req.max_rows, req.max_bytes, out, req.chunk):
        conn.send(("data", data))
    conn.send(("end", out.rows, out.truncated))


def _confine(memory_bytes: int) -> None:
    """A memory cap on this process, a lower priority than the server's, and death with it
    (Linux: a server killed outright takes its query processes along)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if memory_bytes > 0:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    with contextlib.suppress(OSError):
        os.nice(5)


def serve(conn: Connection, memory_bytes: int) -> None:
    """The process's loop: one :class:`Request` in, its chunks out, until the pipe closes."""
    _confine(memory_bytes)
    gc.freeze()
    store: Any = None
    opened: Source | None = None
    while True:
        try:
            req: Request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if req.source != opened:
                store, opened = None, None
                store, opened = _open(req.source, req), req.source
            conn.send(("started",))  # the time limit counts from here, not from the process start
            _run(store, req, conn)
        except SyntaxError as e:  # pyoxigraph's parser
            conn.send(("error", 400, f"invalid SPARQL query: {e}"))
        except QueryError as e:
            conn.send(("error", 400, str(e)))
        except MemoryError:
            conn.send(("error", 503, "the query needed more memory than a query may use"))
        except (OSError, StoreError, ValueError) as e:
            conn.send(("error", 503, f"the store could not answer: {e}"))


def main(argv: list[str]) -> None:
    """``python -m graph.sparql_worker FD MEMORY_BYTES``: serve the pipe inherited as ``FD``."""
    serve(Connection(int(argv[0])), int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
