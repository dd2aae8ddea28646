"""Scores of the analyses' answers against the truth a synthetic corpus was planted with.

Reads: ``truth/`` of a corpus written by :func:`bench.synth.generate` (schema in
:mod:`bench.synth.truth_write`; :func:`load_truth`), the answers of an analysis in
the JSON shapes of ``interface.md`` ("Analytics"), and ``lookup``: a function from
a graph id to the node's summary, None for an unknown id (:func:`graph_lookup`
makes one of a ``Lineage``). Returns: pure functions, one per analysis, each
answering a dict of figures whose first keys are the ones ``make bench`` prints:
:func:`coverage_scores`, :func:`lag_scores`, :func:`suggest_scores`,
:func:`quality_scores`, :func:`targets_agreement`, :func:`reuse_scores`.

A document of an answer is matched to a truth document never by id: its id is
looked up and its number, issuer level, province, district and year must be the
truth document's (level, places, system and date for a blank number); a unit of
a coverage answer by its level, system and places (:mod:`bench.analytics_match`).

Why pure functions over answers: the analyses are built elsewhere and called by
``bench/run.py``; these only compare, so they are tested on hand-made answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from bench.analytics_match import (
    Key,
    Lookup,
    Truth,
    doc_key,
    graph_lookup,
    keys_of,
    load_truth,
    node_key,
    place_key,
    summary_of,
    unit_matches,
)
from graph.identity import number_norm
from ingest.text import fold

__all__ = [
    "Lookup",
    "Truth",
    "coverage_scores",
    "doc_key",
    "graph_lookup",
    "lag_scores",
    "load_truth",
    "node_key",
    "quality_scores",
    "reuse_scores",
    "suggest_scores",
    "summary_of",
    "targets_agreement",
]


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


# -- coverage ------------------------------------------------------------------------------
def coverage_scores(answers: Iterable[Mapping[str, Any]], truth: Truth, lookup: Lookup) -> dict[str, Any]:
    """Precision and recall of the gaps in coverage answers (``GET /api/plans/{id}/coverage``).

    An answer's ``plan`` id is looked up and matched to a truth plan (see the module
    docstring); its units to that plan's expected units. A gap is a unit whose
    ``plans`` is empty. Recall: truth gaps answered as gaps (a unit left out of the
    answer is a miss); precision: answered gaps that are truth gaps (a gap answered
    for a unit the truth does not expect, or for a plan the truth has no row for,
    is wrong). Only plans that were answered are scored. Also: ``coverage_counts_exact``,
    the answered plans whose ``expected`` and ``covered`` are the truth's; ``coverage_plans_exact``,
    the covered units whose answered plans are exactly the truth's, and
    ``coverage_skip_agreement``, the covered units whose ``skipping`` (when the answer
    has the key) is the truth's."""
    key = keys_of(lookup)
    rows = {doc_key(r["plan"]): r for r in truth.coverage}
    tp = fp = fn = exact = covered = skip_ok = skip_n = scored = counts = 0
    for ans in answers:
        row = rows.get(key(ans.get("plan")))
        units = list(ans.get("units") or ())
        if row is None:
            fp += sum(1 for u in units if not u.get("plans"))
            continue
        scored += 1
        counts += ans.get("expected") == row["expected"] and ans.get("covered") == row["covered"]
        by_loc: dict[Key, list[Mapping[str, Any]]] = defaultdict(list)
        for u in units:
            by_loc[(u.get("level"), u.get("system"), place_key(u.get("province")))].append(u)
        used: set[int] = set()
        match: dict[int, Mapping[str, Any]] = {}
        for strict in (True, False):  # names as the gazetteer spells them first, then unit words
            for i, t in enumerate(row["units"]):
                if i in match:
                    continue
                cands = by_loc.get((t["level"], t["system"], place_key(t["province"])), [])
                a = next((u for u in cands if id(u) not in used and unit_matches(u, t, strict)), None)
                if a is not None:
                    used.add(id(a))
                    match[i] = a
        for i, t in enumerate(row["units"]):
            a = match.get(i)
            gap, said_gap = not t["plans"], a is None or not a.get("plans")
            if gap:
                tp += a is not None and said_gap
                fn += a is None or not said_gap
                continue
            fp += a is not None and said_gap
            if a is None or said_gap:
                continue
            covered += 1
            exact += {key(p) for p in a["plans"]} == {doc_key(d) for d in t["plans"]}
            if "skipping" in a:
                skip_n += 1
                skip_ok += bool(a["skipping"]) == t["skipping"]
        fp += sum(1 for u in units if id(u) not in used and not u.get("plans"))
    return {
        "coverage_precision": _ratio(tp, tp + fp),
        "coverage_recall": _ratio(tp, tp + fn),
        "coverage_plans_scored": scored,
        "coverage_counts_exact": _ratio(counts, scored),
        "coverage_plans_exact": _ratio(exact, covered),
        "coverage_skip_agreement": _ratio(skip_ok, skip_n),
    }


