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
from ingest import faults
from ingest.curation import Verdict, extract_curated
from ingest.model import PlanRecord
from ingest.parallel import Lost, TimeLimit, Workers, item, split_lost
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
    N-Quads straight to a file the store bulk-loads. Each file and each record is
    an :func:`ingest.parallel.item`: one past the time limit is reported, not waited for.
    """

    def __init__(self, base: str, verdicts: Sequence[Verdict] = (), texts: str | None = None) -> None:
        self.base = base
        self.verdicts = list(verdicts)
        self.records: dict[int, PlanRecord] = {}
        self.catalogue: Catalogue | None = None
        self.warm = False
        self.keep_text = text_sink(texts)

    def keep(self, i: int, record: PlanRecord, path: str) -> Source:
        """Hold ``record`` as item ``i``; what the first pass reports of it."""
        self.records[i] = record
        graph = graph_iri(source_sha(record), self.base)
        return Source(path, graph=graph, sha256=record.sha256, keys=tuple(stated_keys(record)))

    @collector_paused()  # extraction leaves no cyclic garbage; rescans cost ~10% of it
    def extract(self, items: Sequence[tuple[int, str]]) -> list[tuple[int, Source]]:
        """Extract (and curate) each ``(i, path)``; keep the records, report their keys."""
        if not self.warm:  # what the first extraction builds (the gazetteer, ~2 s) is no file's time
            from ingest.places import gazetteer

            gazetteer()
            self.warm = True
        out = []
        for i, path in items:
            try:
                with item(i):
                    rec, err = extract_curated(path, self.verdicts, self.keep_text)
            except TimeLimit as e:
                rec, err = None, f"{path}: {e}"
            if rec is None:
                out.append((i, Source(path, error=err or f"{path}: could not be extracted")))
            else:
                out.append((i, self.keep(i, rec, path)))
        return out

    def put(self, items: Sequence[tuple[int, PlanRecord]]) -> list[tuple[int, Source]]:
        """Keep records extracted elsewhere, as :meth:`extract` keeps its own."""
        return [(i, self.keep(i, rec, rec.source)) for i, rec in items]

    def build(self, ids: Sequence[int], out_path: str) -> tuple[list[Made], list[tuple[int, str]], int]:
        """Append the graphs of ``ids`` to ``out_path``; what each made, the records that could
        not be built with the reason, and the file's size after them (what the pool keeps of
        it should this worker die later). The records are dropped once written."""
        made, failed = [], []
        # Pieces and nodes memoised for later records pile up here: with the collector on,
        # it rescans them at every threshold (~15% of the build), and none is garbage
        # (a gc.collect() after 1,000 builds, or 2,000 extractions, finds nothing).
        with collector_paused(), open(out_path, "a", encoding="utf-8") as out:
            for i in ids:
                rec = self.records.pop(i, None)
                if rec is None:
                    failed.append((i, "its record was lost before its graph was built"))
                    continue
                try:
                    with item(i):
                        faults.poison(rec.source, "build")  # a test seam, inert unless named
                        rg = rdf.build(rec, self.base, self.catalogue)
                except TimeLimit as e:
                    failed.append((i, f"its graph could not be built: {e}"))
                    continue
                except Exception as e:  # one record that cannot be written never stops the others
                    failed.append((i, f"its graph could not be built ({type(e).__name__}: {e})"))
                    continue
                out.write(nquads(rg.graph, rg.triples))
                made.append(Made(i, rg.doc_id, rg.keys, facts_of_graph(rg.graph, rg.triples)))
            out.flush()
            return made, failed, out.tell()

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

    A worker that dies or hangs (see :class:`ingest.parallel.Workers`) costs the
    item it was on: that file is reported with the reason, a fresh worker takes its
    place, and the records the dead one held are extracted again (the pool remembers
    every item's input), so the run goes on with every other file.
    """

    CHUNK = 128  # files per request: progress stays smooth, pipes stay small

    def __init__(
        self,
        base: str = DEFAULT_BASE,
        verdicts: Sequence[Verdict] = (),
        workers: int | None = None,
        size: int = 0,
        isolate: bool = False,
        texts: str | None = None,
    ) -> None:
        """``isolate``: extract in a worker process even when one in process would do;
        ``texts``: the text store the workers keep each file's text in (:mod:`graph.texts`)."""
        self.pool = Workers(
            Shard, (base, list(verdicts), texts), workers, size, ["graph.bulk"], isolate=isolate
        )
        self.owner: dict[int, int] = {}  # record index -> shard holding it
        self.held: dict[int, set[int]] = {}  # shard -> record indexes it holds
        self.inputs: dict[int, tuple[str, Any]] = {}  # record index -> how to make it again
        self.tries: dict[int, int] = {}  # record index -> requests lost while it was in one
        self.losses = 0  # requests lost in a row with no item under way

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

    def _kept(self, k: int, answer: list[tuple[int, Source]]) -> None:
        """Shard ``k`` holds the records of ``answer`` that could be read."""
        for i, s in answer:
            if s.error is None:
                self.owner[i] = k
                self.held.setdefault(k, set()).add(i)

    def _forget(self, k: int) -> list[tuple[str, list[tuple[int, Any]]]]:
        """Shard ``k`` died with its records: the requests that make them again."""
        ids = sorted(self.held.pop(k, set()))
        for i in ids:
            self.owner.pop(i, None)
        return self._remake(ids)

    def _remake(self, ids: Sequence[int]) -> list[tuple[str, list[tuple[int, Any]]]]:
        by_op: dict[str, list[tuple[int, Any]]] = {}
        for i in ids:
            op, payload = self.inputs[i]
            by_op.setdefault(op, []).append((i, payload))
        return [(op, v[j : j + self.CHUNK]) for op, v in by_op.items() for j in range(0, len(v), self.CHUNK)]

    def _dying(self, lost: Lost) -> None:
        """Count the requests lost in a row before any item was under way; stop when there are
        too many (a broken installation, not a bad file: every request would die the same
        way). A loss charged to an item is progress: that file is reported."""
        self.losses = 0 if lost.tag is not None else self.losses + 1
        if self.losses > 2 * len(self.pool) + 4:
            raise RuntimeError(f"ingest workers keep stopping: {lost.why}")

    def _first_pass(
        self, op: str, items: list[tuple[int, Any]], progress: Callable[[int], None] | None
    ) -> list[Source]:
        out: list[Source | None] = [None] * len(items)
        for i, payload in items:
            self.inputs[i] = (op, payload)
        counted: set[int] = set()

        def report(answer: list[tuple[int, Source]]) -> None:
            fresh = 0
            for i, s in answer:
                out[i] = s
                if i not in counted:
                    counted.add(i)
                    fresh += 1
            if progress is not None and fresh:
                progress(fresh)

        # Any free shard takes the next chunk: extraction balances itself.
        pending = [(op, items[j : j + self.CHUNK]) for j in range(0, len(items), self.CHUNK)][::-1]
        for k, value in self.pool.events(lambda _k: pending.pop() if pending else None):
            if isinstance(value, Lost):
                self._dying(value)
                culprits, again = split_lost(value.job[1], value.tag, self.tries)
                report([(i, Source(_path(p), error=f"{_path(p)}: {value.why}")) for i, p in culprits])
                pending.extend(self._forget(k))
                if again:
                    pending.append((op, again))
            else:
                self.losses = 0
                self._kept(k, value)
                report(value)
                faults.point("extract")
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
    ) -> tuple[list[str], list[Made], dict[int, str]]:
        """The records ``ids`` as N-Quads files in ``folder`` (one per shard: the store loads a
        few big files far faster than many small ones), what each made, and the records that
        could not be built (index -> reason). A shard's file keeps only what its answers
        vouched for: what a worker wrote before it died is cut off, and built again."""
        made: list[Made] = []
        failed: dict[int, str] = {}
        files = {k: os.path.join(folder, f"shard-{k}.nq") for k in range(len(self.pool))}
        vouched: dict[int, int] = {}  # shard -> bytes of its file that answers account for
        todo = set(ids)

        def builds(k: int, v: Sequence[int]) -> list[tuple[Any, ...]]:
            return [("build", list(v[j : j + self.CHUNK]), files[k]) for j in range(0, len(v), self.CHUNK)]

        # Each shard builds only what it holds: a queue per shard, one request in flight.
        queues = {k: [*builds(k, v)[::-1], ("catalogue", catalogue)] for k, v in self._by_shard(ids).items()}
        for k, value in self.pool.events(lambda k: queues[k].pop() if queues.get(k) else None):
            if isinstance(value, Lost):
                self._dying(value)
                job = value.job
                if job[0] == "build":
                    if os.path.exists(files[k]):  # what it wrote and never vouched for
                        os.truncate(files[k], vouched.get(k, 0))
                    culprits, _ = split_lost([(i, None) for i in job[1]], value.tag, self.tries)
                elif job[0] in ("extract", "put"):
                    culprits, _ = split_lost(job[1], value.tag, self.tries)
                else:
                    culprits = []
                for i, _x in culprits:
                    failed[i] = value.why
                    todo.discard(i)
                # Its records died with it: make them again, then build those still to build.
                remake = self._forget(k)
                lost_build = sorted(i for _op, v in remake for i, _x in v if i in todo)
                queues[k] = [*builds(k, lost_build)[::-1], ("catalogue", catalogue), *remake[::-1]]
                self.held[k] = set()
                continue
            self.losses = 0
            if value is None:  # the catalogue is in place
                continue
            if isinstance(value, list):  # records made again after a lost shard
                for i, s in value:
                    if s.error is not None:
                        failed[i] = s.error.removeprefix(f"{s.path}: ")
                        todo.discard(i)
                self._kept(k, value)
                continue
            done, bad, vouched[k] = value
            for i, why in bad:
                failed[i] = why
            finished = [m.index for m in done] + [i for i, _ in bad]
            todo.difference_update(finished)
            self.held.get(k, set()).difference_update(finished)
            made.extend(done)
            if progress is not None:
                progress(len(done) + len(bad))
            faults.point("build")
        made.sort(key=lambda m: m.index)
        return [f for k, f in files.items() if vouched.get(k)], made, failed

    def take(self, ids: Sequence[int]) -> dict[int, PlanRecord]:
        """The records ``ids`` themselves (for sources the caller compares with the store);
        one whose file failed when its worker was lost is not among them."""
        out: dict[int, PlanRecord] = {}
        for k, v in self._by_shard([i for i in ids if i in self.owner]).items():
            out.update(self.pool.request(k, ("take", v)))
        return out


def _path(payload: Any) -> str:
    """The name an item is reported by: its path, or the source of a record handed over."""
    return payload if isinstance(payload, str) else getattr(payload, "source", str(payload))
