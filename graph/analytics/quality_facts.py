"""What the quality checks read, once per read model: documents, stated edges, and store answers.

Reads: a :class:`graph.service.Lineage`: every document's summary, the
``implements`` edges the texts state (before the reduction to parents; from the
in-memory index, or one query when the index is property paths on the store),
and, when a check first asks, its store: documents ingested from several sources
with each source's title, who cites a reference whose key leaves a part unknown,
places recorded as their own successor. Returns: :class:`Prepared` and the
functions that fill it (:func:`prepare`, :func:`titles`, :func:`citers`,
:func:`self_successors`, :func:`missing_parts`).

Why apart from the checks: this is the part that reads (and so the part to keep
per read model, :class:`graph.analytics.Analytics` does); the checks in
:mod:`graph.analytics.quality` are passes over it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.analytics.dates import bounds
from graph.identity import UNKNOWN, id_of_iri, key_of_id
from graph.index import LineageIndex
from graph.sparql import select as sparql_select
from ontology.vocab import LEVELS

__all__ = [
    "PART_NAMES",
    "RANK",
    "Prepared",
    "by_number",
    "citers",
    "missing_parts",
    "prepare",
    "self_successors",
    "titles",
]

PART_NAMES = (("jurisdiction", "place"), ("body", "issuer"), ("year", "year"))  # key part -> its word
RANK = {level: i for i, level in enumerate(LEVELS) if level != "other"}  # central 0 .. commune 3
_CHUNK = 500  # ids per VALUES block

Select = Callable[[str], list[tuple[str, ...]]]


@dataclass
class Prepared:
    """What every check of one read model shares (:func:`prepare`); the answers of the store
    queries are added to ``store`` when first asked. Keep it no longer than the read model
    (``lin.generation``): :class:`graph.analytics.Analytics` keeps it per generation."""

    select: Select
    base: str
    docs: dict[str, Mapping[str, Any]]  # id -> summary (shared with the read model: never changed)
    dates: dict[str, tuple[date, date]]  # id -> the first and last day its date allows (dated only)
    ranks: dict[str, int]  # id -> its issuer's level, 0 central .. 3 commune (known levels only)
    impl: dict[str, tuple[str, ...]]  # the stated implements edges, child -> parents
    rev: dict[str, list[str]]  # parent -> children
    store: dict[str, Any] = field(default_factory=dict)


def prepare(lin: Any) -> Prepared:
    """The documents of a :class:`graph.service.Lineage` and their stated ``implements`` edges."""
    base = lin.base
    index = lin.index

    def select(q: str) -> list[tuple[str, ...]]:
        return sparql_select(lin.store, q)

    docs = dict(lin.documents())
    dates: dict[str, tuple[date, date]] = {}
    ranks: dict[str, int] = {}
    for pid, s in docs.items():
        b = bounds(s["date"])
        if b is not None:
            dates[pid] = (b[0], b[1])
        r = RANK.get(s["issuer"]["level"] or "")
        if r is not None:
            ranks[pid] = r
    impl: dict[str, tuple[str, ...]] = {}
    if isinstance(index, LineageIndex):
        for n in docs:
            if targets := index.implemented(n):
                impl[n] = tuple(targets)
    else:  # property paths on the store: the index holds no lists, so ask for the edges once
        pairs: dict[str, list[str]] = defaultdict(list)
        for a, b in select("SELECT DISTINCT ?a ?b WHERE { ?a lin:implements ?b }"):
            ia, ib = id_of_iri(a, base), id_of_iri(b, base)
            if ia in docs and ib in docs and ia != ib:
                pairs[ia].append(ib)
        impl = {a: tuple(sorted(bs)) for a, bs in pairs.items()}
    rev: dict[str, list[str]] = defaultdict(list)
    for a, bs in impl.items():
        for b in bs:
            rev[b].append(a)
    return Prepared(select, base, docs, dates, ranks, impl, dict(rev))


def by_number(p: Prepared) -> dict[str, list[str]]:
    """The ids by the number part of their key (the last part of an id), made when first asked."""
    found = p.store.get("by_number")
    if found is None:
        found = defaultdict(list)
        for pid in p.docs:
            found[pid.rpartition(".")[2]].append(pid)
        p.store["by_number"] = found = dict(found)
    return found


def titles(p: Prepared) -> dict[str, list[str | None]]:
    """Documents ingested from several sources, and the title each source gives (store, once)."""
    titles = p.store.get("titles")
    if titles is not None:
        return titles
    many = [
        d
        for (d,) in p.select(
            "SELECT ?d WHERE { ?d prov:wasGeneratedBy ?a } GROUP BY ?d HAVING (COUNT(?a) > 1)"
        )
    ]
    found: dict[str, dict[str, str | None]] = defaultdict(dict)
    for i in range(0, len(many), _CHUNK):
        values = " ".join(f"<{d}>" for d in many[i : i + _CHUNK])
        for d, g, t in p.select(
            f"""SELECT ?d ?g ?t WHERE {{ VALUES ?d {{ {values} }}
                GRAPH ?g {{ ?d prov:wasGeneratedBy ?a }} OPTIONAL {{ GRAPH ?g {{ ?d eli:title ?t }} }} }}"""
        ):
            pid = id_of_iri(d, p.base)
            if pid is not None and (t is not None or g not in found[pid]):
                found[pid][g] = t
    titles = p.store["titles"] = {pid: list(by_graph.values()) for pid, by_graph in found.items()}
    return titles


def missing_parts(pid: str) -> list[str]:
    k = key_of_id(pid)
    return [name for attr, name in PART_NAMES if getattr(k, attr) == UNKNOWN]


def citers(p: Prepared) -> dict[str, set[str]]:
    """The stubs whose key leaves a part unknown, and who cites each through any relation (once)."""
    citers = p.store.get("citers")
    if citers is not None:
        return citers
    stubs = sorted(i for i, d in p.docs.items() if d["stub"] and missing_parts(i))
    citers = {i: set() for i in stubs}
    for i in range(0, len(stubs), _CHUNK):
        values = " ".join(f"<{p.docs[s]['iri']}>" for s in stubs[i : i + _CHUNK])
        # one path of alternatives: a second VALUES block for the relation made the store
        # join every triple (0.7 s at 100,000 plans; the path takes 2 ms)
        for s, t in p.select(
            f"""SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {values} }}
                ?s lin:implements|eli:based_on|eli:cites ?t }}"""
        ):
            si, ti = id_of_iri(s, p.base), id_of_iri(t, p.base)
            if si in p.docs and ti in citers and si != ti:
                citers[ti].add(si)
    p.store["citers"] = citers
    return citers


def self_successors(p: Prepared) -> dict[str, str | None]:
    """Places recorded as succeeded by themselves, with their label (store, once)."""
    seen = p.store.get("self_successors")
    if seen is None:
        # the loops first (every graph that names a province restates it), then their labels
        places = [u for (u,) in p.select("SELECT DISTINCT ?u WHERE { ?u lin:successor ?u }")]
        seen = dict.fromkeys(places)
        for i in range(0, len(places), _CHUNK):
            values = " ".join(f"<{u}>" for u in places[i : i + _CHUNK])
            for u, label in p.select(
                f"SELECT DISTINCT ?u ?l WHERE {{ VALUES ?u {{ {values} }} ?u skos:prefLabel ?l }}"
            ):
                seen[u] = min(seen[u] or label, label)
        p.store["self_successors"] = seen
    return seen
