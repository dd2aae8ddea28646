"""The ``lineage`` command as a user runs it: real processes, an on-disk store,
one-line errors and no tracebacks for user mistakes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"


def run(
    *args: str, store: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "lineage.cli", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    full = {**os.environ, **env} if env else None
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300, env=full)


def assert_one_line_error(p: subprocess.CompletedProcess[str], *words: str) -> None:
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), p.stderr
    for w in words:
        assert w in lines[0]


def test_extract_prints_the_contract_record() -> None:
    p = run("extract", str(SEEDS / "002_d39dd50f05dd6cda.txt"), "--format", "json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["symbol"] == "KH/HU" and r["date"] == "2024-04"
    (parent,) = r["implements"]
    assert parent["number"] == "297-KH/TU" and parent["issuer"]["province"] == "Ninh Thuận"
    assert parent["implements"][0]["number"] == "70-KL/TW"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.txt", None, ["missing.txt", "no such file"]),
        ("empty.txt", b"  \n", ["empty document"]),
        ("sheet.xlsx", b"PK\x03\x04", ["unsupported file type"]),
    ],
)
def test_extract_errors_are_one_clear_line(
    tmp_path: Path, name: str, content: bytes | None, words: list[str]
) -> None:
    f = tmp_path / name
    if content is not None:
        f.write_bytes(content)
    assert_one_line_error(run("extract", str(f)), *words)


@pytest.fixture(scope="module")
def corpus_and_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    for s in SEEDS.glob("*.txt"):
        (corpus / s.name).write_bytes(s.read_bytes())
    (corpus / "broken.txt").write_bytes(b"\x00\x00binary")
    st = tmp_path_factory.mktemp("store") / "store"
    p = run("ingest", str(corpus), store=st)
    assert p.returncode == 0, p.stderr
    assert "ingested 5 document(s), 0 unchanged, 1 failed" in p.stdout
    failed = [line for line in p.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "broken.txt" in failed[0] and "binary" in failed[0]
    return corpus, st


@pytest.fixture(scope="module")
def store(corpus_and_store: tuple[Path, Path]) -> Path:
    return corpus_and_store[1]


def test_reingest_changes_nothing(corpus_and_store: tuple[Path, Path]) -> None:
    corpus, store = corpus_and_store
    p = run("ingest", *sorted(str(f) for f in corpus.glob("0*.txt")), store=store)
    assert p.returncode == 0, p.stderr
    assert "ingested 0 document(s), 5 unchanged, 0 failed" in p.stdout


def test_query_descendants_by_free_text_reference(store: Path) -> None:
    p = run("query", "descendants", "70-KL/TW", store=store)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    numbers = {i["number"] for i in out["items"]}
    assert {"241-KH/TU", "474/KH-MTTQ-BTT", "297-KH/TU", "154/KH-UBND"} <= numbers
    assert all(i["depth"] >= 1 for i in out["items"])


def test_query_with_property_paths_on_the_store_answers_the_same(store: Path) -> None:
    plain = run("query", "descendants", "70-KL/TW", store=store)
    paths = run("query", "descendants", "70-KL/TW", store=store, env={"LINEAGE_TRAVERSAL": "sparql"})
    assert paths.returncode == 0, paths.stderr
    assert json.loads(paths.stdout) == json.loads(plain.stdout)
    bad = run("query", "descendants", "70-KL/TW", store=store, env={"LINEAGE_TRAVERSAL": "graphdb"})
    assert_one_line_error(bad, "LINEAGE_TRAVERSAL must be one of index, sparql")


def test_query_children_of_a_provincial_plan(store: Path) -> None:
    p = run("query", "children", "241-KH/TU Bắc Kạn", store=store)
    assert p.returncode == 0, p.stderr
    assert [i["number"] for i in json.loads(p.stdout)["items"]] == ["474/KH-MTTQ-BTT"]


def test_query_unknown_reference_is_one_line(store: Path) -> None:
    assert_one_line_error(run("query", "ancestors", "no-such-plan-99999", store=store), "no plan matches")


@pytest.mark.parametrize(
    ("fmt", "marker"), [("ttl", "ontology#"), ("nt", "> ."), ("csv", ","), ("graphml", "<graphml")]
)
def test_export_formats(store: Path, tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    p = run("export", "--format", fmt, "--out", str(out), store=store)
    assert p.returncode == 0, p.stderr
    assert marker in out.read_text(encoding="utf-8")


def test_validate_passes_on_the_seeds(store: Path) -> None:
    p = run("validate", store=store)
    assert p.returncode == 0, p.stdout + p.stderr
