"""Writing: records or files into the store, by one path, and the read model brought up to date.

Reads: files (extracted and curated in worker shards) or records in hand; the
store's named graphs. Writes: one named graph per new source (built in the
workers and bulk-loaded as N-Quads), sources already stored compared and
replaced in their own transaction, the campaign scheme's graph, and graphs
rewritten when a partial reference finally resolves. Returns: an
:class:`IngestReport` (and for files a :class:`graph.bulk.Source` per path).

Why one path: files and records differ only in their first pass (extract in
the workers, or hand the records over); sorting sources into new, already
stored and repeated, building, loading and settling the read model are the
same code, so the two can never disagree about what a batch does.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from graph import ingestlog, journal, rdf, settle
from graph.bulk import Shards, Source
from graph.errors import StoreError
from graph.lifecycle import ReadState
from graph.readmodel import Facts
from ingest import faults
from ingest.curation import Verdict
from ingest.model import PlanRecord
from ingest.ocr_pool import OcrRun, run_ocr

__all__ = ["IngestReport", "alongside", "ingest_files", "ingest_records", "scheme_graph"]

scheme_graph = settle.scheme_graph  # where the campaign scheme's graph has always been found

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """How many records were written, and how many were already there unchanged."""

    ingested: int
    unchanged: int
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds) where the ingest spent its time
    # The scans' pages: OCR'd now (seconds of each), or found in the OCR cache (ingest.ocr_pool)
    ocr: OcrRun = OcrRun()


@contextlib.contextmanager
def alongside(work: Callable[[], object]) -> Iterator[None]:
    """Run ``work`` in a thread while the block runs; its error is raised after the block.

    Why: the store's bulk loader releases the GIL and leaves CPU idle, so the read
    model of the graphs being loaded can be built at the same time.
    """
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as e:  # handed to the caller's thread below
            errors.append(e)

    thread = threading.Thread(target=run, name="lineage-load", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if errors:
        raise errors[0]


def ingest_files(
    live: ReadState,
    paths: Sequence[str | os.PathLike[str]],
    workers: int | None = None,
    verdicts: Sequence[Verdict] = (),
    progress: Callable[[str, int], None] | None = None,
    texts: str | None = None,
) -> tuple[IngestReport, list[Source]]:
    """OCR the scans' pages (:mod:`ingest.ocr_pool`), then extract, curate (``verdicts``) and
    write files; a :class:`Source` per path, in order
    (its ``error`` says why a file could not be read: unreadable, past the time limit per
    file, or its worker died on it). ``texts``: the text store where the workers keep each
    file's text (:mod:`graph.texts`)."""
    names = [os.fspath(p) for p in paths]
    if not names:
        return IngestReport(ingested=0, unchanged=0), []
    tick = (lambda phase: lambda n: progress(phase, n)) if progress else (lambda phase: None)
    # Off the main thread (a server's request) there is no timer signal to stop a file, and a
    # crash would take the server down: files are always read in a worker process there.
    isolate = threading.current_thread() is not threading.main_thread()
    # The scans' pages first, one page an item of the pool (never in a server's own thread:
    # there each file, its OCR included, is read in an isolated worker).
    ocr = OcrRun() if isolate else run_ocr(names, workers, tick("ocr"))
    shards = Shards(live.base, verdicts, workers, size=len(names), isolate=isolate, texts=texts)
    report, sources = _ingest(live, shards, lambda s: s.extract(names, tick("extract")), "extract", tick)
    if ocr.pages or ocr.cached:
        log.info("ingest: %s", ocr.summary())
        report = replace(report, ocr=ocr, phases=(("ocr", ocr.wall), *report.phases))
    return report, sources


def ingest_records(live: ReadState, records: Iterable[PlanRecord], workers: int | None = 1) -> IngestReport:
    """Write records extracted elsewhere: the same path, the records handed to the shards."""
    recs = list(records)
    if not recs:
        return IngestReport(ingested=0, unchanged=0)
    shards = Shards(live.base, (), workers, size=len(recs))
    report, _ = _ingest(live, shards, lambda s: s.put(recs), "records", lambda phase: None)
    return IngestReport(ingested=report.ingested, unchanged=report.unchanged)  # timings: in the log


def _ingest(
    live: ReadState,
    shards: Shards,
    first_pass: Callable[[Shards], list[Source]],
    first: str,
    tick: Callable[[str], Callable[[int], None] | None],
) -> tuple[IngestReport, list[Source]]:
    """The one write path (see module docstring). Every complete key the batch states is
    catalogued before any graph is built, so partial mentions resolve whatever the order.
    The store is written only once every file is extracted and built: first the batch's
    journal (:mod:`graph.journal`), then the bulk load, then replacements and settling,
    and the journal goes last; a kill anywhere is finished or undone by the next open."""
    _clear_the_way(live)
    try:
        return _batch(live, shards, first_pass, first, tick)
    except Exception:
        # This process's own half batch must not stay in the store it keeps serving.
        with contextlib.suppress(Exception):
            live.recover()
        raise


