"""Scores of the analyses' answers against the truth a synthetic corpus was planted with.

Reads: ``truth/`` of a corpus written by :func:`bench.synth.generate` (schema in
:mod:`bench.synth.truth_write`), the answers of an analysis in the JSON shapes of
``interface.md`` ("Analytics"), and ``lookup``: a function from a graph id to
the node's summary (``Lineage.summary``: ``{"number", "date", "issuer":
{"level", "province", "district", "commune", "system"}}``; None for an unknown
id; :func:`graph_lookup` makes one of a ``Lineage``). Returns: pure functions,
one per analysis, each answering a dict of figures whose first keys are the
ones ``make bench`` prints:
:func:`coverage_scores`, :func:`lag_scores`, :func:`suggest_scores`,
:func:`quality_scores`, :func:`targets_agreement`, :func:`reuse_scores`.

How a document of an answer is matched to a truth document, everywhere: never by
id (ids are the graph's business). The answer's id is looked up, and the node's
number (in one spelling, :func:`graph.identity.number_norm`), issuer level,
province and district (diacritics and case folded; the gazetteer's "Long Mỹ
(Huyện)" and "Long Mỹ (Thị xã)" stay apart) and year must equal the truth document's, as :mod:`bench.accuracy`
matches parents. A document with a blank number is matched by level, places
(commune included), system and date instead. A unit (coverage) is matched by
level, system, province, district and commune, the answer's ``name`` standing in
for a missing ``district``/``commune`` field when it ends with that name (the
gazetteer's "Mường Tè (Thị trấn)" may be printed "thị trấn Mường Tè").

Why pure functions over answers: the analyses are built elsewhere and called by
``bench/run.py``; these only compare, so they are tested on hand-made answers.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

Lookup = Callable[[str], Mapping[str, Any] | None]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Truth:
    """The planted truth of one corpus (rows as :mod:`bench.synth.truth_write` writes them)."""

    summary: dict[str, Any]
    coverage: list[dict[str, Any]]
    links: list[dict[str, Any]]
    suggest: list[dict[str, Any]]
    faults: list[dict[str, Any]]


def load_truth(corpus: str | Path) -> Truth:
    """Read ``corpus/truth/`` (FileNotFoundError for an unplanted corpus)."""
    folder = Path(corpus) / "truth"

    def rows(name: str) -> list[dict[str, Any]]:
        with (folder / name).open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return Truth(
        summary, rows("coverage.jsonl"), rows("links.jsonl"), rows("suggest.jsonl"), rows("faults.jsonl")
    )


# -- matching ------------------------------------------------------------------------------
def _place(s: str | None) -> str:
    return fold(s) if s else ""


def _key(number: str | None, level: str | None, iss: Mapping[str, Any], date: str | None) -> Key | None:
    if level is None:
        return None
    prov = "" if level == "central" else _place(iss.get("province"))
    dist = _place(iss.get("district")) if level in ("district", "commune") else ""
    n = number_norm(number)
    if n and any(ch.isdigit() for ch in n):
        return ("n", n, level, prov, dist, (date or "")[:4])
    comm = _place(iss.get("commune")) if level == "commune" else ""
    return ("b", level, prov, dist, comm, iss.get("system"), date or "")


def doc_key(doc: Mapping[str, Any]) -> Key | None:
    """The matching key of a truth document (``{"number", "level", "province", ...}``)."""
    return _key(doc.get("number"), doc.get("level"), doc, doc.get("date"))


def node_key(summary: Mapping[str, Any] | None) -> Key | None:
    """The matching key of a graph node's summary (``Lineage.summary``)."""
    if not summary:
        return None
    iss = summary.get("issuer") or {}
    return _key(summary.get("number"), iss.get("level"), iss, summary.get("date"))


def summary_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A node summary that describes a truth document (for hand-made answers and tests)."""
    iss = {k: doc.get(k) for k in ("level", "province", "district", "commune", "system")}
    return {"number": doc.get("number"), "date": doc.get("date"), "issuer": iss}


def graph_lookup(lin: Any) -> Lookup:
    """A :class:`graph.service.Lineage`'s summaries as a lookup (None for an id it does not know)."""
    return lambda pid: lin.summary(pid) if lin.knows(pid) else None