# -- timeline ------------------------------------------------------------------------------
def lag_scores(
    answers: Iterable[Mapping[str, Any]], truth: Truth, lookup: Lookup, cascade_only: bool = True
) -> dict[str, Any]:
    """``lag_exact``: the share of truth links whose answered link has the truth's lag.

    Links of timeline answers (``GET /api/plans/{id}/timeline``, all answers pooled)
    are matched by their ``parent`` and ``child`` ids (see the module docstring). At
    day precision the answer's ``lag_days`` must equal the truth's (and its
    ``precision``, if given, be "day"); at month or year precision ``lag_days`` must
    be null and ``precision`` the truth's (and ``lag_range``, if given, the truth's).
    A truth link with no answered link counts as wrong. ``cascade_only``: score the
    links under Kết luận 70 (what its timeline holds), not those a cycle cut off."""
    key = keys_of(lookup)
    # Several links may share a key (two blank-numbered plans of one commune's mass
    # organisations, same parent, same date): each truth link takes one of them, the one
    # with its lag when there is one.
    got: dict[Key, list[Mapping[str, Any]]] = defaultdict(list)
    for ans in answers:
        for link in ans.get("links") or ():
            got[(key(link.get("parent")), key(link.get("child")))].append(link)

    def same_lag(a: Mapping[str, Any], t: Mapping[str, Any]) -> bool:
        if t["precision"] == "day":
            return a.get("lag_days") == t["lag_days"] and a.get("precision", "day") == "day"
        ok = a.get("lag_days") is None and a.get("precision") == t["precision"]
        return ok and list(a.get("lag_range", t["lag_range"])) == t["lag_range"]

    want = [t for t in truth.links if t["cascade"] or not cascade_only]
    right = missing = 0
    for t in want:
        links = got.get((doc_key(t["parent"]), doc_key(t["child"])))
        if not links:
            missing += 1
            continue
        i = next((i for i, a in enumerate(links) if same_lag(a, t)), None)
        right += i is not None
        links.pop(i or 0)
    extra = sum(len(links) for links in got.values())
    return {
        "lag_exact": _ratio(right, len(want)),
        "lag_links": len(want),
        "lag_missing": missing,
        "lag_extra": extra,
    }


# -- suggested parents -----------------------------------------------------------------------
def suggest_scores(suggestions: Iterable[Mapping[str, Any]], truth: Truth, lookup: Lookup) -> dict[str, Any]:
    """``suggest_precision`` and ``suggest_recall`` of suggested parents.

    A suggestion is ``{"plan" (or "child"): id, "parent": id}`` (other keys ignored),
    one per suggested parent. It is right when its plan is one whose "Thực hiện"
    sentence was removed and its parent one of that plan's true parents (both matched
    as in the module docstring; the truth's ``parent`` is the one whose text it
    copies). Precision: right suggestions over all suggestions (a suggestion for any
    other plan is wrong); recall: planted plans with a right one."""
    key = keys_of(lookup)
    want = {
        (doc_key(r["plan"]), doc_key(p)): doc_key(r["plan"])
        for r in truth.suggest
        for p in r.get("parents") or [r["parent"]]
    }
    right: set[Key | None] = set()
    total = good = 0
    for s in suggestions:
        total += 1
        pair = (key(s.get("plan", s.get("child"))), key(s.get("parent")))
        if pair in want:
            good += 1
            right.add(want[pair])
    return {
        "suggest_precision": _ratio(good, total),
        "suggest_recall": _ratio(len(right), len(truth.suggest)),
        "suggest_count": total,
    }