def _batch(
    live: ReadState,
    shards: Shards,
    first_pass: Callable[[Shards], list[Source]],
    first: str,
    tick: Callable[[str], Callable[[int], None] | None],
) -> tuple[IngestReport, list[Source]]:
    cat = live.catalogue
    t0 = time.perf_counter()
    log.info("ingest: %s begins", first)
    with shards:
        sources = first_pass(shards)
        t1 = time.perf_counter()
        log.info("ingest: build begins")
        for s in sources:
            for k in s.keys:
                cat.add(k)
        build, compare, unchanged = _sort(sources, set(live.store.graphs()))
        with journal.workdir() as tmp:
            files, made, failed = shards.build(cat, build, tmp, tick("build"))
            t2 = time.perf_counter()
            for i, why in failed.items():
                sources[i] = replace(sources[i], error=f"{sources[i].path}: {why}")
            new_facts = Facts()
            for m in made:
                for k in m.keys:
                    cat.add(k)
                new_facts.extend(m.facts)
            started = bool(made)
            if started:
                log.info("ingest: load begins (%d N-Quads files)", len(files))
                journal.begin(live.store, live.base, [sources[m.index].graph or "" for m in made], files)
            with alongside(lambda: _load(live, files)):
                # A source compared below may be replaced: then the model is read again anyway.
                ahead = None if compare or not made else live.model_ahead(new_facts)
            if started:
                stamp_new_sources(live, sources, [m.index for m in made])
                journal.loaded(live.store, live.base)
        t3 = time.perf_counter()
        log.info("ingest: settle begins")
        old = shards.take(compare)
    ingested, replaced = len(made), False
    for i in compare:
        if i not in old:  # lost with a worker and not to be had again (its error is in its source)
            continue
        rg = rdf.build(old[i], live.base, cat)
        for k in rg.keys:
            cat.add(k)
        if live.store.graph_triples(rg.graph) == set(rg.triples):
            unchanged += 1
            continue
        if not started:  # replacing is journaled too (nothing to load: loaded at once), so
            journal.begin(live.store, live.base, [])  # a kill here is settled from the store
            journal.loaded(live.store, live.base)
            started = True
        live.store.replace_graph(rg.graph, rg.triples)
        faults.point("replace")
        ingested += 1
        replaced = True
    settle.settle(live, ingested, replaced, new_facts, ahead)
    if started:
        journal.end(live.store, live.base)
    t4 = time.perf_counter()
    log.info(
        "ingest of %d %s: %s %.1fs, build %.1fs, load (read model alongside) %.1fs, settle %.1fs",
        len(sources),
        "files" if first == "extract" else "records",
        first,
        t1 - t0,
        t2 - t1,
        t3 - t2,
        t4 - t3,
    )
    phases = ((first, t1 - t0), ("build", t2 - t1), ("load", t3 - t2), ("settle", t4 - t3))
    return IngestReport(ingested=ingested, unchanged=unchanged, phases=phases), sources


def stamp_new_sources(live: ReadState, sources: Sequence[Source], build: Sequence[int]) -> None:
    """Record in the ingest log (:mod:`graph.ingestlog`) when the graphs of the sources new to
    the store were first written: what the change feed orders documents by."""
    ingestlog.stamp(live.store, live.base, [g for i in build if (g := sources[i].graph)])


def _clear_the_way(live: ReadState) -> None:
    """Before a batch: finish or undo one an interrupted ingest left; refuse to write beside
    a batch another process may still be writing."""
    live.recover()
    other = journal.foreign(live.store, live.base)
    if other is not None:
        raise StoreError(
            f"{other.describe()}; wait for it, or if that process is gone, "
            "run the ingest again with LINEAGE_RECOVER=1"
        )


def _load(live: ReadState, files: Sequence[str]) -> None:
    for k, f in enumerate(files, 1):
        live.store.load_nquads(f)
        log.info("ingest: loaded %d of %d N-Quads files", k, len(files))
        faults.point("load")


def _sort(sources: Sequence[Source], existing: set[str]) -> tuple[list[int], list[int], int]:
    """Sources to build (new), to compare with the store (already there), and how many
    repeat a source earlier in the batch (counted unchanged); unreadable ones are skipped."""
    seen: set[str] = set()
    build: list[int] = []
    compare: list[int] = []
    repeated = 0
    for i, s in enumerate(sources):
        if s.graph is None:
            continue
        if s.graph in seen:  # the same source twice in one batch
            repeated += 1
        elif s.graph in existing:
            compare.append(i)
        else:
            seen.add(s.graph)
            build.append(i)
    return build, compare, repeated
