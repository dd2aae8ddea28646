"""Record graphs built in worker processes and serialised for a bulk load.

Reads: :class:`ingest.model.PlanRecord` values and the catalogue of known
document keys. Returns: :class:`Built` per record, in order: its graph IRI,
N-Quads text, the read-model facts it contributes and the keys it mentions.

Why: building a record's graph (identity, places, links with evidence) costs
as much CPU as extracting it, and a store loads N-Quads in bulk far faster
than one update per graph. Workers receive the catalogue once (the pool's
initializer), so every record resolves its partial references against the
whole batch, exactly as :func:`graph.rdf.build` does in process.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from graph import rdf
from graph.identity import DEFAULT_BASE, Catalogue, DocKey
from graph.readmodel import Facts, collector_paused, facts_of_graph
from ingest.model import PlanRecord
from ingest.parallel import imap

__all__ = ["Built", "Made", "Shard", "Shards", "Source", "build_many", "nquads"]


@dataclass(frozen=True)
class Built:
    graph: str
    doc_id: str
    keys: list[DocKey]
    nquads: str
    facts: Facts


_state: dict[str, object] = {"base": DEFAULT_BASE, "catalogue": None}


def _init(base: str, catalogue: Catalogue | None) -> None:
    _state["base"], _state["catalogue"] = base, catalogue


def nquads(graph: str, triples: Sequence[object]) -> str:
    """The triples of one named graph as N-Quads lines."""
    g = f"<{graph}>"
    return "".join(f"{t} {g} .\n" for t in triples)  # a Triple prints as N-Triples: one call


def _build_one(record: PlanRecord) -> Built:
    cat = _state["catalogue"]
    rg = rdf.build(record, str(_state["base"]), cat if isinstance(cat, Catalogue) else None)
    return Built(
        rg.graph, rg.doc_id, rg.keys, nquads(rg.graph, rg.triples), facts_of_graph(rg.graph, rg.triples)
    )


def build_many(
    records: Sequence[PlanRecord],
    base: str = DEFAULT_BASE,
    catalogue: Catalogue | None = None,
    workers: int | None = 1,
) -> Iterator[Built]:
    """:class:`Built` for each record, in order, over ``workers`` processes."""
    return imap(
        _build_one,
        records,
        workers,
        chunksize=16,
        initializer=_init,
        initargs=(base, catalogue),
        preload=["graph.bulk"],
    )


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
    """Records extracted by one worker, kept there between the two passes.

    Why: a record's graph needs the catalogue of every key the whole batch
    states, so extraction must finish everywhere before any graph is built.
    Keeping the records where they were made means a record never crosses a
    process boundary: the first pass sends back its keys, the second writes
    N-Quads straight to a file the store bulk-loads.
    """

    def __init__(self, base: str, verdicts: Sequence[object] = ()) -> None:
        self.base = base
        self.verdicts = list(verdicts)
        self.records: dict[int, PlanRecord] = {}
        self.catalogue: Catalogue | None = None

    @collector_paused()  # extraction leaves no cyclic garbage; rescans cost ~10% of it
    def extract(self, items: Sequence[tuple[int, str]]) -> list[tuple[int, Source]]:
        from ingest import curation
        from ingest.parallel import _extract_one

        out = []
        for i, path in items:
            rec, err = _extract_one(path)
            if rec is not None and self.verdicts:
                try:
                    rec = curation.apply(rec, self.verdicts)  # type: ignore[arg-type]
                except Exception as e:  # a curation that cannot apply loses this record, not the run
                    rec, err = None, f"{path}: curation could not be applied ({type(e).__name__}: {e})"
            if rec is None:
                out.append((i, Source(path, error=err or f"{path}: could not be extracted")))
                continue
            self.records[i] = rec
            sha = rdf.source_sha(rec)
            graph = rdf.graph_iri(sha, self.base)
            out.append((i, Source(path, graph=graph, sha256=rec.sha256, keys=tuple(rdf.stated_keys(rec)))))
        return out

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
        if op == "catalogue":
            self.catalogue = msg[1]
            return None
        if op == "build":
            return self.build(msg[1], msg[2])
        if op == "take":
            return self.take(msg[1])
        raise ValueError(f"unknown shard request {op!r}")


def _serve(conn: Connection, base: str, verdicts: Sequence[object]) -> None:
    """A worker's loop: one request in, one answer out, until the pipe closes."""
    import gc

    gc.freeze()  # the imported modules never become garbage: keep the collector off them
    shard = Shard(base, verdicts)
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "stop":
            return
        conn.send(shard.handle(msg))
        if msg[0] in ("extract", "build"):
            # The records kept here, and the pieces a build memoises, hold no cycles the
            # collector could free: out of its sight, it stops rescanning a growing heap.
            gc.freeze()


