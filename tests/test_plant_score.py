"""The scorers of the analytics (bench.analytics_score) on hand-made answers.

Why here: the analyses are built elsewhere and scored by these functions at
100,000 plans; a scorer that gives 1.0 to a wrong answer, or less than 1.0 to a
right one, would make every figure of ``make bench`` meaningless. Answers are
made from the truth itself (perfect: every metric 1.0), then spoiled one way at
a time (the metric that measures that fault drops, the others stay). Ids are
opaque strings, never the truth's: the scorers must match documents by number,
issuer place and year through the lookup, as they will on the graph.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bench.analytics_score import (
    Truth,
    coverage_scores,
    doc_key,
    lag_scores,
    load_truth,
    quality_scores,
    reuse_scores,
    suggest_scores,
    summary_of,
    targets_agreement,
)
from bench.synth import generate


class Ids:
    """Opaque ids for truth documents, and the lookup a graph would answer for them."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.by_key: dict[Any, str] = {}

    def __call__(self, doc: Mapping[str, Any]) -> str:
        k = doc_key(doc)
        if k not in self.by_key:
            self.by_key[k] = f"node-{len(self.by_key):05d}"
            s = summary_of(doc)
            if s["number"]:  # spelled as a scan prints it: the match folds spacing and case
                s["number"] = s["number"].replace("/", " /", 1).lower()
            s["issuer"]["province"] = (s["issuer"]["province"] or "").upper() or None
            self.docs[self.by_key[k]] = s
        return self.by_key[k]

    def lookup(self, pid: str) -> dict[str, Any] | None:
        return self.docs.get(pid)


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Truth:
    out = tmp_path_factory.mktemp("scored")
    generate(300, 5, out)
    return load_truth(out)


def _coverage(truth: Truth, ids: Ids) -> list[dict[str, Any]]:
    return [
        {
            "plan": ids(r["plan"]),
            "expected": r["expected"],
            "covered": r["covered"],
            "units": [
                {
                    "name": u["name"],
                    "province": u["province"],
                    "district": u["district"],
                    "level": u["level"],
                    "system": u["system"],
                    "plans": [ids(d) for d in u["plans"]],
                    "skipping": u["skipping"],
                }
                for u in r["units"]
            ],
        }
        for r in truth.coverage
    ]


def _timeline(truth: Truth, ids: Ids) -> list[dict[str, Any]]:
    links = [
        {"parent": ids(t["parent"]), "child": ids(t["child"])}
        | {k: t[k] for k in ("lag_days", "precision", "lag_range")}
        for t in truth.links
        if t["cascade"]
    ]
    return [{"plan": "the root", "links": links, "by_level": {}}]


def _quality(truth: Truth, ids: Ids) -> dict[str, Any]:
    findings = [
        {"kind": f["kind"], "severity": "error", "ids": [ids(d) for d in f["docs"]], "detail": ""}
        for f in truth.faults
        if f["kind"] != "missing_document"
    ]
    wanted = [
        {
            "id": ids(f["docs"][0]),
            "number": f["docs"][0]["number"],
            "issuer": "",
            "cited_by": f["detail"]["cited_by"],
        }
        for f in truth.faults
        if f["kind"] == "missing_document"
    ]
    return {"findings": findings, "most_wanted": wanted}


def test_perfect_answers_score_one(truth: Truth) -> None:
    ids = Ids()
    cov = coverage_scores(_coverage(truth, ids), truth, ids.lookup)
    assert cov["coverage_precision"] == cov["coverage_recall"] == 1.0
    assert (
        cov["coverage_plans_exact"] == cov["coverage_skip_agreement"] == cov["coverage_counts_exact"] == 1.0
    )
    assert cov["coverage_plans_scored"] == len(truth.coverage)
    lag = lag_scores(_timeline(truth, ids), truth, ids.lookup)
    assert lag["lag_exact"] == 1.0 and lag["lag_missing"] == lag["lag_extra"] == 0
    sug = [{"plan": ids(r["plan"]), "parent": ids(r["parent"]), "score": r["reuse"]} for r in truth.suggest]
    assert suggest_scores(sug, truth, ids.lookup)["suggest_precision"] == 1.0
    assert suggest_scores(sug, truth, ids.lookup)["suggest_recall"] == 1.0
    q = quality_scores(_quality(truth, ids), truth, ids.lookup)
    assert q["quality_recall"] == q["most_wanted_cited_exact"] == 1.0
    rows = [
        {
            "parent": ids(t["parent"]),
            "child": ids(t["child"]),
            "indicator": x["indicator"],
            "relation": x["relation"],
        }
        for t in truth.links
        for x in t["targets"] or ()
    ]
    assert targets_agreement(rows, truth, ids.lookup)["targets_agreement"] == 1.0
    pairs = [
        {"parent": ids(t["parent"]), "child": ids(t["child"]), "share": t["reuse"]}
        for t in truth.links
        if t["reuse"] is not None
    ]
    r = reuse_scores(pairs, truth, ids.lookup)
    assert r["reuse_mae"] == 0.0 and r["reuse_within"] == 1.0


