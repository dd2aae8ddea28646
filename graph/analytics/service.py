"""The analyses over one Lineage, their answers kept for as long as the read model they describe.

Reads: a :class:`graph.service.Lineage`. Returns: each analysis's answer as a dict
(:meth:`Analytics.answer`), as JSON bytes (:meth:`Analytics.json`) and as CSV text
(:meth:`Analytics.csv`); NotFound for an unknown plan id, ValueError for a
parameter the analysis refuses.

Why a cache per read-model generation, held by whoever holds the Lineage (the
app on ``app.state``, the command for one call), never by the module: an
analysis of a national cascade takes a second or two; asked again, its bytes
must come back in milliseconds, and must never outlive an ingest that changes
the answer. Every answer is filed under :attr:`graph.service.Lineage.generation`
as it was when the work began; a new generation starts an empty store, so
nothing stale is ever served. Answers are bounded by their rows (dicts) and by
their size (bytes), least recently used first out; one request computes a given
answer while the others asking for it wait for it.

Other analyses join by adding a function to :data:`ANALYSES` (and a table to
:data:`graph.analytics.tables.TABLES` for their CSV).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sized
from typing import Any

import orjson

from graph.analytics import reuse, targets
from graph.analytics.coverage import UnitIndex, coverage, unit_index
from graph.analytics.feed import DEFAULT_ENTRIES, feed
from graph.analytics.quality import MOST_WANTED, prepare
from graph.analytics.quality import check as check_quality
from graph.analytics.tables import TABLES, to_csv
from graph.analytics.timeline import timeline
from graph.ingestlog import first_ingested
from graph.readmodel import collector_paused
from graph.sparql import select

__all__ = ["ANALYSES", "Analytics", "MAX_BYTES", "MAX_ROWS"]

MAX_ROWS = 400_000  # rows (units, links) of the answers kept as dicts, all together
MAX_BYTES = 128 * 1024 * 1024  # bytes of the JSON and CSV answers kept
FEED_ASK = 2000  # a feed of a cascade this small asks the store for its documents' times alone


def _coverage(a: Analytics, pid: str, province: str | None = None, system: str | None = None) -> dict:
    return coverage(a.lin, pid, a.units, province=province, system=system)


def _timeline(a: Analytics, pid: str) -> dict:
    return timeline(a.lin, pid)


def _quality(a: Analytics, pid: str | None, most_wanted: int = MOST_WANTED) -> dict:
    """Data quality of the whole store (``pid`` None) or of the cascade below ``pid``."""
    prepared = a.kept(("quality", "prepared"), lambda: prepare(a.lin))
    return check_quality(a.lin, pid, most_wanted, prepared)


# name -> function(analytics, plan id, **params) -> answer
ANALYSES: dict[str, Callable[..., dict[str, Any]]] = {
    "coverage": _coverage,
    "timeline": _timeline,
    "quality": _quality,
    "reuse": reuse.analysis,  # text reuse along links (graph.analytics.reuse)
    "targets": targets.analysis,  # targets along the cascade (graph.analytics.targets)
}


def _weight(answer: Any) -> int:
    """An answer's rows: the lengths of its lists and row tables (not of its maps or strings)."""
    if isinstance(answer, dict):
        return 1 + sum(
            len(v) for v in answer.values() if isinstance(v, Sized) and not isinstance(v, _NOT_ROWS)
        )
    return 1


_NOT_ROWS = (str, bytes, Mapping)


class _Generation:
    """What one read model's answers are: dicts, bytes, the unit index, the keys in flight."""

    def __init__(self, token: int) -> None:
        self.token = token
        self.lock = threading.Lock()
        self.dicts: OrderedDict[Hashable, Any] = OrderedDict()
        self.rows = 0
        self.blobs: OrderedDict[Hashable, bytes] = OrderedDict()
        self.size = 0
        self.flights: dict[Hashable, threading.Lock] = {}
        self.units: UnitIndex | None = None