def _keys(lookup: Lookup) -> Callable[[Any], Key | None]:
    cache: dict[Any, Key | None] = {}

    def key(pid: Any) -> Key | None:
        if not isinstance(pid, str):
            return None
        if pid not in cache:
            cache[pid] = node_key(lookup(pid))
        return cache[pid]

    return key


_KIND = re.compile(r"^(.*?)\s*\(([^)]*)\)$")


def _same(answer: str | None, truth: str | None, strict: bool = True) -> bool:
    """Whether an answer's place names the truth's: equal folded, or ending with it ("xã Phú
    Hữu"). Not ``strict``: the gazetteer's kind in brackets ("Mường Tè (Thị trấn)") may be
    printed as a unit word instead ("thị trấn Mường Tè"), and must agree when it is."""
    a, t = _place(answer), _place(truth)
    if a == t or (bool(t) and a.endswith(" " + t)):
        return True
    m = _KIND.match(truth or "")
    if strict or not m:
        return False
    base, kind = _place(m.group(1)), _place(m.group(2))
    return a == base or f" {a}".endswith(f" {kind} {base}")


def _unit_matches(a: Mapping[str, Any], t: Mapping[str, Any], strict: bool = True) -> bool:
    if a.get("level") != t["level"] or a.get("system") != t["system"]:
        return False
    if not _same(a.get("province"), t["province"]):
        return False
    name = a.get("name")
    if t["level"] in ("district", "commune") and not _same(a.get("district") or name, t["district"], strict):
        return False
    return t["level"] != "commune" or _same(a.get("commune") or name, t["commune"], strict)


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
    is wrong). Only plans that were answered are scored. Also: ``coverage_plans_exact``,
    the covered units whose answered plans are exactly the truth's, and
    ``coverage_skip_agreement``, the covered units whose ``skipping`` (when the answer
    has the key) is the truth's."""
    key = _keys(lookup)
    rows = {doc_key(r["plan"]): r for r in truth.coverage}
    tp = fp = fn = exact = covered = skip_ok = skip_n = scored = 0
    for ans in answers:
        row = rows.get(key(ans.get("plan")))
        units = list(ans.get("units") or ())
        if row is None:
            fp += sum(1 for u in units if not u.get("plans"))
            continue
        scored += 1
        by_loc: dict[Key, list[Mapping[str, Any]]] = defaultdict(list)
        for u in units:
            by_loc[(u.get("level"), u.get("system"), _place(u.get("province")))].append(u)
        used: set[int] = set()
        match: dict[int, Mapping[str, Any]] = {}
        for strict in (True, False):  # names as the gazetteer spells them first, then unit words
            for i, t in enumerate(row["units"]):
                if i in match:
                    continue
                cands = by_loc.get((t["level"], t["system"], _place(t["province"])), [])
                a = next((u for u in cands if id(u) not in used and _unit_matches(u, t, strict)), None)
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
    key = _keys(lookup)
    got: dict[Key, Mapping[str, Any]] = {}
    extra = 0
    for ans in answers:
        for link in ans.get("links") or ():
            got[(key(link.get("parent")), key(link.get("child")))] = link
    want = [t for t in truth.links if t["cascade"] or not cascade_only]
    right = missing = 0
    for t in want:
        a = got.pop((doc_key(t["parent"]), doc_key(t["child"])), None)
        if a is None:
            missing += 1
            continue
        if t["precision"] == "day":
            ok = a.get("lag_days") == t["lag_days"] and a.get("precision", "day") == "day"
        else:
            ok = a.get("lag_days") is None and a.get("precision") == t["precision"]
            ok = ok and list(a.get("lag_range", t["lag_range"])) == t["lag_range"]
        right += ok
    extra = len(got)
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
    key = _keys(lookup)
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
    key = _keys(lookup)
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
    key = _keys(lookup)
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
    key = _keys(lookup)
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
