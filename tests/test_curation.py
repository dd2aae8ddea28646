"""The curation file: a researcher confirms, rejects, adds or corrects, and
re-ingesting keeps the verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.service import Lineage
from graph.store import open_store
from ingest import curation, extract_file

ROOT = Path(__file__).resolve().parent.parent
CITY_FRONT = ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt"


def verdicts(tmp_path: Path, *decisions: dict) -> list[curation.Verdict]:
    f = tmp_path / "curation.json"
    f.write_text(json.dumps({"decisions": list(decisions)}, ensure_ascii=False), encoding="utf-8")
    return curation.load(f)


def numbers(refs) -> list[str]:
    return [r.number for r in refs]


def test_reject_removes_a_link_at_any_depth_and_confirm_accepts_one(tmp_path: Path) -> None:
    rec = extract_file(str(CITY_FRONT))
    vs = verdicts(
        tmp_path,
        {"document": CITY_FRONT.name, "action": "reject", "relation": "implements", "number": "224-KH/TU"},
        {"document": rec.sha256[:16], "action": "confirm", "relation": "implements", "number": "241-KH/TU"},
    )
    out = curation.apply(rec, vs)
    assert numbers(out.implements) == ["474/KH-MTTQ-BTT"]
    (kh241,) = out.implements[0].implements
    assert kh241.evidence.review == "accepted" and kh241.evidence.confidence == 1.0
    assert out.implements[0].evidence.review == "unreviewed"


def test_add_and_correct(tmp_path: Path) -> None:
    rec = extract_file(str(CITY_FRONT))
    vs = verdicts(
        tmp_path,
        {
            "document": CITY_FRONT.name,
            "action": "add",
            "relation": "based_on",
            "ref": {"doc_type": "quyet_dinh", "number": "12/QĐ-UBND", "date": "2023-01-05"},
            "note": "printed in the annex",
        },
        {"document": CITY_FRONT.name, "action": "correct", "field": "/date", "value": "2024-05-06"},
    )
    out = curation.apply(rec, vs)
    assert numbers(out.based_on) == ["187/KH-UBND", "12/QĐ-UBND"]
    assert (
        out.based_on[1].evidence.review == "corrected"
        and out.based_on[1].evidence.text == "printed in the annex"
    )
    assert out.date == "2024-05-06" and out.evidence["/date"].review == "corrected"
    assert out.sha256 == rec.sha256  # still the same document


def test_verdicts_for_other_documents_change_nothing(tmp_path: Path) -> None:
    rec = extract_file(str(CITY_FRONT))
    vs = verdicts(tmp_path, {"document": "other.txt", "action": "correct", "field": "/date", "value": "2020"})
    assert curation.apply(rec, vs) == rec


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"document": "a.txt", "action": "delete"}, "an 'action' among"),
        ({"document": "a.txt", "action": "reject", "relation": "implements"}, "needs the 'number'"),
        ({"document": "a.txt", "action": "correct", "field": "date"}, "JSON Pointer"),
        ({"document": "a.txt", "action": "add", "relation": "implements"}, "needs a 'ref'"),
    ],
)
def test_bad_decisions_are_named(tmp_path: Path, decision: dict, message: str) -> None:
    with pytest.raises(curation.CurationError, match="decision 1: .*" + message.replace("(", r"\(")):
        verdicts(tmp_path, decision)


def test_missing_file_means_no_verdicts(tmp_path: Path) -> None:
    assert curation.load(tmp_path / "none.json") == []


def test_reingest_keeps_the_correction_in_the_graph(tmp_path: Path) -> None:
    cur = tmp_path / "curation.json"
    cur.write_text(
        json.dumps(
            {
                "decisions": [
                    {
                        "document": CITY_FRONT.name,
                        "action": "reject",
                        "relation": "implements",
                        "number": "224-KH/TU",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    store = tmp_path / "store"
    env = {**os.environ, "LINEAGE_CURATION": str(cur)}
    for _ in range(2):  # ingest, then re-ingest: the verdict holds both times
        p = subprocess.run(
            [sys.executable, "-m", "lineage.cli", "ingest", str(CITY_FRONT), "--store", str(store)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert p.returncode == 0, p.stderr
    lin = Lineage.open(open_store(str(store)))
    (pid,) = [i["id"] for i in lin.search(limit=50)[1] if not i["stub"]]
    parents = {lin.summary(x)["number"] for x in lin.plan(pid)["parents"]}
    assert parents == {"474/KH-MTTQ-BTT"}


def test_a_broken_curation_file_is_one_clear_line(tmp_path: Path) -> None:
    cur = tmp_path / "curation.json"
    cur.write_text("{not json", encoding="utf-8")
    p = subprocess.run(
        [sys.executable, "-m", "lineage.cli", "ingest", str(CITY_FRONT), "--store", str(tmp_path / "st")],
        capture_output=True,
        text=True,
        env={**os.environ, "LINEAGE_CURATION": str(cur)},
        cwd=ROOT,
    )
    assert p.returncode == 1 and p.stderr.startswith("Error: ") and "Traceback" not in p.stderr
