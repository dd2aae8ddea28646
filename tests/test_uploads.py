"""POST /api/documents and GET /upload, in process: the token, the bounds, what an upload answers.

The app is the real one over a real in-memory store; the documents are the seeds
(and a few broken files). What it guards: no token -> 401, a wrong one -> 403,
writes off -> 403 (and reads still open), over the size limit -> 413 whether
the client declares its length or streams it, what a 201 says (ids, the
extracted record, where the plan landed), that re-sending changes nothing, and
that a document is ingested under the name the client gave it, so the server's
temporary paths never show. Concurrency and latency need a real server: see
``test_uploads_live.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fixtures import TestClient

from api import create_app
from api.uploads import display_name, sweep
from graph.service import Lineage
from graph.sources import public_source
from graph.store import open_store
from lineage.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
TOKEN = "t0ken-for-the-upload-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(token: str | None = TOKEN, **kw: object) -> TestClient:
    settings = Settings(store="memory:", token=token, curation=ROOT / "no-curation.json", workers=1, **kw)
    return TestClient(create_app(Lineage.open(open_store("memory:")), settings))


@pytest.fixture
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c


def seed_files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("file", (p.name, p.read_bytes(), "text/plain")) for p in paths]


def test_no_token_is_401_and_nothing_is_read(client: TestClient) -> None:
    r = client.post("/api/documents", files=seed_files(SEEDS[0]))
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in r.json()["detail"]
    r = client.post("/api/documents", files=seed_files(SEEDS[0]), headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401
    assert client.get("/api/stats").json()["plans"] == 0


@pytest.mark.parametrize("wrong", ["nope", TOKEN[:-1], TOKEN + "x", "ünïcode-tökén"])
def test_wrong_token_is_403(client: TestClient, wrong: str) -> None:
    r = client.post(
        "/api/documents", files=seed_files(SEEDS[0]), headers={"Authorization": f"Bearer {wrong}".encode()}
    )
    assert r.status_code == 403
    assert "does not match" in r.json()["detail"]
    assert client.get("/api/stats").json()["plans"] == 0


def test_writes_off_is_403_and_reads_stay_open() -> None:
    with make_client(token=None) as c:
        for headers in ({}, AUTH):
            r = c.post("/api/documents", files=seed_files(SEEDS[0]), headers=headers)
            assert r.status_code == 403
            assert "writes are off" in r.json()["detail"]
        assert c.get("/api/stats").status_code == 200
        page = c.get("/upload")
        assert page.status_code == 200 and 'id="writes-off"' in page.text


def test_an_upload_says_where_each_plan_landed(client: TestClient) -> None:
    r = client.post("/api/documents", files=seed_files(*SEEDS), headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert len(body["ingested"]) == 5 and body["unchanged"] == [] and body["failed"] == []
    assert [d["file"] for d in body["documents"]] == [p.name for p in SEEDS]
    # The city Front plan of Bắc Kạn carries out the city Party plan and the provincial
    # Front plan, under Kết luận 70.
    front = body["documents"][0]
    assert front["status"] == "ingested" and front["id"] in body["ingested"]
    assert sorted(p["number"] for p in front["parents"]) == ["224-KH/TU", "474/KH-MTTQ-BTT"]
    assert [r["number"] for r in front["root"]] == ["70-KL/TW"]
    assert front["record"]["issuer"]["name"] == "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Bắc Kạn"
    assert "evidence" not in front["record"]
    # the plan's own page and JSON agree with what the upload said
    plan = client.get(f"/api/plans/{front['id']}").json()
    assert plan["parents"] == [p["id"] for p in front["parents"]]
    assert plan["source"] == front["file"]  # the client's name, never a server path


def test_resending_changes_nothing(client: TestClient) -> None:
    first = client.post("/api/documents", files=seed_files(*SEEDS[:2]), headers=AUTH).json()
    stats = client.get("/api/stats").json()
    nt = client.get("/api/export", params={"format": "nt"}).content
    again = client.post("/api/documents", files=seed_files(*SEEDS[:2]), headers=AUTH)
    assert again.status_code == 201
    body = again.json()
    assert body["ingested"] == [] and sorted(body["unchanged"]) == sorted(first["ingested"])
    assert all(d["status"] == "unchanged" for d in body["documents"])
    assert client.get("/api/stats").json() == stats
    assert client.get("/api/export", params={"format": "nt"}).content == nt
    # the same file twice in one upload: one plan, the second copy unchanged
    twice = client.post("/api/documents", files=seed_files(SEEDS[3], SEEDS[3]), headers=AUTH).json()
    assert len(twice["ingested"]) == 1 and twice["unchanged"] == twice["ingested"]
    assert [d["status"] for d in twice["documents"]] == ["ingested", "unchanged"]


def test_failures_are_one_line_each_and_the_rest_is_ingested(client: TestClient) -> None:
    files = [
        ("file", ("broken.txt", b"\x00\x01binary", "text/plain")),
        ("file", ("empty.txt", b"  \n", "text/plain")),
        ("file", ("picture.png", b"\x89PNG\r\n\x1a\n", "image/png")),
        ("file", ("sheet.xlsx", b"PK\x03\x04", "application/octet-stream")),
        ("file", ("corrupt.docx", b"PK\x03\x04 not really", "application/octet-stream")),
        *seed_files(SEEDS[0]),
    ]
    r = client.post("/api/documents", files=files, headers=AUTH)
    assert r.status_code == 201
    body = r.json()
    assert len(body["ingested"]) == 1
    reasons = {f["file"]: f["reason"] for f in body["failed"]}
    assert set(reasons) == {"broken.txt", "empty.txt", "picture.png", "sheet.xlsx", "corrupt.docx"}
    assert "binary" in reasons["broken.txt"] and "empty" in reasons["empty.txt"]
    assert "not a readable image" in reasons["picture.png"]  # a truncated PNG: scans are read
    assert "unsupported file type" in reasons["sheet.xlsx"]
    for reason in reasons.values():
        assert "\n" not in reason and "lineage-upload-" not in reason and "/tmp" not in reason


def test_over_the_limit_is_413_declared_or_streamed() -> None:
    limit = SEEDS[0].stat().st_size + 2048  # room for one seed and its multipart framing
    with make_client(upload_max_bytes=limit) as c:
        big = [("file", ("big.txt", b"a" * (limit + 1), "text/plain"))]
        r = c.post("/api/documents", files=big, headers=AUTH)
        assert r.status_code == 413
        assert f"{limit:,} bytes" in r.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the bound holds as bytes arrive
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.txt"\r\n\r\n'
            for _ in range(limit // 1024 + 1):
                yield b"x" * 1024
            yield b"\r\n--b--\r\n"

        r = c.post(
            "/api/documents",
            content=chunks(),
            headers=AUTH | {"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert r.status_code == 413
        assert c.get("/api/stats").json()["plans"] == 0
        # under the limit is fine
        assert c.post("/api/documents", files=seed_files(SEEDS[0]), headers=AUTH).status_code == 201
    with make_client(upload_max_files=2) as c:
        r = c.post("/api/documents", files=seed_files(*SEEDS[:3]), headers=AUTH)
        assert r.status_code == 413 and "more than 2 files" in r.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", b'{"file": "x"}', 415),
        ("multipart/form-data", b"--x--\r\n", 400),  # no boundary
        ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="file"', 400),
        ("multipart/form-data; boundary=b", b"--b--\r\n", 422),  # no file at all
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nvalue\r\n--b--\r\n',
            422,
        ),
    ],
)
def test_bad_bodies_are_problems_not_errors(
    client: TestClient, content_type: str, body: bytes, status: int
) -> None:
    r = client.post("/api/documents", content=body, headers=AUTH | {"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_file_names_are_labels_not_paths(client: TestClient) -> None:
    evil = '../../etc/<script>alert(1)</script>\r\n"x".txt'
    r = client.post(
        "/api/documents", files=[("file", (evil, SEEDS[0].read_bytes(), "text/plain"))], headers=AUTH
    )
    assert r.status_code == 201
    (doc,) = r.json()["documents"]
    assert doc["file"] == display_name(evil) and "\n" not in doc["file"]
    # the plan keeps the label's file name only: no folders, the client's or ours (graph.sources)
    assert client.get(f"/api/plans/{doc['id']}").json()["source"] == public_source(doc["file"])


def test_openapi_documents_the_write_and_read_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/documents"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"201", "401", "403", "413"} <= set(post["responses"])
    assert post["security"] == [{"HTTPBearer": []}]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "/api/export" in spec["paths"] and "/api/validate" in spec["paths"]


def test_export_and_validate_routes(client: TestClient) -> None:
    client.post("/api/documents", files=seed_files(*SEEDS), headers=AUTH)
    ttl = client.get("/api/export", params={"format": "ttl"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    csv = client.get("/api/export", params={"format": "csv"})
    assert csv.text.startswith("child_id,child_number")
    assert client.get("/api/export", params={"format": "xls"}).status_code == 422
    v = client.get("/api/validate")
    assert v.status_code == 200 and v.json()["conforms"] is True


def test_the_upload_page_is_served_with_its_policy(client: TestClient) -> None:
    r = client.get("/upload")
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert '<script src="/static/upload.js"></script>' in r.text
    assert "<script>" not in r.text and not re.search(r"\son[a-z]+\s*=", r.text)  # no inline script
    assert "style=" not in r.text
    assert 'data-max-bytes="67108864"' in r.text
    assert 'id="writes-off"' not in r.text
    assert client.get("/static/upload.js").status_code == 200


def test_spool_folders_of_dead_servers_are_swept(tmp_path: Path) -> None:
    dead = tmp_path / "lineage-upload-999999999-abc"
    alive = tmp_path / f"lineage-upload-{os.getpid()}-def"
    dead.mkdir()
    alive.mkdir()
    (dead / "00000.txt").write_text("left by a kill -9")
    assert sweep(str(tmp_path)) == 1
    assert not dead.exists() and alive.exists()


def test_writers_take_turns_on_the_lineage(tmp_path: Path) -> None:
    """Two writers at once, past the route's own queue: the write lock still makes one plan."""
    import threading

    from graph.uploads import Upload, ingest_uploads

    lin = Lineage.open(open_store("memory:"))
    copies = []
    for k in range(4):
        f = tmp_path / f"{k}.txt"
        f.write_bytes(SEEDS[0].read_bytes())
        copies.append(f)
    start = threading.Barrier(4)
    reports = []

    def write(f: Path) -> None:
        start.wait()
        reports.append(ingest_uploads(lin, [Upload(str(f), SEEDS[0].name)], workers=1))

    threads = [threading.Thread(target=write, args=(f,)) for f in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r.ids("ingested")) for r in reports) == [0, 0, 0, 1]
    assert len({x.id for r in reports for x in r.landed}) == 1
    assert lin.stats()["plans"] == 1


