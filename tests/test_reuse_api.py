"""The routes and commands of text reuse, suggested parents and targets (issue 12, items 3, 4, 8).

Over the planted corpus of :mod:`test_reuse` (through the app, in process): every answer
validates against the model OpenAPI documents, pages carry their paging headers, the CSV
downloads have their header row, a plan with a suggested parent shows it in its ``links``
(never among its ``parents``), and every mistake is a problem+json (404 for an unknown id,
422 for a bad parameter). The commands run on the seeds ingested into a disk store, as a
researcher would run them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import TestClient
from test_reuse import planted  # noqa: F401  (the module's planted corpus)

from api import create_app
from api.routes.analytics_texts_models import PairOut, ReuseOut, SuggestionPage, TargetsOut
from graph.analytics import suggest
from graph.service import Lineage

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client(planted: tuple[Lineage, Path]) -> TestClient:  # noqa: F811
    return TestClient(create_app(planted[0]))


@pytest.fixture(scope="module")
def root(planted: tuple[Lineage, Path]) -> str:  # noqa: F811
    lin = planted[0]
    return max((r["id"] for r in lin.roots()), key=lambda r: len(lin.index.descendants(r)))


def test_reuse_of_a_cascade(client: TestClient, root: str) -> None:
    r = client.get(f"/api/plans/{root}/reuse")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = ReuseOut.model_validate_json(r.content)
    assert body.total == len(body.pairs) > 250
    assert body.with_text == body.total and int(r.headers["x-total-count"]) == body.total
    taken = [p for p in body.pairs if p.share]
    assert taken and all(p.passages and p.reused_chars <= p.child_chars for p in taken)
    page = client.get(f"/api/plans/{root}/reuse", params={"limit": 5, "offset": 5})
    assert page.status_code == 200 and len(page.json()["pairs"]) == 5
    assert page.json()["pairs"][0]["child"] == body.pairs[5].child
    assert 'rel="next"' in page.headers["link"] and "offset=10" in page.headers["link"]


def test_reuse_csv_has_a_row_per_pair(client: TestClient, root: str) -> None:
    r = client.get(f"/api/plans/{root}/reuse.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert (
        rows[0][:3] == ["parent", "parent_number", "child"]
        and len(rows) - 1 == client.get(f"/api/plans/{root}/reuse").json()["total"]
    )


def test_one_pair_side_by_side(client: TestClient, planted: tuple[Lineage, Path]) -> None:  # noqa: F811
    lin = planted[0]
    s = suggest.suggestions(lin, lin.texts)[0]
    r = client.get(f"/api/plans/{s['plan']}/reuse/{s['parent']}")
    assert r.status_code == 200
    pair = PairOut.model_validate_json(r.content)
    assert pair.available and pair.share == s["share"] and pair.child_text and pair.parent_text
    for p in pair.passages:
        assert pair.child_text[p.child[0] : p.child[1]].strip()
        assert pair.parent_text[p.parent[0] : p.parent[1]].strip()


def test_suggestions_are_links_of_the_plan_and_not_parents(
    client: TestClient,
    planted: tuple[Lineage, Path],  # noqa: F811
) -> None:
    r = client.get("/api/suggestions")
    assert r.status_code == 200
    page = SuggestionPage.model_validate_json(r.content)
    assert page.total >= 6 and {s.review for s in page.items} == {"suggested"}
    first = page.items[0]
    assert first.curation["confirm"]["action"] == "add" and first.curation["reject"]["action"] == "reject"
    plan = client.get(f"/api/plans/{first.plan}").json()
    assert plan["parents"] == []
    links = [x for x in plan["links"] if x["review"] == "suggested"]
    assert [(x["target"], x["evidence"]["basis"]) for x in links] == [(first.parent, "inferred")]
    assert first.plan not in {d["id"] for d in client.get(f"/api/plans/{first.parent}/descendants").json()}
    text = client.get("/api/suggestions.csv").content.decode("utf-8-sig")
    assert (
        text.splitlines()[0].startswith("plan,plan_number,file,parent")
        and len(text.splitlines()) == page.total + 1
    )


def test_targets_of_a_cascade(client: TestClient, root: str) -> None:
    r = client.get(f"/api/plans/{root}/targets")
    assert r.status_code == 200
    body = TargetsOut.model_validate_json(r.content)
    assert body.total == len(body.rows) > 300 and body.targets
    assert {x.relation for x in body.rows} == {"stricter", "equal", "looser", "missing", "added"}
    assert sum(sum(c.values()) for c in body.by_indicator.values()) == body.total
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/plans/{root}/targets.csv").content.decode("utf-8-sig")))
    )
    assert rows[0][:3] == ["parent", "parent_number", "child"] and len(rows) == body.total + 1


def test_targets_pages_are_cut_from_one_comparison(
    client: TestClient,
    root: str,
    planted: tuple[Lineage, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages are slices of the rows :func:`graph.analytics.targets.compare` gives link by link
    (only the page is made as dicts), and the pages, the CSV and the view compare once per
    generation (the comparisons are kept)."""
    from graph.analytics import Analytics, targets
    from graph.analytics.reuse import members

    lin = planted[0]
    summaries, edges = members(lin, root)
    kept = targets.doc_targets(lin, lin.texts, {x for e in edges for x in e})
    expected = [
        (r["child"], r["parent"], r["indicator"], r["relation"], r["child_value"])
        for c, p in edges
        for r in targets.compare(
            targets.groups(kept.get(p, [])), targets.groups(kept.get(c, [])), {"child": c, "parent": p}
        )
    ]
    got = []
    for offset in range(0, len(expected) + 100, 100):
        page = client.get(f"/api/plans/{root}/targets", params={"limit": 100, "offset": offset}).json()
        assert page["total"] == len(expected)
        got += [
            (r["child"], r["parent"], r["indicator"], r["relation"], r["child_value"]) for r in page["rows"]
        ]
    assert got == expected
    a = Analytics(lin)
    calls: list[str] = []
    real = targets.members
    monkeypatch.setattr(targets, "members", lambda lin, pid: calls.append(pid) or real(lin, pid))  # a spy
    a.answer("targets", root, limit=10)
    a.answer("targets", root, limit=10, offset=10)
    a.csv("targets", root, limit=10**9, offset=0)
    assert len(calls) == 1


