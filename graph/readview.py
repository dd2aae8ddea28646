"""One read model as the queries see it: the index to walk and every summary made once.

Reads: a :class:`graph.readmodel.ReadModel` and the index that answers its
lineage questions (the model's own :class:`graph.index.LineageIndex`, or
:class:`graph.paths.SparqlIndex` asking the store). Returns: documents (NotFound
for an unknown id), summary dicts, JSON fragments and whole traversal answers,
each built once and kept with the view.

Why a view replaced whole: every ingest or refresh publishes a new read model,
and whatever was derived from the old one (summaries, JSON, the views' caches)
must go with it. A query takes the current view once and reads only from it,
so it never mixes two generations; :attr:`ReadView.generation` is the token
caches elsewhere key on (unique in the process, never reused).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import orjson

from graph.errors import NotFound
from graph.index import LineageIndex
from graph.paths import SparqlIndex
from graph.readmodel import Body, Doc, ReadModel

__all__ = ["JSON_CACHE_BYTES", "ReadView"]

# Whole traversal answers kept per read model (see ReadView.cached_json).
JSON_CACHE_BYTES = 128 * 1024 * 1024
_GENERATIONS = itertools.count(1)


def _sort_key(d: Doc) -> tuple[str, str]:
    return (d.date or "9999", d.id)


class ReadView:
    """A read model, its index, and what is derived from them (see module docstring)."""

    def __init__(self, model: ReadModel, index: LineageIndex | SparqlIndex) -> None:
        self.model = model
        self.index = index
        self.docs: dict[str, Doc] = model.docs
        self.bodies: dict[str, Body] = model.bodies
        self.generation = next(_GENERATIONS)
        self._summaries: dict[str, dict[str, Any]] = {}
        self._fragments: dict[str, str] = {}
        self._json: OrderedDict[Hashable, bytes] = OrderedDict()
        self._json_bytes = 0

    def doc(self, pid: str) -> Doc:
        """The document ``pid``; NotFound when the graph does not know it."""
        d = self.docs.get(pid)
        if d is None:
            raise NotFound(f"unknown plan id: {pid}")
        return d

    def summary(self, d: Doc) -> dict[str, Any]:
        """The summary dict of a document, built once per read model and shared:
        callers copy before they change it (traversals at national scale return
        thousands of these per request)."""
        s = self._summaries.get(d.id)
        if s is not None:
            return s
        b = self.bodies.get(d.body or "")
        s = self._summaries[d.id] = {
            "id": d.id,
            "iri": d.iri,
            "doc_type": d.doc_type,
            "number": d.number,
            "date": d.date,
            "title": d.title,
            "issuer": {
                "name": b.name if b else None,
                "system": b.system if b else None,
                "level": b.level if b else None,
                "province": b.province if b else None,
                "district": b.district if b else None,
                "commune": b.commune if b else None,
                "province_current": b.province_current if b else None,
            },
            "stub": d.stub,
        }
        return s

    def summaries(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Copies of the summaries of ``ids``, by date then id."""
        return [dict(self.summary(d)) for d in sorted((self.docs[i] for i in ids), key=_sort_key)]

    def shared(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The shared summaries of ``ids`` (read them, never change them); NotFound for an
        unknown id. One look-up a document once built: a cascade has 100,000."""
        cache, docs, summary = self._summaries, self.docs, self.summary
        try:
            return {i: cache.get(i) or summary(docs[i]) for i in ids}
        except KeyError as e:
            raise NotFound(f"unknown plan id: {e.args[0]}") from None

    def with_depth(self, pairs: list[tuple[str, int]], sign: int = 1) -> list[dict[str, Any]]:
        """``(id, depth)`` pairs as summaries carrying ``depth`` (times ``sign``), in order."""
        cache, docs, summary = self._summaries, self.docs, self.summary
        return [(cache.get(n) or summary(docs[n])) | {"depth": sign * dep} for n, dep in pairs]

    def fragment(self, pid: str) -> str:
        """A document's summary as JSON without its closing brace (see :meth:`cached_json`)."""
        f = self._fragments.get(pid)
        if f is None:
            f = self._fragments[pid] = orjson.dumps(self.summary(self.docs[pid])).decode("utf-8")[:-1]
        return f

    def kept_json(self, key: Hashable) -> bytes | None:
        """The bytes kept under ``key`` by :meth:`cached_json`, or None: never makes them."""
        hit = self._json.get(key)
        if hit is not None:
            self._json.move_to_end(key)
        return hit

    def cached_json(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """``make()``'s bytes, kept under ``key`` in a least-recently-used cache bounded
        by :data:`JSON_CACHE_BYTES` (an answer over an eighth of it is not kept)."""
        cache = self._json
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        body = make()
        if len(body) <= JSON_CACHE_BYTES // 8:
            cache[key] = body
            self._json_bytes += len(body)
            while self._json_bytes > JSON_CACHE_BYTES:
                _, old = cache.popitem(last=False)
                self._json_bytes -= len(old)
        return body
