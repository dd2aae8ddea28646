"""Data quality: what is wrong or unresolved in the graph, and the documents most worth collecting.

Reads: a :class:`graph.service.Lineage` (summaries, and the ``implements`` edges
the texts state, before the reduction to parents) and its store (documents
ingested from more than one source and their titles, who cites an unresolved
reference, ``lin:successor`` self-loops).
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

Why bounded: :func:`prepare` reads every summary and stated edge once per read
model; each check is then one pass over them (cycles by an iterative Tarjan),
and the four store queries are asked once per read model too. A plan's cascade
is everything that implements it, directly or not, on the stated edges, so a
cycle the reduction to parents cuts off from above is still in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any

from graph.analytics.quality_facts import (
    PART_NAMES,
    Prepared,
    by_number,
    citers,
    missing_parts,
    prepare,
    self_successors,
    titles,
)
from graph.errors import NotFound
from graph.identity import UNKNOWN, key_of_id
from ingest.text import fold

__all__ = ["KINDS", "MOST_WANTED", "SEVERITIES", "SEVERITY", "Prepared", "check", "has_errors", "prepare"]

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
_MAX_CANDIDATES = 20


def _scope(p: Prepared, plan: str | None) -> set[str] | None:
    """``plan`` and everything that implements it, directly or not (None: the whole store)."""
    if plan is None:
        return None
    if plan not in p.docs:
        raise NotFound(f"unknown plan id: {plan}")
    seen, stack = {plan}, [plan]
    while stack:
        for c in p.rev.get(stack.pop(), ()):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


def check(
    lin: Any, plan: str | None = None, most_wanted: int = MOST_WANTED, prepared: Prepared | None = None
) -> dict[str, Any]:
    """The findings and the most-wanted list of a :class:`graph.service.Lineage`, for the whole
    store or the cascade below ``plan`` (NotFound for an unknown id). ``prepared``: what
    :func:`prepare` made of the same read model (made here when not given)."""
    p = prepared if prepared is not None else prepare(lin)
    scope = _scope(p, plan)

    def inside(i: str) -> bool:
        return scope is None or i in scope

    findings = [
        *_dates_and_levels(p, inside),
        *_cycles(p, scope),
        *_duplicates(p, inside),
        *_self_successors(p, scope),
        *_unresolved(p, inside),
    ]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f["severity"]], f["kind"], f["ids"]))
    return {"findings": findings, "most_wanted": _most_wanted(p, inside, max(0, most_wanted))}


def has_errors(answer: dict[str, Any]) -> bool:
    """Whether an answer of :func:`check` holds an error-level finding (``lineage check`` exits 1)."""
    return any(f["severity"] == "error" for f in answer.get("findings", ()))


def _finding(kind: str, ids: Iterable[str], message: str, **detail: Any) -> dict[str, Any]:
    """One finding; ``detail.message`` says it in a sentence (for the CLI, the view, the CSV)."""
    return {
        "kind": kind,
        "severity": SEVERITY[kind],
        "ids": list(ids),
        "detail": {"message": message, **detail},
    }


def _name(p: Prepared, pid: str) -> str:
    """How a sentence names a document: its number, else the start of its title, else its id."""
    d = p.docs[pid]
    if d["number"]:
        return str(d["number"])
    title = d["title"] or pid
    return f"“{title[:60]}…”" if len(title) > 60 else f"“{title}”"


def _dates_and_levels(p: Prepared, inside: Callable[[str], bool]) -> list[dict[str, Any]]:
    """``date_before_parent`` and ``implements_lower`` over every stated edge child -> parent."""
    out = []
    dates, ranks = p.dates, p.ranks
    for c, parents in p.impl.items():
        if not inside(c):
            continue
        cb, cr = dates.get(c), ranks.get(c)
        for q in parents:
            qb = dates.get(q)
            if cb is not None and qb is not None and cb[1] < qb[0]:
                cd, qd = p.docs[c]["date"], p.docs[q]["date"]
                said = f"{_name(p, c)} ({cd}) is dated before {_name(p, q)} ({qd}), which it implements"
                out.append(
                    _finding(
                        "date_before_parent",
                        [q, c],
                        said,
                        parent_date=qd,
                        child_date=cd,
                        days=(qb[0] - cb[1]).days,
                    )
                )
            qr = ranks.get(q)
            if cr is not None and qr is not None and cr < qr:
                cl, ql = p.docs[c]["issuer"]["level"], p.docs[q]["issuer"]["level"]
                said = f"{_name(p, c)} ({cl} level) implements {_name(p, q)}, of a lower body ({ql} level)"
                out.append(_finding("implements_lower", [c, q], said, level=cl, parent_level=ql))
    return out


def _in_cycles(p: Prepared, scope: set[str] | None) -> list[str]:
    """The documents that implement, directly or not, a document of a cycle (cycles included):
    everything else is peeled off from the documents that implement nothing, as a topological
    sort would, so Tarjan runs on what is left (a handful of documents, not the store)."""
    members = p.docs.keys() if scope is None else scope
    left = {n: sum(1 for q in p.impl.get(n, ()) if q in members) for n in members}
    queue = [n for n, k in left.items() if k == 0]
    while queue:
        for c in p.rev.get(queue.pop(), ()):
            if c in left:
                left[c] -= 1
                if left[c] == 0:
                    queue.append(c)
    return sorted(n for n, k in left.items() if k > 0)


def _cycles(p: Prepared, scope: set[str] | None) -> list[dict[str, Any]]:
    """Strongly connected components of two documents or more (an iterative Tarjan)."""
    rest = set(_in_cycles(p, scope))
    impl = p.impl
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out = []
    for root in sorted(rest):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        work = [(root, iter(impl.get(root, ())))]
        while work:
            node, it = work[-1]
            for w in it:
                if w not in rest:
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
                        comp.sort()
                        said = f"{len(comp)} documents implement each other: " + ", ".join(
                            _name(p, i) for i in comp[:10]
                        )
                        out.append(
                            _finding("cycle", comp, said + (" …" if len(comp) > 10 else ""), size=len(comp))
                        )
    return out


def _same_title(a: str, b: str) -> bool:
    """Two readings of one title (spacing, case, tones, a stray character aside)."""
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    return fa == fb or SequenceMatcher(None, fa, fb).ratio() >= 0.9


def _duplicates(p: Prepared, inside: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Documents ingested from several sources: ``same_number_different_title`` when their
    titles differ, else ``ingested_twice``."""
    out = []
    for pid, ts in sorted(titles(p).items()):
        if pid not in p.docs or not inside(pid):
            continue
        distinct: list[str] = []
        for t in sorted({t for t in ts if t}):
            if not any(_same_title(t, u) for u in distinct):
                distinct.append(t)
        kind = "same_number_different_title" if len(distinct) > 1 else "ingested_twice"
        said = f"{_name(p, pid)} is ingested from {len(ts)} files"
        if len(distinct) > 1:
            said += " with different titles: " + " / ".join(f"“{t}”" for t in distinct)
        elif distinct:
            said += " with the same title"
        else:
            said += ", none with a title: nothing tells whether they are one document"
        out.append(
            _finding(kind, [pid], said, number=p.docs[pid]["number"], sources=len(ts), titles=distinct)
        )
    return out