def test_upload_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from lineage.config import SettingsError

    monkeypatch.setenv("LINEAGE_TOKEN", "  tok-123  ")
    monkeypatch.setenv("LINEAGE_UPLOAD_MAX_BYTES", "1_000_000")
    s = Settings.from_env("memory:")
    assert (s.token, s.upload_max_bytes, s.upload_max_files) == ("tok-123", 1_000_000, None)
    assert "tok-123" not in repr(s)
    monkeypatch.setenv("LINEAGE_UPLOAD_MAX_FILES", "lots")
    with pytest.raises(SettingsError, match="LINEAGE_UPLOAD_MAX_FILES must be a positive whole number"):
        Settings.from_env("memory:")
    monkeypatch.delenv("LINEAGE_UPLOAD_MAX_FILES")
    monkeypatch.setenv("LINEAGE_TOKEN", "")
    assert Settings.from_env("memory:").token is None


def test_a_validation_is_kept_until_a_write_settles(client: TestClient) -> None:
    client.post("/api/documents", files=seed_files(SEEDS[0]), headers=AUTH)
    first = client.get("/api/validate").json()
    kept = client.app.state.validated
    assert client.get("/api/validate").json() == first and client.app.state.validated is kept
    client.post("/api/documents", files=seed_files(SEEDS[1]), headers=AUTH)
    assert client.get("/api/validate").json()["conforms"] is True
    assert client.app.state.validated is not kept
