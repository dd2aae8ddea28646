"""One plan in full: its extracted record, its place in the lineage, and its evidence-backed links.

Reads: a :class:`graph.readview.ReadView` (summaries, index) and the store (the
record JSON kept with each ingested source, and the ``lin:Link`` nodes).
Returns: the plan dict of the contract (``GET /api/plans/{id}``), or None for
an unknown id; a stub gets a record made of what its citers say of it.

Why from the store and not the read model: the record and the links with
their evidence are large and asked for one plan at a time; the read model
keeps only what listing, search and traversals need for every plan.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pyoxigraph import NamedNode

from graph.identity import id_of_iri
from graph.readview import ReadView
from graph.terms import RELATION_NAME
from ingest.model import symbol_of

__all__ = ["links", "plan"]

Select = Callable[[str], list[tuple[str, ...]]]


def plan(v: ReadView, pid: str, select: Select, base: str) -> dict[str, Any] | None:
    """The extracted record plus id, iri, parents, children, roots, stub and links."""
    d = v.docs.get(pid)
    if d is None:
        return None
    iri = NamedNode(d.iri)
    rec: dict[str, Any]
    if not d.stub:
        rows = select(
            f"""SELECT ?s ?json WHERE {{ GRAPH ?g {{ {iri} prov:wasDerivedFrom ?s .
                ?s lin:recordJson ?json }} }} ORDER BY ?s LIMIT 1"""
        )
        rec = json.loads(rows[0][1])
    else:
        s = v.summary(d)
        rec = {
            "source": None,
            "doc_type": d.doc_type,
            "number": d.number,
            "symbol": symbol_of(d.number),
            "date": d.date,
            "title": d.title,
            "issuer": s["issuer"],
            "implements": [
                {k: val for k, val in v.summary(v.docs[t]).items() if k not in ("iri", "stub")}
                | {"implements": []}
                for t in v.index.implemented(pid)
            ],
            "based_on": [],
            "cites": [],
            "campaigns": [],
            "signer": None,
            "recipients": [],
            "targets": [],
            "evidence": {},
            "sha256": None,
        }
    rec.update(
        id=d.id,
        iri=d.iri,
        parents=v.index.parents(pid),
        children=v.index.children(pid),
        root=v.index.roots(pid),  # the contract names the top ids "root"
        stub=d.stub,
        links=links(iri, select, base),
    )
    return rec


def links(iri: NamedNode, select: Select, base: str) -> list[dict[str, Any]]:
    """Every link whose source is ``iri``, with its evidence and the plan that states it.

    Two queries, not one: matching the stating plan inside the same pattern
    (an OPTIONAL per link) took a second on a province plan of a 20,000-plan
    store, whose children each restate its chain; looked up by source it is
    one indexed VALUES join.
    """
    found = select(
        f"""SELECT DISTINCT ?t ?rel ?text ?start ?end ?method ?conf ?basis ?review ?src
        WHERE {{ GRAPH ?g {{
            ?l lin:linkSource {iri} ; lin:linkTarget ?t ; lin:relation ?rel ;
               lin:method ?method ; lin:basis ?basis ; lin:reviewState ?review ;
               prov:wasDerivedFrom ?src .
            OPTIONAL {{ ?l lin:evidenceText ?text }}
            OPTIONAL {{ ?l lin:evidenceStart ?start }}
            OPTIONAL {{ ?l lin:evidenceEnd ?end }}
            OPTIONAL {{ ?l lin:confidence ?conf }}
        }} }}"""
    )
    staters: dict[str, list[str]] = defaultdict(list)
    sources = sorted({row[-1] for row in found if row[-1]})
    for i in range(0, len(sources), 500):
        values = " ".join(f"<{s}>" for s in sources[i : i + 500])
        for src, stater in select(
            f"""SELECT DISTINCT ?src ?stater WHERE {{ VALUES ?src {{ {values} }}
                GRAPH ?g {{ ?stater prov:wasDerivedFrom ?src ; a eli:LegalResource }} }}"""
        ):
            staters[src].append(stater)
    rows = sorted(
        {(*row[:-1], st) for row in found for st in (staters.get(row[-1]) or [None])},
        key=lambda r: tuple("" if x is None else str(x) for x in r),
    )
    out = []
    src_id = id_of_iri(iri.value, base)
    for t, rel, text, start, end, method, conf, basis, review, stater in rows:
        out.append(
            {
                "source": src_id,
                "target": id_of_iri(t, base),
                "relation": RELATION_NAME.get(rel, rel),
                "evidence": {
                    "text": text,
                    "start": int(start) if start is not None else None,
                    "end": int(end) if end is not None else None,
                    "method": method,
                    "confidence": float(conf) if conf is not None else None,
                    "basis": basis,
                },
                "review": review,
                "stated_by": id_of_iri(stater, base) if stater else None,
            }
        )
    return sorted(out, key=lambda x: (x["relation"], x["target"] or "", x["stated_by"] or ""))  # stable
