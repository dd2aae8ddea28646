"""The ingest log: when each source graph was first written to the store.

Reads/writes: the named graph ``{base}graph/ingested``, one triple per source
graph, ``<{base}graph/{sha}> dcterms:created "…"^^xsd:dateTime`` (UTC, to the
second). Returns: :func:`stamp`, which the write path calls for the graphs it
creates, and :func:`first_ingested`, each ingested document's id with the time
its first source graph was written (what the change feed orders by).

Why a graph of its own: a source graph must be rebuilt identically from its
record (a re-ingest compares it triple for triple, and a partial reference that
resolves later rebuilds it), so a time inside it would turn every rebuild into
a change; the derived graph is replaced whole at every change. A log only ever
gains triples, and a graph stamped twice keeps its first time (the earliest
wins). Why ``SOURCE_DATE_EPOCH``: the reproducible-builds convention; when it
is set every stamp is that time, so two stores of the same documents still
dump identically (the test suite sets it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from graph.bulk import nquads
from graph.identity import id_of_iri
from graph.storage import Store
from ontology.ns import DCTERMS, XSD

__all__ = ["LOG_GRAPH", "first_ingested", "log_graph", "now", "parse_time", "stamp"]

LOG_GRAPH = "graph/ingested"  # after the base
_CREATED = NamedNode(str(DCTERMS.created))
_DATETIME = NamedNode(str(XSD.dateTime))

Select = Callable[[str], list[tuple[str, ...]]]


def log_graph(base: str) -> str:
    """The IRI of the ingest log's named graph."""
    return f"{base}{LOG_GRAPH}"


def now() -> datetime:
    """The time to stamp: ``SOURCE_DATE_EPOCH`` when set (an integer of seconds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def stamp(store: Store, base: str, graphs: Iterable[str], when: datetime | None = None) -> int:
    """Record that ``graphs`` were written at ``when`` (default :func:`now`); how many."""
    at = (when or now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    value = Literal(at, datatype=_DATETIME)
    triples = [Triple(NamedNode(g), _CREATED, value) for g in sorted(set(graphs))]
    if triples:
        store.load_nquads(nquads(log_graph(base), triples).encode("utf-8"))
    return len(triples)


def parse_time(text: str) -> datetime | None:
    """An ``xsd:dateTime`` as an aware UTC datetime (None when it is not one)."""
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def first_ingested(select: Select, base: str) -> dict[str, datetime]:
    """Each ingested document's id and the earliest time one of its source graphs was written.

    A document stored before the log existed has no entry. One query: the log's
    graphs joined to the documents each graph generated (``prov:wasGeneratedBy``
    is written only for the graph's own document)."""
    rows = select(
        f"""SELECT ?d ?t WHERE {{ GRAPH <{log_graph(base)}> {{ ?g dcterms:created ?t }}
            GRAPH ?g {{ ?d prov:wasGeneratedBy ?a }} }}"""
    )
    out: dict[str, datetime] = {}
    for d, t in rows:
        pid, when = id_of_iri(d, base), parse_time(t)
        if pid is None or when is None:
            continue
        if pid not in out or when < out[pid]:
            out[pid] = when
    return out
