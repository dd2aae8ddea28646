"""Settling a written batch: the campaign scheme, partial references re-resolved, the model published.

Reads: the store (the record JSON of graphs whose partial references now
resolve) and the read state's catalogue. Writes: the campaign scheme's graph,
rewritten record graphs, then (through :class:`graph.lifecycle.ReadState`) the
derived graph, the snapshot and the model in memory. Returns: nothing, or
whether a step wrote.

Why a module of its own: an ingest settles its batch after loading it
(:mod:`graph.writing`), and an ingest that was killed after loading is settled
the same way by the next process that opens the store
(:meth:`graph.lifecycle.ReadState.recover`):
one code, so a recovered store is the store a clean run leaves.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any, Protocol

from pyoxigraph import Triple

from graph import rdf
from graph.identity import DEFAULT_BASE, UNKNOWN, Catalogue, iri_of
from graph.readmodel import Facts
from graph.storage import Store
from ingest import faults
from ingest.model import PlanRecord

__all__ = ["Live", "finish", "put", "reresolve", "scheme_graph", "settle", "write"]


class Live(Protocol):
    """What settling needs of the read state (:class:`graph.lifecycle.ReadState`)."""

    store: Store
    base: str
    facts: Facts | None

    @property
    def catalogue(self) -> Catalogue: ...

    def select(self, query: str) -> list[tuple[str, ...]]: ...

    def refresh(self, changed: bool = False) -> None: ...

    def model_ahead(self, new_facts: Facts) -> Any: ...

    def install(self, ahead: Any, changed: bool) -> None: ...


log = logging.getLogger(__name__)


def settle(live: Live, ingested: int, replaced: bool, new_facts: Facts, ahead: Any = None) -> None:
    """After writing: re-resolve partial references, then bring the read model up to date
    (extended in memory when nothing was replaced, else read again from the store).
    ``ahead`` is that extended model, built while the store was loading."""
    if not ingested:
        return
    put(live, *scheme_graph(live.base))
    t = time.perf_counter()
    rewrote = reresolve(live)
    log.info("re-resolved partial references in %.1fs (rewrote: %s)", time.perf_counter() - t, rewrote)
    faults.point("settle")
    if replaced or rewrote or live.facts is None:
        live.refresh(changed=True)
        return
    ahead = ahead or live.model_ahead(new_facts)
    assert ahead is not None  # the facts in hand are known on this path
    live.install(ahead, changed=True)


def finish(live: Live) -> None:
    """Settle whatever the store holds, as :func:`settle` would have after the last write
    (the read model already read from the store): for a batch killed after its load."""
    put(live, *scheme_graph(live.base))
    if reresolve(live):
        live.refresh(changed=True)


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


def write(live: Live, rg: rdf.RecordGraph) -> bool:
    """Replace a record's graph (its keys catalogued first); True when written."""
    for k in rg.keys:
        live.catalogue.add(k)
    return put(live, rg.graph, rg.triples)


def put(live: Live, graph: str, triples: Sequence[Triple]) -> bool:
    """Replace ``graph`` by ``triples`` unless the store holds exactly them; True when written."""
    if live.store.graph_triples(graph) == set(triples):
        return False
    live.store.replace_graph(graph, triples)
    return True


def reresolve(live: Live, rounds: int = 3) -> bool:
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
            rewrote = write(live, rdf.build(rec, live.base, cat, sha=sha, record_json=blob)) or rewrote
        for k in stale:
            cat.discard(k)
    return rewrote