def _self_successors(p: Prepared, scope: set[str] | None) -> list[dict[str, Any]]:
    """Places succeeded by themselves (stores written before graph/rdf.py stopped writing them);
    for one cascade, those that are the province of one of its documents."""
    loops = self_successors(p)
    if not loops:
        return []
    provinces = None if scope is None else {p.docs[i]["issuer"]["province"] for i in scope}
    return [
        _finding(
            "self_successor", [], f"{label or u} is recorded as succeeded by itself", place=u, label=label
        )
        for u, label in sorted(loops.items())
        if provinces is None or label in provinces
    ]


def _candidates(p: Prepared, pid: str) -> list[str]:
    """Documents the reference could be: the same type and number, and every part it states."""
    k = key_of_id(pid)
    out = []
    for c in by_number(p).get(k.number, ()):
        ck = key_of_id(c)
        if c == pid or ck.doc_type != k.doc_type or UNKNOWN in (ck.jurisdiction, ck.body, ck.year):
            continue
        if all(getattr(k, a) in (UNKNOWN, getattr(ck, a)) for a, _ in PART_NAMES):
            out.append(c)
    return sorted(out)[:_MAX_CANDIDATES]


def _unresolved(p: Prepared, inside: Callable[[str], bool]) -> list[dict[str, Any]]:
    """References the graph could not tie to one document, with who cites them."""
    out = []
    for stub, who in sorted(citers(p).items()):
        if not (inside(stub) or any(inside(c) for c in who)):
            continue
        d, missing, candidates = p.docs[stub], missing_parts(stub), _candidates(p, stub)
        said = f"the reference to {_name(p, stub)}" + (f" ({d['date']})" if d["date"] else "")
        said += " leaves " + " and ".join(f"the {m}" for m in missing) + " unknown"
        said += f"; {len(candidates)} known documents fit" if len(candidates) > 1 else ""
        said += f"; cited by {len(who)} document{'s' if len(who) != 1 else ''}"
        out.append(
            _finding(
                "unresolved_reference",
                [stub, *sorted(who)],
                said,
                number=d["number"],
                date=d["date"],
                missing=missing,
                candidates=candidates,
            )
        )
    return out


def _most_wanted(p: Prepared, inside: Callable[[str], bool], limit: int) -> list[dict[str, Any]]:
    """Stubs with a complete key, by how many ingested documents (in scope) implement them."""
    ranked = []
    for stub, who in p.rev.items():
        d = p.docs[stub]
        if not d["stub"] or missing_parts(stub):
            continue
        n = sum(1 for c in who if not p.docs[c]["stub"] and inside(c))
        if n:
            ranked.append((-n, stub))
    ranked.sort()
    out = []
    for n, stub in ranked[:limit]:
        d = p.docs[stub]
        out.append(
            {
                "id": stub,
                "number": d["number"],
                "issuer": dict(d["issuer"]),
                "cited_by": -n,
                "doc_type": d["doc_type"],
                "date": d["date"],
                "title": d["title"],
            }
        )
    return out
