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


BAD_DECISIONS = [
    # (decision, what the one line says): the kinds of mistakes a hand-written file makes
    ({"document": "a.txt", "action": "delete"}, "'action' must be one of confirm, reject, add, correct"),
    ({"document": "a.txt", "action": "reject", "relation": "implements"}, "needs the 'number'"),
    ({"document": "a.txt", "action": "correct", "field": "date", "value": "2024"}, "JSON Pointer"),
    ({"document": "a.txt", "action": "add", "relation": "implements"}, "needs a 'ref' object"),
    # a nested structure where text belongs
    (
        {"document": "a.txt", "action": "correct", "field": "/issuer", "value": {"name": {"vi": ["x"]}}},
        "/issuer/name must be text",
    ),
    # a date given as an object
    (
        {"document": "a.txt", "action": "correct", "field": "/date", "value": {"y": 2024}},
        "/date must be a date",
    ),
    # a number given as an integer
    (
        {"document": "a.txt", "action": "reject", "relation": "implements", "number": 224},
        "the 'number' of the linked document, as text, not 224",
    ),
    (
        {"document": "a.txt", "action": "add", "relation": "cites", "ref": {"number": 12, "date": "2023"}},
        "ref/number must be text, not 12",
    ),
    # a list where an object belongs, an object where a list belongs
    (
        {"document": "a.txt", "action": "add", "relation": "cites", "ref": {"issuer": ["Tỉnh ủy"]}},
        "ref/issuer must be an object",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/campaigns", "value": {"a": 1}},
        "/campaigns must be a list",
    ),
    ({"document": ["a.txt"], "action": "confirm"}, "'document' must name the file"),
    (
        {"document": "a.txt", "action": "correct", "field": "/title", "value": "x", "note": {"why": 1}},
        "'note' must be text",
    ),
    ({"document": "a.txt", "action": "correct", "field": "/sha256", "value": "00"}, "cannot be corrected"),
    ({"document": "a.txt", "action": "correct", "field": "/issuer/rank", "value": "x"}, 'no field "rank"'),
    (
        {"document": "a.txt", "action": "reject", "relation": "implements", "number": "1", "nmber": "2"},
        'unknown key "nmber"',
    ),
    ("reject everything", "a decision is an object"),
    # values outside the vocabulary, and dates that are not dates
    (
        {"document": "a.txt", "action": "correct", "field": "/doc_type", "value": "<script>"},
        "/doc_type must be one of ke_hoach",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/issuer/level", "value": "galaxy"},
        "/issuer/level must be one of central",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/issuer/system", "value": "moon"},
        "/issuer/system must be one of party",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/date", "value": "not-a-date"},
        "/date must be a date",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/date", "value": "2024-02-30"},
        "/date must be a date",
    ),
    (
        {
            "document": "a.txt",
            "action": "add",
            "relation": "based_on",
            "ref": {"doc_type": "memo", "date": "2024-13"},
        },
        "ref/doc_type must be one of",
    ),
    (
        {"document": "a.txt", "action": "correct", "field": "/implements/0/issuer/level", "value": "planet"},
        "/implements/0/issuer/level must be one of",
    ),
]


@pytest.mark.parametrize(("decision", "message"), BAD_DECISIONS)
def test_a_bad_decision_is_one_line_and_the_others_apply(
    tmp_path: Path, decision: object, message: str
) -> None:
    good = {"document": "a.txt", "action": "correct", "field": "/date", "value": "2024-05-06"}
    f = tmp_path / "curation.json"
    f.write_text(json.dumps({"decisions": [good, decision, good]}, ensure_ascii=False), encoding="utf-8")
    got, problems = curation.read(f)
    assert [v.origin for v in got] == [f"{f}: decision 1", f"{f}: decision 3"]
    (line,) = problems
    assert line.startswith(f"{f}: decision 2") and message in line and "\n" not in line, line


def test_good_values_pass(tmp_path: Path) -> None:
    vs = verdicts(
        tmp_path,
        {"document": "a.txt", "action": "correct", "field": "/date", "value": "2024"},
        {"document": "a.txt", "action": "correct", "field": "/date", "value": None},
        {"document": "a.txt", "action": "correct", "field": "/issuer", "value": None},
        {"document": "a.txt", "action": "correct", "field": "/issuer/level", "value": "commune"},
        {"document": "a.txt", "action": "correct", "field": "/targets/0/value", "value": 60.5},
        {"document": "a.txt", "action": "correct", "field": "/implements/1/date", "value": "2024-02-29"},
        {"document": "a.txt", "action": "correct", "field": "/signer", "value": {"name": "Nguyễn Văn A"}},
        {
            "document": "a.txt",
            "action": "add",
            "relation": "implements",
            "ref": {
                "doc_type": "ke_hoach",
                "number": "1-KH/TU",
                "issuer": {"name": "Tỉnh ủy Bắc Kạn", "system": "party", "level": "province"},
                "implements": [{"doc_type": "ket_luan", "number": "70-KL/TW", "date": "2024-01-31"}],
            },
            "_comment": "notes of the researcher's own are allowed",
        },
    )
    assert len(vs) == 8


