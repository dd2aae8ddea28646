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
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import Triple

from graph import rdf
from graph.bulk import Shards, Source
from graph.identity import DEFAULT_BASE, UNKNOWN, iri_of
from graph.lifecycle import Ahead, ReadState
from graph.readmodel import Facts
from ingest.curation import Verdict
from ingest.model import PlanRecord

__all__ = ["IngestReport", "alongside", "ingest_files", "ingest_records", "scheme_graph"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """How many records were written, and how many were already there unchanged."""

    ingested: int
    unchanged: int
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds) where the ingest spent its time


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
    """Extract, curate (``verdicts``) and write files; a :class:`Source` per path, in order.
    ``texts``: the text store where the workers keep each file's text (:mod:`graph.texts`)."""
    names = [os.fspath(p) for p in paths]
    if not names:
        return IngestReport(ingested=0, unchanged=0), []
    tick = (lambda phase: lambda n: progress(phase, n)) if progress else (lambda phase: None)
    shards = Shards(live.base, verdicts, workers, size=len(names), texts=texts)
    return _ingest(live, shards, lambda s: s.extract(names, tick("extract")), "extract", tick)


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
    catalogued before any graph is built, so partial mentions resolve whatever the order."""
    cat = live.catalogue
    t0 = time.perf_counter()
    with shards:
        sources = first_pass(shards)
        t1 = time.perf_counter()
        for s in sources:
            for k in s.keys:
                cat.add(k)
        build, compare, unchanged = _sort(sources, set(live.store.graphs()))
        with tempfile.TemporaryDirectory(prefix="lineage-") as tmp:
            files, made = shards.build(cat, build, tmp, tick("build"))
            t2 = time.perf_counter()
            new_facts = Facts()
            for m in made:
                for k in m.keys:
                    cat.add(k)
                new_facts.extend(m.facts)
            with alongside(lambda: [live.store.load_nquads(f) for f in files]):
                # A source compared below may be replaced: then the model is read again anyway.
                ahead = None if compare or not build else live.model_ahead(new_facts)
        t3 = time.perf_counter()
        old = shards.take(compare)
    ingested, replaced = len(build), False
    for i in compare:
        if _write(live, rdf.build(old[i], live.base, cat)):
            ingested += 1
            replaced = True
        else:
            unchanged += 1
    _settle(live, ingested, replaced, new_facts, ahead)
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


def _settle(
    live: ReadState, ingested: int, replaced: bool, new_facts: Facts, ahead: Ahead | None = None
) -> None:
    """After writing: re-resolve partial references, then bring the read model up to date
    (extended in memory when nothing was replaced, else read again from the store).
    ``ahead`` is that extended model, built while the store was loading."""
    if not ingested:
        return
    _put(live, *scheme_graph(live.base))
    t = time.perf_counter()
    rewrote = _reresolve(live)
    log.info("re-resolved partial references in %.1fs (rewrote: %s)", time.perf_counter() - t, rewrote)
    if replaced or rewrote or live.facts is None:
        live.refresh(changed=True)
        return
    ahead = ahead or live.model_ahead(new_facts)
    assert ahead is not None  # the facts in hand are known on this path
    live.install(ahead, changed=True)


def scheme_graph(base: str = DEFAULT_BASE) -> tuple[str, list[Triple]]:
    """The named graph of the known campaigns (``ontology/campaigns.ttl``) and its triples.

    Why a graph of its own: a national cascade cites the same few campaigns in
    every plan; describing them once keeps ~10 triples per plan out of the store,
    and a plan's graph says only that it is about them (``eli:is_about``).
    Campaigns the scheme does not know are still described in the citing graph.
    """
    from pyoxigraph import RdfFormat, parse

    from ontology import CAMPAIGNS_PATH

    with open(CAMPAIGNS_PATH, "rb") as f:
        triples = [q.triple for q in parse(f, format=RdfFormat.TURTLE)]
    return f"{base}graph/campaigns", triples


def _write(live: ReadState, rg: rdf.RecordGraph) -> bool:
    for k in rg.keys:
        live.catalogue.add(k)
    return _put(live, rg.graph, rg.triples)


def _put(live: ReadState, graph: str, triples: Sequence[Triple]) -> bool:
    """Replace ``graph`` by ``triples`` unless the store holds exactly them; True when written."""
    if live.store.graph_triples(graph) == set(triples):
        return False
    live.store.replace_graph(graph, triples)
    return True


def _reresolve(live: ReadState, rounds: int = 3) -> bool:
    """Rebuild the graphs whose partial references (no year, no place) now
    have exactly one known match, so a stub merges with the document that
    arrived later and ingest order does not matter. True when it rewrote any."""
    rewrote = False
    for _ in range(rounds):
        cat = live.catalogue
        partial = [k for k in cat.all_keys() if UNKNOWN in (k.year, k.jurisdiction, k.body)]
        stale = [k for k in partial if cat.resolve(k) != k]
        if not stale:
            return rewrote
        values = " ".join(f"<{iri_of('.'.join(k.parts), live.base)}>" for k in stale)
        rows = live.select(
            f"""SELECT DISTINCT ?g ?json WHERE {{
                VALUES ?d {{ {values} }}
                GRAPH ?g {{ ?d a eli:LegalResource . ?s lin:recordJson ?json }} }}"""
        )
        for g, blob in rows:
            sha = g.rsplit("/", 1)[-1]
            rec = PlanRecord.from_json(json.loads(blob))
            rewrote = _write(live, rdf.build(rec, live.base, cat, sha=sha, record_json=blob)) or rewrote
        for k in stale:
            cat.discard(k)
    return rewrote
