"""What the views derive from one read model, memoised on the app until the model is replaced.

Reads: a :class:`graph.service.Lineage` (only its ``generation``), a key and a
function that builds the value. Returns: the value, built once per read model.
:func:`install_cache` keeps one :class:`ViewCache` on ``app.state`` and
:func:`view_cache` finds it from a request.

Why on the app and not in a module global: two apps in one process (the tests
start many, a server could mount two stores) must not share or evict each
other's views, and the memory goes with the app. Why keyed on the generation:
``Lineage.generation`` changes exactly when a new read model is published (after
every ingest) and is never reused in the process, so a value can never outlive
the model it was derived from. The cascades at national scale weigh tens of
MB, so the cache is bounded by weight, not by count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from fastapi import FastAPI, Request

__all__ = ["ViewCache", "install_cache", "view_cache"]

T = TypeVar("T")

_Entries = OrderedDict[Hashable, tuple[Any, int]]


class Generational(Protocol):
    """What the cache reads of a Lineage: the token of its current read model."""

    @property
    def generation(self) -> int: ...


class ViewCache:
    """Values derived from one read model, dropped when the model is replaced.

    A lock per key keeps concurrent requests from building the same national
    cascade twice. Memory is bounded by weight: a national cascade weighs its
    100,000 documents, a commune's a handful, so the least recently used entries
    go once the weights under one read model pass ``max_weight`` (an entry heavier
    than the bound alone is kept: it was asked for). At most ``max_indexes`` read
    models are remembered (the current one and the one a slow request still reads).
    """

    def __init__(self, max_indexes: int = 2, max_entries: int = 512, max_weight: int = 400_000) -> None:
        self.max_indexes = max_indexes
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._lock = threading.Lock()
        # generation -> {key: (value, weight)} in least recently used order
        self._by_generation: OrderedDict[int, _Entries] = OrderedDict()
        self._key_locks: dict[tuple[int, Hashable], threading.Lock] = {}

    def get(
        self,
        lin: Generational,
        key: Hashable,
        build: Callable[[], T],
        weight: Callable[[T], int] | None = None,
    ) -> T:
        """The value for ``key`` under the current read model of ``lin``, built once by ``build``."""
        gen = lin.generation
        with self._lock:
            entries = self._by_generation.get(gen)
            if entries is None:
                entries = self._by_generation[gen] = OrderedDict()
            self._by_generation.move_to_end(gen)
            while len(self._by_generation) > self.max_indexes:
                self._by_generation.popitem(last=False)
            if key in entries:
                entries.move_to_end(key)
                return entries[key][0]  # type: ignore[no-any-return]
            key_lock = self._key_locks.setdefault((gen, key), threading.Lock())
        with key_lock:
            with self._lock:
                if key in entries:
                    return entries[key][0]  # type: ignore[no-any-return]
            value = build()
            with self._lock:
                entries[key] = (value, max(1, weight(value)) if weight else 1)
                total = sum(w for _, w in entries.values())
                while len(entries) > 1 and (len(entries) > self.max_entries or total > self.max_weight):
                    _, (_, w) = entries.popitem(last=False)
                    total -= w
                # waiting threads hold the lock object already; later ones find the value
                self._key_locks.pop((gen, key), None)
            return value

    def clear(self) -> None:
        """Forget everything (to give the memory back)."""
        with self._lock:
            self._by_generation.clear()
            self._key_locks.clear()


def install_cache(app: FastAPI, cache: ViewCache | None = None) -> ViewCache:
    """Keep ``cache`` (a new one by default) on ``app.state.view_cache``; returns it."""
    app.state.view_cache = cache if cache is not None else ViewCache()
    return app.state.view_cache  # type: ignore[no-any-return]


def view_cache(request: Request) -> ViewCache:
    """The cache of the app serving ``request`` (set by :func:`install_cache`)."""
    cache: ViewCache = request.app.state.view_cache
    return cache
