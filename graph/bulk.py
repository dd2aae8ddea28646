"""Record graphs built in worker processes and written as N-Quads for a bulk load.

Reads: what ingest gives: the records a worker extracts from files with the
curation verdicts applied (:func:`ingest.curation.extract_curated`), or records
handed over as they are; and the catalogue of known document keys. Returns: a
:class:`Source` per file or record (its graph IRI and the keys it states, or why
it could not be read), then N-Quads files and a :class:`Made` per built record
(the read-model facts it contributes and the keys it mentions).

Why: building a record's graph (identity, places, links with evidence) costs
as much CPU as extracting it, and a store loads N-Quads in bulk far faster
than one update per graph. The workers are the project's one pool
(:class:`ingest.parallel.Workers`); each receives the catalogue once, so every
record resolves its partial references against the whole batch, exactly as
:func:`graph.rdf.build` does in process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph import rdf
from graph.identity import DEFAULT_BASE, Catalogue, DocKey
from graph.readmodel import Facts, collector_paused, facts_of_graph
from graph.sources import source_sha, stated_keys
from graph.terms import graph_iri
from ingest.curation import Verdict, extract_curated
from ingest.model import PlanRecord
from ingest.parallel import Workers
from ingest.readers import Document

__all__ = ["Made", "Shard", "Shards", "Source", "nquads", "text_sink"]


def text_sink(path: str | None) -> Callable[[Document, PlanRecord], None] | None:
    """What a shard calls with each document it extracts to keep its text (None: no text
    store). Imported here, in the worker, so a run without a text store never loads it."""
    if path is None:
        return None
    from graph.texts import TextSink

    return TextSink(path)


def nquads(graph: str, triples: Sequence[object]) -> str:
    """The triples of one named graph as N-Quads lines."""
    g = f"<{graph}>"
    return "".join(f"{t} {g} .\n" for t in triples)  # a Triple prints as N-Triples: one call


# -- files to graphs in two passes over long-lived shards ----------------------------------
@dataclass(frozen=True, slots=True)
class Source:
    """What the first pass learnt of one file: its error, or its graph and stated keys."""

    path: str
    error: str | None = None
    graph: str | None = None
    sha256: str | None = None
    keys: tuple[DocKey, ...] = ()


@dataclass(frozen=True, slots=True)
class Made:
    """What the second pass made of one record (its N-Quads went to the shard's file)."""

    index: int
    doc_id: str
    keys: list[DocKey]
    facts: Facts


class Shard:
    """Records held by one worker, kept there between the two passes (a worker's handler).

    Why: a record's graph needs the catalogue of every key the whole batch
    states, so extraction must finish everywhere before any graph is built.
    Keeping the records where they were made means a record never crosses a
    process boundary: the first pass sends back its keys, the second writes
    N-Quads straight to a file the store bulk-loads.
    """

    def __init__(self, base: str, verdicts: Sequence[Verdict] = (), texts: str | None = None) -> None:
        self.base = base
        self.verdicts = list(verdicts)
        self.records: dict[int, PlanRecord] = {}
        self.catalogue: Catalogue | None = None
        self.keep_text = text_sink(texts)

    def keep(self, i: int, record: PlanRecord, path: str) -> Source:
        """Hold ``record`` as item ``i``; what the first pass reports of it."""
        self.records[i] = record
        graph = graph_iri(source_sha(record), self.base)
        return Source(path, graph=graph, sha256=record.sha256, keys=tuple(stated_keys(record)))

    @collector_paused()  # extraction leaves no cyclic garbage; rescans cost ~10% of it
    def extract(self, items: Sequence[tuple[int, str]]) -> list[tuple[int, Source]]:
        """Extract (and curate) each ``(i, path)``; keep the records, report their keys."""
        out = []
        for i, path in items:
            rec, err = extract_curated(path, self.verdicts, self.keep_text)
            if rec is None:
                out.append((i, Source(path, error=err or f"{path}: could not be extracted")))
            else:
                out.append((i, self.keep(i, rec, path)))
        return out

    def put(self, items: Sequence[tuple[int, PlanRecord]]) -> list[tuple[int, Source]]:
        """Keep records extracted elsewhere, as :meth:`extract` keeps its own."""
        return [(i, self.keep(i, rec, rec.source)) for i, rec in items]

    def build(self, ids: Sequence[int], out_path: str) -> list[Made]:
        """Append the graphs of ``ids`` to ``out_path``; the records are dropped once written."""
        made = []
        # Pieces and nodes memoised for later records pile up here: with the collector on,
        # it rescans them at every threshold (~15% of the build), and none is garbage
        # (a gc.collect() after 1,000 builds, or 2,000 extractions, finds nothing).
        with collector_paused(), open(out_path, "a", encoding="utf-8") as out:
            for i in ids:
                rg = rdf.build(self.records.pop(i), self.base, self.catalogue)
                out.write(nquads(rg.graph, rg.triples))
                made.append(Made(i, rg.doc_id, rg.keys, facts_of_graph(rg.graph, rg.triples)))
        return made

    def take(self, ids: Sequence[int]) -> dict[int, PlanRecord]:
        return {i: self.records.pop(i) for i in ids}

    def handle(self, msg: tuple[Any, ...]) -> Any:
        op = msg[0]
        if op == "extract":
            return self.extract(msg[1])
        if op == "put":
            return self.put(msg[1])
        if op == "catalogue":
            self.catalogue = msg[1]
            return None
        if op == "build":
            return self.build(msg[1], msg[2])
        if op == "take":
            return self.take(msg[1])
        raise ValueError(f"unknown shard request {op!r}")


class Shards:
    """A :class:`Shard` per worker of the pool (one, in process, when one will do).

    Use as a context manager: :meth:`extract` every file (or :meth:`put` the
    records), then :meth:`build` the records to keep into N-Quads files and
    :meth:`take` the ones the caller handles itself.
    """

    CHUNK = 128  # files per request: progress stays smooth, pipes stay small

    def __init__(
        self,
        base: str = DEFAULT_BASE,
        verdicts: Sequence[Verdict] = (),
        workers: int | None = None,
        size: int = 0,
        texts: str | None = None,
    ) -> None:
        """``texts``: the text store the workers keep each file's text in (:mod:`graph.texts`)."""
        self.pool = Workers(Shard, (base, list(verdicts), texts), workers, size, preload=["graph.bulk"])
        self.owner: dict[int, int] = {}  # record index -> shard holding it

    def __enter__(self) -> Shards:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.pool.close()

    def _by_shard(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """The record indexes ``ids`` grouped by the shard that holds them."""
        out: dict[int, list[int]] = {}
        for i in ids:
            out.setdefault(self.owner[i], []).append(i)
        return out

    def _first_pass(
        self, op: str, items: list[tuple[int, Any]], progress: Callable[[int], None] | None
    ) -> list[Source]:
        out: list[Source | None] = [None] * len(items)

        def keep(k: int, answer: list[tuple[int, Source]]) -> None:
            for i, s in answer:
                out[i] = s
                if s.error is None:
                    self.owner[i] = k
            if progress is not None:
                progress(len(answer))

        # Any free shard takes the next chunk: extraction balances itself.
        pending = [(op, items[j : j + self.CHUNK]) for j in range(0, len(items), self.CHUNK)][::-1]
        self.pool.drive(lambda _k: pending.pop() if pending else None, keep)
        return [s for s in out if s is not None]

    def extract(self, paths: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Source]:
        """A :class:`Source` per path, in order."""
        return self._first_pass("extract", list(enumerate(paths)), progress)

    def put(self, records: Sequence[PlanRecord]) -> list[Source]:
        """A :class:`Source` per record, in order (its ``path``: the record's source)."""
        return self._first_pass("put", list(enumerate(records)), None)

    def build(
        self,
        catalogue: Catalogue,
        ids: Sequence[int],
        folder: str,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[list[str], list[Made]]:
        """The records ``ids`` as N-Quads files in ``folder`` (one per shard) and what each made."""
        made: list[Made] = []

        def keep(_k: int, answer: list[Made]) -> None:
            made.extend(answer)
            if progress is not None:
                progress(len(answer))

        files = [os.path.join(folder, f"shard-{k}.nq") for k in range(len(self.pool))]
        self.pool.broadcast(("catalogue", catalogue))
        by_shard = self._by_shard(ids)
        # Each shard builds only what it holds: a queue per shard, one request in flight.
        queues = {
            k: [("build", v[j : j + self.CHUNK], files[k]) for j in range(0, len(v), self.CHUNK)][::-1]
            for k, v in by_shard.items()
        }
        self.pool.drive(lambda k: queues[k].pop() if queues.get(k) else None, keep)
        made.sort(key=lambda m: m.index)
        return [f for k, f in enumerate(files) if k in by_shard], made

    def take(self, ids: Sequence[int]) -> dict[int, PlanRecord]:
        """The records ``ids`` themselves (for sources the caller compares with the store)."""
        out: dict[int, PlanRecord] = {}
        for k, v in self._by_shard(ids).items():
            out.update(self.pool.request(k, ("take", v)))
        return out