def test_coverage_a_missed_gap_lowers_recall_a_false_gap_precision(truth: Truth) -> None:
    ids = Ids()
    answers = _coverage(truth, ids)
    missed = copy.deepcopy(answers)
    unit = next(u for a in missed for u in a["units"] if not u["plans"])
    unit["plans"] = ["some-node"]  # said covered: a gap missed
    s = coverage_scores(missed, truth, ids.lookup)
    assert s["coverage_recall"] < 1.0 and s["coverage_precision"] == 1.0
    next(a for a in missed if unit in a["units"])["covered"] += 1
    assert coverage_scores(missed, truth, ids.lookup)["coverage_counts_exact"] < 1.0
    false = copy.deepcopy(answers)
    unit = next(u for a in false for u in a["units"] if u["plans"])
    unit["plans"] = []  # said a gap: a unit that did implement
    s = coverage_scores(false, truth, ids.lookup)
    assert s["coverage_precision"] < 1.0 and s["coverage_recall"] == 1.0
    dropped = copy.deepcopy(answers)
    a = next(a for a in dropped if any(not u["plans"] for u in a["units"]))
    a["units"] = [u for u in a["units"] if u["plans"]]  # the gaps left out of the answer
    assert coverage_scores(dropped, truth, ids.lookup)["coverage_recall"] < 1.0
    skip = copy.deepcopy(answers)
    unit = next(u for a in skip for u in a["units"] if u["skipping"])
    unit["skipping"] = False
    s = coverage_scores(skip, truth, ids.lookup)
    assert s["coverage_skip_agreement"] < 1.0 and s["coverage_recall"] == s["coverage_precision"] == 1.0


def test_coverage_matches_units_by_place_not_by_spelling(truth: Truth) -> None:
    """Units named as a view would: the district and commune only in ``name``, in capitals."""
    ids = Ids()
    answers = _coverage(truth, ids)
    for a in answers:
        for u in a["units"]:
            u["name"] = u["name"].upper()
            u["province"] = u["province"].upper()
            if u["level"] == "commune":
                u["name"] = f"Đảng ủy {u['name']}" if u["system"] == "party" else u["name"]
            elif u["level"] == "district":
                u["district"] = None
    s = coverage_scores(answers, truth, ids.lookup)
    assert s["coverage_recall"] == s["coverage_precision"] == 1.0


def test_lag_respects_the_precision(truth: Truth) -> None:
    ids = Ids()
    answers = _timeline(truth, ids)
    day = copy.deepcopy(answers)
    link = next(x for x in day[0]["links"] if x["precision"] == "day")
    link["lag_days"] += 1
    assert lag_scores(day, truth, ids.lookup)["lag_exact"] < 1.0
    month = copy.deepcopy(answers)
    link = next(x for x in month[0]["links"] if x["precision"] == "month")
    link["lag_days"], link["precision"] = link["lag_range"][0], "day"  # the 1st of the month taken for a day
    assert lag_scores(month, truth, ids.lookup)["lag_exact"] < 1.0
    gone = copy.deepcopy(answers)
    gone[0]["links"].pop()
    s = lag_scores(gone, truth, ids.lookup)
    assert s["lag_exact"] < 1.0 and s["lag_missing"] == 1