class Analytics:
    """The analyses of one :class:`graph.service.Lineage`, cached per generation (see module docstring)."""

    def __init__(self, lin: Any, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> None:
        self.lin = lin
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._gen = _Generation(-1)

    # ------------------------------------------------------------- the store
    def _current(self) -> _Generation:
        token = self.lin.generation
        with self._lock:
            if self._gen.token != token:
                self._gen = _Generation(token)
            return self._gen

    def _once(self, gen: _Generation, key: Hashable, get: Callable[[], Any], make: Callable[[], Any]) -> Any:
        """``get()`` if kept, else ``make()`` computed by one caller while the others wait."""
        hit = get()
        if hit is not None:
            return hit
        with gen.lock:
            flight = gen.flights.setdefault(key, threading.Lock())
        with flight:
            hit = get()
            if hit is not None:
                return hit
            with collector_paused():  # an answer makes many small objects and no cycles
                value = make()
        with gen.lock:
            gen.flights.pop(key, None)
        return value

    def kept(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``'s answer, kept for this generation under ``key`` (bounded by rows)."""
        gen = self._current()

        def get() -> Any:
            with gen.lock:
                hit = gen.dicts.get(key)
                if hit is not None:
                    gen.dicts.move_to_end(key)
                return hit

        def make_and_keep() -> Any:
            value = make()
            w = _weight(value)
            if w <= self.max_rows:
                with gen.lock:
                    gen.dicts[key] = value
                    gen.rows += w
                    while gen.rows > self.max_rows and len(gen.dicts) > 1:
                        _, old = gen.dicts.popitem(last=False)
                        gen.rows -= _weight(old)
            return value

        return self._once(gen, key, get, make_and_keep)

    def kept_bytes(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """``make()``'s bytes, kept for this generation under ``key`` (bounded by size)."""
        gen = self._current()

        def get() -> bytes | None:
            with gen.lock:
                hit = gen.blobs.get(key)
                if hit is not None:
                    gen.blobs.move_to_end(key)
                return hit

        def make_and_keep() -> bytes:
            body = make()
            if len(body) <= self.max_bytes // 2:
                with gen.lock:
                    gen.blobs[key] = body
                    gen.size += len(body)
                    while gen.size > self.max_bytes and len(gen.blobs) > 1:
                        _, old = gen.blobs.popitem(last=False)
                        gen.size -= len(old)
            return body

        return self._once(gen, ("bytes", key), get, make_and_keep)

    def units(self) -> UnitIndex:
        """Every document's unit, once per generation (what coverage looks documents up in)."""
        gen = self._current()

        def make() -> UnitIndex:
            lin = self.lin
            idx = unit_index(lin.summary(n) for n in lin.index.nodes())
            gen.units = idx
            return idx

        return self._once(gen, ("units",), lambda: gen.units, make)

    # ----------------------------------------------------------- the answers
    def answer(self, kind: str, pid: str, **params: Any) -> dict[str, Any]:
        """The answer of analysis ``kind`` for plan ``pid`` (KeyError for an unknown kind)."""
        make = ANALYSES[kind]
        key = (kind, pid, tuple(sorted(params.items())))
        return self.kept(key, lambda: make(self, pid, **params))

    def json(self, kind: str, pid: str, **params: Any) -> bytes:
        """:meth:`answer` as JSON bytes."""
        key = ("json", kind, pid, tuple(sorted(params.items())))
        return self.kept_bytes(key, lambda: orjson.dumps(self.answer(kind, pid, **params)))

    def csv(self, kind: str, pid: str, **params: Any) -> str:
        """:meth:`answer` as CSV text (its table in :data:`graph.analytics.tables.TABLES`)."""
        columns, rows = TABLES[kind]
        key = ("csv", kind, pid, tuple(sorted(params.items())))
        body = self.kept_bytes(key, lambda: to_csv(columns, rows(self.answer(kind, pid, **params))).encode())
        return body.decode("utf-8")

    # shorthands
    def coverage(self, pid: str, province: str | None = None, system: str | None = None) -> dict[str, Any]:
        return self.answer("coverage", pid, province=province, system=system)

    def timeline(self, pid: str) -> dict[str, Any]:
        return self.answer("timeline", pid)

    def quality(self, pid: str | None = None, most_wanted: int = MOST_WANTED) -> dict[str, Any]:
        return self.answer("quality", pid, most_wanted=most_wanted)

    def quality_csv(self, table: str, pid: str | None = None, most_wanted: int = MOST_WANTED) -> str:
        """The quality answer's findings (``table`` "quality") or most-wanted list ("most_wanted") as CSV."""
        columns, rows = TABLES[table]
        key = ("csv", table, pid, most_wanted)
        body = self.kept_bytes(key, lambda: to_csv(columns, rows(self.quality(pid, most_wanted))).encode())
        return body.decode("utf-8")

    def feed(self, pid: str, limit: int = DEFAULT_ENTRIES) -> dict[str, Any]:
        """The documents newly ingested below ``pid``, newest first (the Atom feed's entries;
        :mod:`graph.analytics.feed`). Not one of :data:`ANALYSES`. The ingest times come from
        the store: for a cascade of at most :data:`FEED_ASK` documents, theirs alone; for a
        larger one, every document's, read once per generation (a second or two at national
        scale) and kept."""

        def make() -> dict[str, Any]:
            lin = self.lin
            below = lin.index.descendants(pid) if lin.knows(pid) else []
            gen = self._current()
            with gen.lock:
                known = gen.dicts.get(("feed", "times"))
            if known is None and len(below) <= FEED_ASK:
                iris = [lin.summary(d)["iri"] for d, _ in below] + [lin.summary(pid)["iri"]]
                known = first_ingested(lambda q: select(lin.store, q), lin.base, iris)
            elif known is None:
                known = self.kept(
                    ("feed", "times"), lambda: first_ingested(lambda q: select(lin.store, q), lin.base)
                )
            return feed(lin, pid, known, limit)

        return self.kept(("feed", pid, limit), make)
