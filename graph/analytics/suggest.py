"""Suggested parents: a plan that names no parent but copies one document heavily.

Reads: a :class:`graph.service.Lineage` (parent edges, issuers' places and levels, what
lies below each plan), the :class:`graph.texts.TextStore` (sketches) and the curation
verdicts. Returns: :func:`settle`, which finds and keeps a suggestion for each plan with
a text and no parent; :func:`suggestions` and :func:`suggestion`, the kept ones less
those a researcher rejected since; :func:`suggested_link`, the link a plan's ``links``
show for it.

How: the candidates are the documents its issuer could carry out, from the index of
who sits where (the central documents, its province's, its district's, its own unit's:
never every pair of a national corpus), less itself and what lies below it. Each is
aligned with the plan (:func:`graph.analytics.align.align`); the one it takes the
largest share of its own text from is suggested when that share is at least
:data:`MIN_SHARE`. Of candidates within :data:`NEAR` of the best, the lowest in the
hierarchy wins: a passage a district plan copied from its province is in both, and the
plan below took it from the nearer one.

A suggestion is never a parent: it is not in ``parents``, not in ``lin:parent`` and
no traversal follows it. It is shown in the plan's ``links`` with basis ``inferred`` and
review state ``suggested``, and carries the two decisions of the curation file
(docs/curation.md) that settle it: ``add`` the link (confirm: the next ingest makes it a
parent) or ``reject`` it (it is not suggested again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from graph.analytics.align import Formulas, align
from graph.texts import TextStore
from ingest.curation import Verdict
from ingest.model import PlanRecord
from ingest.refs import norm_key

__all__ = ["MIN_SHARE", "NEAR", "settle", "suggested_link", "suggestion", "suggestions"]

MIN_SHARE = 0.4
NEAR = 0.05
_RANK = {"central": 0, "province": 1, "district": 2, "commune": 3}


def _place_keys(issuer: Mapping[str, Any]) -> list[tuple[str | None, ...]]:
    """The units whose documents a plan of this issuer may carry out, its own included."""
    level, prov, dist, comm = (issuer.get(k) for k in ("level", "province", "district", "commune"))
    keys: list[tuple[str | None, ...]] = [("central",)]
    if prov:
        keys.append(("province", prov))
        if dist:
            keys.append(("district", prov, dist))
            if comm:
                keys.append(("commune", prov, dist, comm))
    return keys


def _own_key(issuer: Mapping[str, Any]) -> tuple[str | None, ...]:
    level = issuer.get("level")
    if level == "central" or not issuer.get("province"):
        return ("central",) if level == "central" else ("nowhere",)
    return _place_keys(issuer)[-1]


def _rejected(verdicts: Sequence[Verdict], name: str, sha: str) -> set[str]:
    """The numbers a researcher rejected as what the plan of this file implements."""
    rec = PlanRecord(source=name, sha256=sha)
    return {
        norm_key(v.number)
        for v in verdicts
        if v.action == "reject" and v.relation == "implements" and v.number and v.names(rec)
    }


def _decisions(lin: Any, sha: str, parent: str, share: float) -> dict[str, Any]:
    s = lin.summary(parent)
    issuer = {k: v for k, v in s["issuer"].items() if v is not None}
    ref = {k: s[k] for k in ("doc_type", "number", "date", "title") if s.get(k)} | {"issuer": issuer}
    doc = sha[:16]
    note = f"suggested parent (text reuse {share:.0%}), confirmed"
    return {
        "confirm": {"document": doc, "action": "add", "relation": "implements", "ref": ref, "note": note},
        "reject": {
            "document": doc,
            "action": "reject",
            "relation": "implements",
            "number": s["number"] or "",
        },
    }


def settle(
    lin: Any, texts: TextStore, sources: Mapping[str, str], found: Formulas, verdicts: Sequence[Verdict] = ()
) -> int:
    """Find and keep the suggestion of every plan with a text and no parent (see the module
    docstring); how many were kept."""
    has_parent = {c for c, _p in lin.index.edges()}
    issuers = {pid: lin.summary(pid)["issuer"] for pid in sources}
    by_place: dict[tuple[str | None, ...], list[str]] = defaultdict(list)
    for pid, iss in issuers.items():
        by_place[_own_key(iss)].append(pid)
    orphans = sorted(pid for pid in sources if pid not in has_parent)
    names = texts.source_names([sources[p] for p in orphans])
    answers: dict[str, dict[str, Any]] = {}
    for start in range(0, len(orphans), 200):
        batch = orphans[start : start + 200]
        cands = {
            pid: sorted(
                {c for key in _place_keys(issuers[pid]) for c in by_place.get(key, ()) if c != pid}
                - {d for d, _ in lin.index.descendants(pid)}
            )
            for pid in batch
        }
        sk = texts.sketches({sources[x] for pid in batch for x in [pid, *cands[pid]]})
        for pid in batch:
            sha = sources[pid]
            mine = sk.get(sha)
            if mine is None or not len(mine):
                continue
            stock = found.stock(mine)
            no = _rejected(verdicts, names.get(sha, ""), sha)
            scored = []
            for c in cands[pid]:
                other = sk.get(sources[c])
                number = lin.summary(c)["number"]
                if other is None or (number and norm_key(number) in no):
                    continue
                a = align(mine, other, stock)
                if a.share >= MIN_SHARE:
                    scored.append((a.share, c, a))
            if not scored:
                continue
            best = max(s for s, _c, _a in scored)
            near = [x for x in scored if x[0] >= best - NEAR]
            share, parent, a = max(near, key=lambda x: (_RANK.get(issuers[x[1]].get("level") or "", 4), x[0]))
            answers[pid] = {
                "plan": pid,
                "file": names.get(sha),
                "parent": parent,
                "share": round(share, 4),
                "child_chars": a.counted,
                "reused_chars": a.reused,
                "passages": a.passage_list(),
                "alternatives": [
                    {"parent": c, "share": round(s, 4)}
                    for s, c, _a in sorted(scored, reverse=True)
                    if c != parent
                ][:3],
                "basis": "inferred",
                "review": "suggested",
                "method": "text-reuse",
                "curation": _decisions(lin, sha, parent, share),
            }
    texts.set_suggestions(answers)
    return len(answers)


def _still(
    lin: Any, answer: Mapping[str, Any], verdicts: Sequence[Verdict], sources: Mapping[str, str]
) -> bool:
    """Whether a kept suggestion still stands: both plans known, the plan still without a
    parent, and no rejection of it in ``verdicts``."""
    pid, parent = answer["plan"], answer["parent"]
    if not (lin.knows(pid) and lin.knows(parent)) or lin.index.parents(pid):
        return False
    if not verdicts:
        return True
    sha = sources.get(pid, "")
    number = lin.summary(parent)["number"]
    name = answer.get("file") or ""
    return not (number and norm_key(number) in _rejected(verdicts, name, sha))


def suggestions(lin: Any, texts: TextStore | None, verdicts: Sequence[Verdict] = ()) -> list[dict[str, Any]]:
    """Every kept suggestion that still stands, by plan id."""
    if texts is None:
        return []
    sources = texts.docs()
    kept = texts.suggestions()
    return [kept[p] for p in sorted(kept) if _still(lin, kept[p], verdicts, sources)]


def suggestion(
    lin: Any, texts: TextStore | None, pid: str, verdicts: Sequence[Verdict] = ()
) -> dict[str, Any] | None:
    """The suggested parent of ``pid`` if one stands, else None."""
    if texts is None:
        return None
    answer = texts.suggestion(pid)
    if answer is None or not _still(lin, answer, verdicts, {pid: texts.docs_of([pid]).get(pid, "")}):
        return None
    return answer


def suggested_link(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The entry of a plan's ``links`` for its suggested parent (the shape of the others)."""
    n = len(answer["passages"])
    return {
        "source": answer["plan"],
        "target": answer["parent"],
        "relation": "implements",
        "evidence": {
            "text": f"{answer['share']:.0%} of its own text is taken from this document ({n} passages)",
            "start": None,
            "end": None,
            "method": answer["method"],
            "confidence": answer["share"],
            "basis": answer["basis"],
        },
        "review": answer["review"],
        "stated_by": None,
    }