def test_links_that_share_a_key_are_each_matched(truth: Truth) -> None:
    """Two blank-numbered plans of one commune's mass organisations, dated alike under one
    parent, share a matching key: each truth link takes one answered link (at 100,000 plans
    79 such links were scored as missing)."""
    ids = Ids()
    t = next(t for t in truth.links if t["cascade"] and t["precision"] == "day")
    doubled = Truth(
        truth.summary, truth.coverage, [*truth.links, copy.deepcopy(t)], truth.suggest, truth.faults
    )
    s = lag_scores(_timeline(doubled, ids), doubled, ids.lookup)
    assert s["lag_exact"] == 1.0 and s["lag_missing"] == s["lag_extra"] == 0
    s = lag_scores(_timeline(truth, ids), doubled, ids.lookup)  # one answered link for the two
    assert s["lag_missing"] == 1 and s["lag_extra"] == 0


def test_suggestions_wrong_ones_lower_precision_missing_ones_recall(truth: Truth) -> None:
    ids = Ids()
    right = [{"plan": ids(r["plan"]), "parent": ids(r["parent"])} for r in truth.suggest]
    assert len(right) >= 5
    wrong = right + [{"plan": ids(truth.suggest[0]["plan"]), "parent": ids(truth.links[0]["parent"])}]
    s = suggest_scores(wrong, truth, ids.lookup)
    assert s["suggest_precision"] < 1.0 and s["suggest_recall"] == 1.0
    s = suggest_scores(right[1:], truth, ids.lookup)
    assert s["suggest_recall"] < 1.0 and s["suggest_precision"] == 1.0
    assert suggest_scores([], truth, ids.lookup)["suggest_recall"] == 0.0


def test_quality_a_fault_not_found_lowers_recall(truth: Truth) -> None:
    ids = Ids()
    answer = _quality(truth, ids)
    for kind in ("date_before_parent", "cycle", "same_number_different_title", "unresolved_reference"):
        spoiled = copy.deepcopy(answer)
        spoiled["findings"] = [f for f in spoiled["findings"] if f["kind"] != kind]
        s = quality_scores(spoiled, truth, ids.lookup)
        assert s["quality_recall"] < 1.0 and s["quality_by_kind"][kind].startswith("0/"), kind
    spoiled = copy.deepcopy(answer)
    spoiled["most_wanted"] = spoiled["most_wanted"][1:]
    assert quality_scores(spoiled, truth, ids.lookup)["quality_recall"] < 1.0
    spoiled = copy.deepcopy(answer)
    spoiled["most_wanted"][0]["cited_by"] += 1
    s = quality_scores(spoiled, truth, ids.lookup)
    assert s["quality_recall"] == 1.0 and s["most_wanted_cited_exact"] < 1.0
    # The analysis may name its kinds otherwise: a map renames them.
    renamed = copy.deepcopy(answer)
    for f in renamed["findings"]:
        f["kind"] = "x_" + f["kind"]
    kinds = {"x_" + f["kind"]: f["kind"] for f in truth.faults}
    assert quality_scores(renamed, truth, ids.lookup, kinds)["quality_recall"] == 1.0
    assert quality_scores(renamed, truth, ids.lookup)["quality_recall"] < 1.0


def test_targets_and_reuse_a_wrong_answer_lowers_them(truth: Truth) -> None:
    ids = Ids()
    phrasing = {k: v[0] for k, v in truth.summary["indicators"].items()}
    rows = [
        {
            "parent": ids(t["parent"]),
            "child": ids(t["child"]),
            "indicator": phrasing[x["indicator"]].upper(),  # the text of the target, not the key
            "relation": x["relation"],
        }
        for t in truth.links
        for x in t["targets"] or ()
    ]
    assert targets_agreement(rows, truth, ids.lookup)["targets_agreement"] == 1.0
    rows[0]["relation"] = "equal" if rows[0]["relation"] != "equal" else "looser"
    assert targets_agreement(rows, truth, ids.lookup)["targets_agreement"] < 1.0
    pairs = [
        {"parent": ids(t["parent"]), "child": ids(t["child"]), "share": t["reuse"] + 0.05}
        for t in truth.links
        if t["reuse"] is not None
    ]
    s = reuse_scores(pairs, truth, ids.lookup)
    assert s["reuse_mae"] == pytest.approx(0.05) and s["reuse_within"] == 1.0
    assert reuse_scores(pairs, truth, ids.lookup, tolerance=0.01)["reuse_within"] == 0.0


def test_an_unplanted_corpus_has_no_truth(tmp_path: Path) -> None:
    generate(5, 1, tmp_path, plant=False)
    with pytest.raises(FileNotFoundError):
        load_truth(tmp_path)