def test_targets_are_compared_once_after_the_ingest(
    root: str,
    planted: tuple[Lineage, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ingest compares every parent → child pair of kept files and keeps the comparison
    (a national cascade reads them instead of comparing 100,000 links); the answer is the
    same read one by one, read all at once, or compared when asked (none kept); a change of
    the rules (the tag) compares every pair again."""
    from graph.analytics import targets

    lin = planted[0]
    texts = lin.texts
    docs = texts.docs()
    want = {(docs[p], docs[c]) for c, p in lin.index.edges() if c in docs and p in docs and c != p}
    kept = texts.target_pairs()
    assert len(want) > 250 and set(kept) == want and {t for t, _g, _b in kept.values()} == {targets.TAG}
    assert targets.settle(lin, texts) == 0
    answers = []
    for per_key in (targets._PER_KEY, 0):  # a small cascade's way, a large one's
        monkeypatch.setattr(targets, "_PER_KEY", per_key)
        answers.append(targets.cascade_targets(lin, texts, root, limit=10**9))
    with monkeypatch.context() as m:
        m.setattr(texts, "target_pairs", lambda keys=None: {})
        answers.append(targets.cascade_targets(lin, texts, root, limit=10**9))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["total"] == len(answers[0]["rows"]) > 100
    assert sum(sum(v.values()) for v in answers[0]["by_indicator"].values()) == answers[0]["total"]
    assert {r["relation"] for r in answers[0]["rows"]} >= {"stricter", "looser"}
    page = targets.cascade_targets(lin, texts, root, limit=7, offset=answers[0]["total"] - 3)
    assert page["rows"] == answers[0]["rows"][-3:]
    with monkeypatch.context() as m:
        m.setattr(targets, "TAG", "other rules")
        assert targets.settle(lin, texts) == len(want)
    assert targets.settle(lin, texts) == len(want)  # back to the rules of this code


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/plans/no.such.plan/reuse", 404),
        ("/api/plans/no.such.plan/reuse.csv", 404),
        ("/api/plans/no.such.plan/targets", 404),
        ("/api/plans/no.such.plan/targets.csv", 404),
        ("/api/plans/{root}/reuse/no.such.plan", 404),
        ("/api/plans/{root}/reuse?limit=0", 422),
        ("/api/plans/{root}/targets?offset=-1", 422),
        ("/api/suggestions?limit=100000", 422),
    ],
)
def test_mistakes_are_problems(client: TestClient, root: str, path: str, status: int) -> None:
    r = client.get(path.format(root=root))
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status


def test_openapi_documents_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in (
        "/api/plans/{id}/reuse",
        "/api/plans/{id}/reuse.csv",
        "/api/plans/{id}/reuse/{parent}",
        "/api/plans/{id}/targets",
        "/api/plans/{id}/targets.csv",
        "/api/suggestions",
        "/api/suggestions.csv",
    ):
        assert "get" in paths[p], p


# -- the commands, on the seeds in a disk store -------------------------------------------------------------
def _lineage(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LINEAGE_STORE=str(store), LINEAGE_CURATION=str(store.parent / "none.json"))
    env.pop("LINEAGE_TEXTS", None)
    return subprocess.run(
        [sys.executable, "-m", "lineage.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("reuse-cli") / "store"
    r = _lineage("ingest", str(ROOT / "data" / "seeds"), store=store)
    assert r.returncode == 0, r.stderr
    assert store.with_name("store.texts").exists()  # the texts are kept beside the store
    return store


def test_lineage_reuse_targets_and_suggestions(seeded_store: Path) -> None:
    # the seeds' parents are known only by reference: no pair of two texts lies below 70-KL/TW
    r = _lineage("reuse", "70-KL/TW", store=seeded_store)
    assert r.returncode == 0, r.stderr
    answer: dict[str, Any] = json.loads(r.stdout)
    assert answer["total"] == answer["with_text"] == 0 and answer["pairs"] == []
    # any two documents compare: the Front of Bắc Kạn city against the Bắc Ninh plan
    one = _lineage("reuse", "Bắc Kạn MTTQ", "--parent", "Từ Sơn", store=seeded_store)
    assert one.returncode == 0, one.stderr
    got = json.loads(one.stdout)
    assert got["available"] and 0 <= got["share"] < 0.5 and got["child_chars"] > 1000
    assert all(p["child_text"] and p["parent_text"] for p in got["passages"])
    t = _lineage("targets", "70-KL/TW", "--format", "csv", store=seeded_store)
    assert t.returncode == 0 and t.stdout.splitlines()[0].startswith("parent,parent_number,child")
    s = _lineage("suggestions", "--format", "json", store=seeded_store)
    assert s.returncode == 0 and json.loads(s.stdout)["total"] == len(json.loads(s.stdout)["items"])


def test_lineage_reuse_of_nothing_is_one_line(seeded_store: Path) -> None:
    r = _lineage("reuse", "999-XX/YY Nowhere", store=seeded_store)
    assert r.returncode == 1 and r.stderr.startswith("Error: ") and len(r.stderr.splitlines()) == 1
