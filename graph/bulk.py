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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graph import rdf
from graph.identity import DEFAULT_BASE, Catalogue, DocKey
from graph.readmodel import Facts, facts_of_graph
from ingest.model import PlanRecord
from ingest.parallel import imap

__all__ = ["Built", "build_many", "nquads"]


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
    return "".join(f"{t.subject} {t.predicate} {t.object} {g} .\n" for t in triples)  # type: ignore[attr-defined]


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