# -- data quality --------------------------------------------------------------------------------
def quality_scores(
    answer: Mapping[str, Any], truth: Truth, lookup: Lookup, kinds: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``quality_recall``: the share of planted faults the quality answer (``GET /api/quality``) finds.

    ``kinds`` maps the answer's kind names to the truth's (:data:`bench.synth.truth_write.FAULT_KINDS`;
    the same names by default). A ``missing_document`` is found when a ``most_wanted``
    entry's ``id`` matches it (``most_wanted_cited_exact``: those whose ``cited_by`` is
    the truth's); an ``unresolved_reference`` when a finding of that kind holds the
    citing plan or a node of the reference's number; any other fault when a finding
    of its kind holds every one of its documents (matched as in the module docstring)."""
    key = keys_of(lookup)
    rename = dict(kinds or {})
    found_ids: dict[str, list[set[Key | None]]] = defaultdict(list)
    numbers: dict[str, set[str | None]] = defaultdict(set)
    for f in answer.get("findings") or ():
        kind = rename.get(f.get("kind"), f.get("kind"))
        ids = list(f.get("ids") or ())
        found_ids[kind].append({key(i) for i in ids})
        numbers[kind] |= {number_norm((lookup(i) or {}).get("number")) for i in ids if isinstance(i, str)}
    wanted = {key(m.get("id")): m for m in answer.get("most_wanted") or ()}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cited_exact = 0
    for t in truth.faults:
        kind, docs = t["kind"], [doc_key(d) for d in t["docs"]]
        if kind == "missing_document":
            m = wanted.get(docs[0])
            ok = m is not None
            cited_exact += ok and m is not None and m.get("cited_by") == t["detail"]["cited_by"]
        elif kind == "unresolved_reference":
            ok = any(docs[0] in ids for ids in found_ids[kind]) or (
                number_norm(t["detail"]["number"]) in numbers[kind]
            )
        else:
            ok = any(set(docs) <= ids for ids in found_ids[kind])
        by_kind[kind][0] += ok
        by_kind[kind][1] += 1
    found = sum(v[0] for v in by_kind.values())
    n_missing = by_kind["missing_document"][1] if "missing_document" in by_kind else 0
    return {
        "quality_recall": _ratio(found, len(truth.faults)),
        "quality_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "most_wanted_cited_exact": _ratio(cited_exact, n_missing),
    }


# -- targets -----------------------------------------------------------------------------------------
def _indicator(text: str | None, phrasings: Mapping[str, list[str]]) -> str | None:
    if not text:
        return None
    if text in phrasings:
        return text
    t = fold(text)
    for k, ps in phrasings.items():
        if any(fold(p) in t for p in ps):
            return k
    return None


def targets_agreement(rows: Iterable[Mapping[str, Any]], truth: Truth, lookup: Lookup) -> dict[str, Any]:
    """``targets_agreement``: the share of truth (link, indicator) rows whose relation is answered right.

    A row is ``{"parent": id, "child": id, "indicator", "relation"}``; ``indicator``
    is a truth key (``people_exercising``) or any text holding one of its phrasings
    (``truth.summary["indicators"]``); ``relation`` is ``stricter``, ``equal``,
    ``looser``, ``missing`` or ``added``. Truth rows with no answered row count as
    wrong. Also per relation, ``targets_by_relation``."""
    key = keys_of(lookup)
    phrasings = truth.summary.get("indicators") or {}
    got: dict[Key, str | None] = {}
    for r in rows:
        got[(key(r.get("parent")), key(r.get("child")), _indicator(r.get("indicator"), phrasings))] = r.get(
            "relation"
        )
    total = right = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for link in truth.links:
        for t in link["targets"] or ():
            total += 1
            ok = got.get((doc_key(link["parent"]), doc_key(link["child"]), t["indicator"])) == t["relation"]
            right += ok
            per[t["relation"]][0] += ok
            per[t["relation"]][1] += 1
    return {
        "targets_agreement": _ratio(right, total),
        "targets_rows": total,
        "targets_by_relation": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per.items())},
    }


# -- text reuse ------------------------------------------------------------------------------------------
def reuse_scores(
    pairs: Iterable[Mapping[str, Any]], truth: Truth, lookup: Lookup, tolerance: float = 0.1
) -> dict[str, Any]:
    """``reuse_mae`` (mean absolute error) and ``reuse_within`` (share within ``tolerance``) of
    reuse shares: ``{"parent": id, "child": id, "share": float}`` per pair of the reuse
    answers, against the truth's ``reuse`` of each link that has one (an unanswered
    link counts as a share of 0)."""
    key = keys_of(lookup)
    got = {(key(p.get("parent")), key(p.get("child"))): float(p.get("share") or 0.0) for p in pairs}
    errs = [
        abs(got.get((doc_key(t["parent"]), doc_key(t["child"])), 0.0) - t["reuse"])
        for t in truth.links
        if t["reuse"] is not None
    ]
    return {
        "reuse_mae": sum(errs) / len(errs) if errs else 0.0,
        "reuse_within": _ratio(sum(e <= tolerance + 1e-9 for e in errs), len(errs)),
        "reuse_links": len(errs),
    }