class Shards:
    """``workers`` long-lived processes, each a :class:`Shard` (in process when one will do).

    Use as a context manager: :meth:`extract` every file, then :meth:`build` the
    records to keep into N-Quads files and :meth:`take` the ones the caller
    handles itself.
    """

    CHUNK = 128  # files per request: progress stays smooth, pipes stay small

    def __init__(
        self,
        base: str = DEFAULT_BASE,
        verdicts: Sequence[object] = (),
        workers: int | None = None,
        size: int = 0,
    ) -> None:
        from ingest.parallel import MIN_PARALLEL, default_workers

        n = default_workers() if workers is None else max(1, workers)
        self.local: Shard | None = None
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        self.owner: dict[int, int] = {}  # record index -> shard holding it
        if n == 1 or size < MIN_PARALLEL:
            self.local = Shard(base, verdicts)
            return
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["graph.bulk"])
        for _ in range(n):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(child, base, list(verdicts)), daemon=True)
            p.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(p)

    def __enter__(self) -> Shards:
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

    def _ask(self, k: int, msg: tuple[Any, ...]) -> None:
        self.conns[k].send(msg)

    def _answer(self, k: int) -> Any:
        try:
            return self.conns[k].recv()
        except EOFError as e:
            code = self.procs[k].exitcode
            raise RuntimeError(f"ingest worker {k} stopped unexpectedly (exit code {code})") from e

    def _drive(
        self, next_job: Callable[[int], tuple[Any, ...] | None], on_answer: Callable[[int, Any], None]
    ) -> None:
        """Keep one request in flight per shard: ``next_job(k)`` is shard ``k``'s next
        request (None when it has none left); each answer goes to ``on_answer``."""
        busy: set[int] = set()
        for k in range(len(self.conns)):
            job = next_job(k)
            if job is not None:
                self._ask(k, job)
                busy.add(k)
        while busy:
            for c in wait([self.conns[k] for k in busy]):
                k = self.conns.index(c)  # type: ignore[arg-type]
                busy.discard(k)
                on_answer(k, self._answer(k))
                job = next_job(k)
                if job is not None:
                    self._ask(k, job)
                    busy.add(k)

    def _by_shard(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """The record indexes ``ids`` grouped by the shard that holds them."""
        out: dict[int, list[int]] = {}
        for i in ids:
            out.setdefault(self.owner[i], []).append(i)
        return out

    def extract(self, paths: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Source]:
        """A :class:`Source` per path, in order."""
        items = list(enumerate(paths))
        out: list[Source | None] = [None] * len(items)

        def keep(k: int, answer: list[tuple[int, Source]]) -> None:
            for i, s in answer:
                out[i] = s
                if s.error is None:
                    self.owner[i] = k
            if progress is not None:
                progress(len(answer))

        chunks = [items[j : j + self.CHUNK] for j in range(0, len(items), self.CHUNK)]
        if self.local is not None:
            for chunk in chunks:
                keep(-1, self.local.extract(chunk))
        else:
            # Any free shard takes the next chunk: extraction balances itself.
            pending = [("extract", c) for c in reversed(chunks)]
            self._drive(lambda _k: pending.pop() if pending else None, keep)
        return [s for s in out if s is not None]

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

        if self.local is not None:
            self.local.catalogue = catalogue
            path = os.path.join(folder, "shard-0.nq")
            for j in range(0, len(ids), self.CHUNK):
                keep(-1, self.local.build(ids[j : j + self.CHUNK], path))
            made.sort(key=lambda m: m.index)
            return ([path] if ids else []), made
        files = [os.path.join(folder, f"shard-{k}.nq") for k in range(len(self.conns))]
        for k in range(len(self.conns)):
            self._ask(k, ("catalogue", catalogue))
        for k in range(len(self.conns)):
            self._answer(k)
        by_shard = self._by_shard(ids)
        # Each shard builds only what it holds: a queue per shard, one request in flight.
        queues = {
            k: [("build", v[j : j + self.CHUNK], files[k]) for j in range(0, len(v), self.CHUNK)][::-1]
            for k, v in by_shard.items()
        }
        self._drive(lambda k: queues[k].pop() if queues.get(k) else None, keep)
        made.sort(key=lambda m: m.index)
        return [f for k, f in enumerate(files) if k in by_shard], made

    def take(self, ids: Sequence[int]) -> dict[int, PlanRecord]:
        """The records ``ids`` themselves (for sources the caller compares with the store)."""
        if self.local is not None:
            return self.local.take(ids)
        out: dict[int, PlanRecord] = {}
        for k, v in self._by_shard(ids).items():
            self._ask(k, ("take", v))
            out.update(self._answer(k))
        return out
