"""Extraction in worker processes: many files, every core, results in input order.

Reads: paths. Returns: ``(path, record, error)`` triples in the order given, so
an ingest report and its failures read the same whatever the worker count.

Why processes and a ``forkserver``: extraction is pure-Python CPU work (the GIL
rules out threads), and a forkserver's children start from a clean, already
imported interpreter: never a copy of a parent that holds an open store, its
lock and its threads. One unreadable document yields its error and the others
go on, exactly as in the serial loop.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ingest.errors import DocumentError
from ingest.extract import extract_file
from ingest.model import PlanRecord

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["default_workers", "extract_paths", "imap"]

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


def imap(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int | None = None,
    chunksize: int = 32,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: Iterable[str] = (),
) -> Iterator[R]:
    """``map(fn, items)`` over ``workers`` processes, in order; inline when one worker
    (or few items) would do. ``fn`` and ``initializer`` must be module-level functions;
    ``preload`` names modules the forkserver imports once for all its children."""
    n = default_workers() if workers is None else max(1, workers)
    if n == 1 or len(items) < MIN_PARALLEL:
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, items)
        return
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    with ctx.Pool(n, initializer=initializer, initargs=initargs) as pool:
        yield from pool.imap(fn, items, chunksize=chunksize)


def _extract_one(path: str) -> tuple[PlanRecord | None, str | None]:
    try:
        return extract_file(path), None
    except DocumentError as e:
        return None, str(e)
    except Exception as e:  # one bad document never stops the others
        return None, f"{path}: could not be extracted ({type(e).__name__}: {e})"


def extract_paths(
    paths: Sequence[str | os.PathLike[str]], workers: int | None = None
) -> Iterator[tuple[Path, PlanRecord | None, str | None]]:
    """Each path with its record, or with the one-line reason it could not be read."""
    names = [os.fspath(p) for p in paths]
    results = imap(_extract_one, names, workers, chunksize=16, preload=["ingest.extract"])
    for name, (rec, err) in zip(names, results, strict=True):
        yield Path(name), rec, err
