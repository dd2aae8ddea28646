"""Data quality: what is wrong or unresolved in the graph, and the documents most worth collecting.

Reads: a :class:`graph.readview.ReadView` (summaries, issuing bodies, the
``implements`` edges the texts state, before the reduction to parents) and the
store through ``select`` (documents ingested from more than one source and their
titles, who cites an unresolved reference, ``lin:successor`` self-loops).
Returns: :func:`check`, the answer of ``GET /api/quality`` and ``lineage check``:
``{"findings": [{"kind", "severity", "ids", "detail"}], "most_wanted": [{"id",
"number", "issuer", "cited_by", ...}]}``, for the whole store or for the cascade
below one plan.

Kinds, by severity (:data:`SEVERITY`); ``lineage check`` exits 1 when an error is found:

- ``error``: facts that cannot all be true, so one of the documents or its reading
  is wrong. ``date_before_parent`` (ids [parent, child]: the child's latest
  possible date is before the parent's earliest, the printed precision respected:
  "2024-05" is any day of May); ``cycle`` (ids: documents that implement each
  other, directly or not); ``same_number_different_title`` (ids [the document]:
  one number, issuer and year, ingested from several files whose titles differ:
  two documents the graph cannot tell apart); ``self_successor`` (a place
  succeeded by itself; ``detail.place``; none since graph/rdf.py writes none).
- ``warning``: unusual, to look at. ``implements_lower`` (ids [plan, the lower
  body's plan it implements]); ``unresolved_reference`` (ids [the reference's
  node, the documents citing it]: a reference the graph could not tie to one
  document, because it names no place, no issuer it can identify, or no year
  while several documents fit; ``detail.missing``, ``detail.candidates``).
- ``info``: ``ingested_twice`` (one document from several files with the same title).

``most_wanted``: documents known only by reference (stubs with a complete key),
ranked by how many ingested documents state they implement them (``cited_by``),
the researcher's list of what to collect next.

Why here and bounded: every check is one pass over edges or nodes held in memory
(cycles by an iterative Tarjan), plus four store queries whose answers are kept
per read model; a plan's cascade is everything that implements it, directly or
not, on the stated edges (so a cycle the parent reduction cuts off is still found).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from graph.analytics.dates import bounds
from graph.errors import NotFound
from graph.identity import UNKNOWN, id_of_iri, key_of_id
from graph.index import LineageIndex
from graph.readview import ReadView
from ingest.text import fold
from ontology.vocab import LEVELS

__all__ = ["KINDS", "SEVERITIES", "SEVERITY", "check", "has_errors"]

SEVERITIES = ("error", "warning", "info")
SEVERITY = {
    "date_before_parent": "error",
    "cycle": "error",
    "same_number_different_title": "error",
    "self_successor": "error",
    "implements_lower": "warning",
    "unresolved_reference": "warning",
    "ingested_twice": "info",
}
KINDS = tuple(SEVERITY)
MOST_WANTED = 100  # entries of the most-wanted list by default
_RANK = {lv: i for i, lv in enumerate(LEVELS) if lv != "other"}
_PART_NAMES = (("jurisdiction", "place"), ("body", "issuer"), ("year", "year"))
_CHUNK = 500
_MAX_CANDIDATES = 20

Select = Callable[[str], list[tuple[str, ...]]]


@dataclass
class _Prepared:
    """What every check of one read model shares, made once (see :func:`_prepared`)."""

    impl: dict[str, tuple[str, ...]]
    rev: dict[str, list[str]]
    store: dict[str, Any] = field(default_factory=dict)  # store answers, made when first asked


_KEPT: weakref.WeakKeyDictionary[ReadView, _Prepared] = weakref.WeakKeyDictionary()


def _prepared(v: ReadView, select: Select, base: str) -> _Prepared:
    """The stated ``implements`` edges of the view both ways, kept as long as the view lives."""
    p = _KEPT.get(v)
    if p is not None:
        return p
    impl: dict[str, tuple[str, ...]] = {}
    if isinstance(v.index, LineageIndex):
        for n in v.index.nodes():
            if targets := v.index.implemented(n):
                impl[n] = tuple(targets)
    else:  # property paths on the store: the index holds no lists, ask for the edges once
        pairs: dict[str, list[str]] = defaultdict(list)
        for a, b in select("SELECT DISTINCT ?a ?b WHERE { ?a lin:implements ?b }"):
            ia, ib = id_of_iri(a, base), id_of_iri(b, base)
            if ia in v.docs and ib in v.docs and ia != ib:
                pairs[ia].append(ib)
        impl = {a: tuple(sorted(bs)) for a, bs in pairs.items()}
    rev: dict[str, list[str]] = defaultdict(list)
    for a, bs in impl.items():
        for b in bs:
            rev[b].append(a)
    p = _KEPT[v] = _Prepared(impl, dict(rev))
    return p


def _scope(v: ReadView, p: _Prepared, plan: str | None) -> set[str] | None:
    """``plan`` and everything that implements it, directly or not (None: the whole store)."""
    if plan is None:
        return None
    if plan not in v.docs:
        raise NotFound(f"unknown plan id: {plan}")
    seen, stack = {plan}, [plan]
    while stack:
        for c in p.rev.get(stack.pop(), ()):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def check(
    v: ReadView, select: Select, base: str, plan: str | None = None, most_wanted: int = MOST_WANTED
) -> dict[str, Any]:
    """The findings and the most-wanted list, for the whole store or the cascade below ``plan``."""
    p = _prepared(v, select, base)
    scope = _scope(v, p, plan)

    def inside(i: str) -> bool:
        return scope is None or i in scope

    findings = [
        *_dates_and_levels(v, p, inside),
        *_cycles(p, scope),
        *_duplicates(v, p, select, base, inside),
        *_self_successors(p, select),
        *_unresolved(v, p, select, base, inside),
    ]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f["severity"]], f["kind"], f["ids"]))
    return {"findings": findings, "most_wanted": _most_wanted(v, p, inside, most_wanted)}


def has_errors(answer: dict[str, Any]) -> bool:
    """Whether an answer of :func:`check` holds an error-level finding (``lineage check`` exits 1)."""
    return any(f["severity"] == "error" for f in answer.get("findings", ()))


def _finding(kind: str, ids: Iterable[str], **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "severity": SEVERITY[kind], "ids": list(ids), "detail": detail}


def _level(v: ReadView, pid: str) -> str | None:
    b = v.bodies.get(v.docs[pid].body or "")
    return b.level if b else None


def _dates_and_levels(v: ReadView, p: _Prepared, inside: Callable[[str], bool]) -> list[dict[str, Any]]:
    """``date_before_parent`` and ``implements_lower`` over every stated edge child -> parent."""
    out = []
    docs = v.docs
    for c, parents in p.impl.items():
        if not inside(c):
            continue
        cb, cl = bounds(docs[c].date), _RANK.get(_level(v, c) or "")
        for q in parents:
            qb = bounds(docs[q].date)
            if cb is not None and qb is not None and cb[1] < qb[0]:
                out.append(
                    _finding(
                        "date_before_parent",
                        [q, c],
                        parent_date=docs[q].date,
                        child_date=docs[c].date,
                        days_before=(qb[0] - cb[1]).days,
                    )
                )
            ql = _RANK.get(_level(v, q) or "")
            if cl is not None and ql is not None and cl < ql:
                out.append(
                    _finding("implements_lower", [c, q], level=_level(v, c), parent_level=_level(v, q))
                )
    return out


def _cycles(p: _Prepared, scope: set[str] | None) -> list[dict[str, Any]]:
    """Strongly connected components of two documents or more (an iterative Tarjan)."""
    impl = p.impl
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out = []
    for root in sorted(impl) if scope is None else sorted(scope & impl.keys()):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        work = [(root, iter(impl.get(root, ())))]
        while work:
            node, it = work[-1]
            for w in it:
                if scope is not None and w not in scope:
                    continue
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(impl.get(w, ()))))
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    up = work[-1][0]
                    low[up] = min(low[up], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    if len(comp) > 1:
                        out.append(_finding("cycle", sorted(comp), size=len(comp)))
    return out


def _same_title(a: str, b: str) -> bool:
    """Two readings of one title (spacing, case, tones, a stray character aside)."""
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    return fa == fb or SequenceMatcher(None, fa, fb).ratio() >= 0.9


def _duplicates(
    v: ReadView, p: _Prepared, select: Select, base: str, inside: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """Documents ingested from several sources: ``same_number_different_title`` when their
    titles differ, else ``ingested_twice``."""
    titles = p.store.get("titles")
    if titles is None:
        many = [d for (d,) in select("SELECT ?d WHERE { ?d prov:wasGeneratedBy ?a } GROUP BY ?d HAVING (COUNT(?a) > 1)")]
        found: dict[str, dict[str, str | None]] = defaultdict(dict)
        for i in range(0, len(many), _CHUNK):
            values = " ".join(f"<{d}>" for d in many[i : i + _CHUNK])
            for d, g, t in select(
                f"""SELECT ?d ?g ?t WHERE {{ VALUES ?d {{ {values} }}
                    GRAPH ?g {{ ?d prov:wasGeneratedBy ?a OPTIONAL {{ ?d eli:title ?t }} }} }}"""
            ):
                pid = id_of_iri(d, base)
                if pid is not None and (t is not None or g not in found[pid]):
                    found[pid][g] = t
        titles = p.store["titles"] = {pid: sorted(by_graph.values(), key=str) for pid, by_graph in found.items()}
    out = []
    for pid, ts in sorted(titles.items()):
        if pid not in v.docs or not inside(pid):
            continue
        named = sorted({t for t in ts if t})
        distinct: list[str] = []
        for t in named:
            if not any(_same_title(t, u) for u in distinct):
                distinct.append(t)
        kind = "same_number_different_title" if len(distinct) > 1 else "ingested_twice"
        out.append(_finding(kind, [pid], number=v.docs[pid].number, sources=len(ts), titles=distinct))
    return out


def _self_successors(p: _Prepared, select: Select) -> list[dict[str, Any]]:
    """Places succeeded by themselves (old stores; graph/rdf.py no longer writes them)."""
    places = p.store.get("self_successors")
    if places is None:
        places = p.store["self_successors"] = select(
            "SELECT DISTINCT ?u ?l WHERE { ?u lin:successor ?u OPTIONAL { ?u skos:prefLabel ?l } }"
        )
    seen: dict[str, str | None] = {}
    for u, label in places:
        seen[u] = seen.get(u) or label
    return [_finding("self_successor", [], place=u, label=label) for u, label in sorted(seen.items())]


def _missing_parts(pid: str) -> list[str]:
    k = key_of_id(pid)
    return [name for attr, name in _PART_NAMES if getattr(k, attr) == UNKNOWN]


def _candidates(v: ReadView, pid: str) -> list[str]:
    """Documents the reference could be: same type and number, and every part it states."""
    k = key_of_id(pid)
    out = []
    for c in v.model.by_number.get(k.number, ()):
        ck = key_of_id(c)
        if c == pid or ck.doc_type != k.doc_type or UNKNOWN in (ck.jurisdiction, ck.body, ck.year):
            continue
        if all(getattr(k, a) in (UNKNOWN, getattr(ck, a)) for a, _ in _PART_NAMES):
            out.append(c)
    return sorted(out)[:_MAX_CANDIDATES]


def _unresolved(
    v: ReadView, p: _Prepared, select: Select, base: str, inside: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """Stubs whose key leaves a part unknown, with who cites them (through any relation)."""
    citers = p.store.get("citers")
    if citers is None:
        stubs = sorted(i for i, d in v.docs.items() if d.stub and _missing_parts(i))
        citers = {i: set[str]() for i in stubs}
        for i in range(0, len(stubs), _CHUNK):
            values = " ".join(f"<{v.docs[s].iri}>" for s in stubs[i : i + _CHUNK])
            for s, t in select(
                f"""SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {values} }}
                    VALUES ?r {{ lin:implements eli:based_on eli:cites }} ?s ?r ?t }}"""
            ):
                si, ti = id_of_iri(s, base), id_of_iri(t, base)
                if si in v.docs and ti in citers:
                    citers[ti].add(si)
        p.store["citers"] = citers
    out = []
    for stub, who in sorted(citers.items()):
        if not (inside(stub) or any(inside(c) for c in who)):
            continue
        d = v.docs[stub]
        out.append(
            _finding(
                "unresolved_reference",
                [stub, *sorted(who)],
                number=d.number,
                date=d.date,
                missing=_missing_parts(stub),
                candidates=_candidates(v, stub),
            )
        )
    return out


def _most_wanted(v: ReadView, p: _Prepared, inside: Callable[[str], bool], limit: int) -> list[dict[str, Any]]:
    """Stubs with a complete key, by how many ingested documents (in scope) implement them."""
    counts = []
    for stub, who in p.rev.items():
        d = v.docs[stub]
        if not d.stub or _missing_parts(stub):
            continue
        n = sum(1 for c in who if not v.docs[c].stub and inside(c))
        if n:
            counts.append((-n, stub))
    counts.sort()
    out = []
    for n, stub in counts[:limit]:
        s = v.summary(v.docs[stub])
        out.append(
            {
                "id": stub,
                "number": s["number"],
                "issuer": dict(s["issuer"]),
                "cited_by": -n,
                "doc_type": s["doc_type"],
                "date": s["date"],
                "title": s["title"],
            }
        )
    return out