def test_a_malformed_file_keeps_the_ingest_going(tmp_path: Path) -> None:
    """Through the command: each bad decision is one line naming the file and the decision,
    the good ones apply, the ingest completes and the graph stays valid."""
    cur = tmp_path / "curation.json"
    decisions = [d for d, _ in BAD_DECISIONS] + [
        {"document": CITY_FRONT.name, "action": "correct", "field": "/title", "value": "Kế hoạch đã sửa"},
        {"document": CITY_FRONT.name, "action": "reject", "relation": "implements", "number": "224-KH/TU"},
        # valid in the file, impossible for this record (it has no 10th reference): skipped there
        {"document": CITY_FRONT.name, "action": "correct", "field": "/implements/9/date", "value": "2024"},
    ]
    cur.write_text(json.dumps({"decisions": decisions}, ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "store"
    env = {**os.environ, "LINEAGE_CURATION": str(cur)}
    cmd = [sys.executable, "-m", "lineage.cli"]
    p = subprocess.run(
        [*cmd, "ingest", str(CITY_FRONT), "--store", str(store)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert p.returncode == 0 and "ingested 1 document(s)" in p.stdout, p.stderr
    lines = p.stderr.splitlines()
    assert "Traceback" not in p.stderr
    assert [ln.split(": decision ")[1].split(" ")[0].rstrip(":") for ln in lines] == [
        str(i + 1) for i in range(len(BAD_DECISIONS))
    ] + [str(len(BAD_DECISIONS) + 3)]
    assert all(ln.startswith(f"skipped: {cur}: decision ") for ln in lines)
    v = subprocess.run(
        [*cmd, "validate", "--store", str(store)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert v.returncode == 0, v.stderr
    lin = Lineage.open(open_store(str(store)))
    (plan,) = [i for i in lin.search(limit=50)[1] if not i["stub"]]
    assert plan["title"] == "Kế hoạch đã sửa"
    assert {lin.summary(x)["number"] for x in lin.plan(plan["id"])["parents"]} == {"474/KH-MTTQ-BTT"}


def test_the_shapes_refuse_what_curation_refuses() -> None:
    """Records that never went through curation (handed to ``ingest_records``) with values
    outside the vocabulary: ``validate`` names each kind, with the value."""
    from dataclasses import replace as with_

    rec = extract_file(str(CITY_FRONT))
    assert rec.issuer is not None
    bad = with_(
        rec, doc_type="<script>", date="not-a-date", issuer=with_(rec.issuer, level="galaxy", system="moon")
    )
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([bad])
    ok, report = lin.validate()
    assert not ok
    for kind, value in [
        ("a document type outside the vocabulary", '"<script>"'),
        ("an administrative level outside the vocabulary", '"galaxy"'),
        ("an issuing system outside the vocabulary", '"moon"'),
        ("a date that is not a date", '"not-a-date"'),
    ]:
        assert kind in report and value in report, report
    assert len(report.splitlines()) < 20


def test_the_shapes_enumerate_the_vocabulary_table() -> None:
    """shapes.ttl's lists are those of ontology/vocab.py (python -m ontology.enumerations)."""
    from rdflib import Graph, Namespace
    from rdflib.collection import Collection

    from ontology import SHAPES_PATH, enumerations
    from ontology.vocab import DOC_TYPE_TABLE, LEVEL_CONCEPTS, SYSTEM_CONCEPTS

    assert enumerations.main(["--check"]) == 0
    sh = Namespace("http://www.w3.org/ns/shacl#")
    lin = "https://w3id.org/vn-lineage/ontology#"
    g = Graph().parse(SHAPES_PATH)
    lists = [{str(x).removeprefix(lin) for x in Collection(g, o)} for o in g.objects(None, sh["in"])]
    assert {t.cls for t in DOC_TYPE_TABLE} in lists
    assert set(SYSTEM_CONCEPTS.values()) | set(LEVEL_CONCEPTS.values()) in lists
    assert set(LEVEL_CONCEPTS.values()) in lists


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
