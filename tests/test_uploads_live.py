"""Writes while serving, against a real ``lineage serve`` (child process, free port, SIGTERM at the end).

What it guards:
- ``lineage ingest``, ``query``, ``export`` and ``validate`` on a store a server holds
  go through the server and print what they print on their own; what an ingest
  through the server wrote is exactly what a command of its own would write (a local
  re-ingest afterwards finds every document unchanged);
- without a token, or with a wrong one, an ingest through the server is one line;
  a store locked by another process is one line naming that process; a server
  file left by a killed server is ignored and removed;
- concurrent uploads of the same file make one plan;
- reads keep answering during an upload of 200 documents, and only ever see the
  read model before it or after it (p50/p99 printed; the bound asserted is
  generous: performance targets belong to the benchmark);
- ``kill -9`` of the server during an upload: the store opens, re-running the
  ingest completes, and the graph equals that of a clean run.
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from live_server import ROOT, cli, env_with, server_file, serving

from bench.synth import generate

TOKEN = "live-upload-token-0123456789abcdef"
SEEDS = ROOT / "data" / "seeds"


def one_line_error(p: subprocess.CompletedProcess[str], *words: str) -> str:
    assert p.returncode != 0, p.stdout
    assert "Traceback" not in p.stderr
    lines = [line for line in p.stderr.strip().splitlines() if not line.startswith("ingesting through")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), p.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def sorted_nt(data: bytes) -> list[bytes]:
    return sorted(line for line in data.splitlines() if line.strip())


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(600, seed=7, out=out, plant=False)  # the plain cascade: exactly 600 files
    return out


def seeds_store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    p = cli("ingest", "data/seeds", store=store)  # relative, as a user types it in the project
    assert p.returncode == 0 and "ingested 5 document(s)" in p.stdout, p.stderr
    return store


# -- the commands through a server ---------------------------------------------------------
def test_commands_go_through_a_running_server(tmp_path: Path) -> None:
    store = seeds_store(tmp_path)
    corpus = ROOT / "tests" / "corpus"
    n_corpus = len(list(corpus.glob("*.txt")))
    # What the commands print on their own, before a server takes the store.
    alone = {
        "descendants": cli("query", "descendants", "70-KL/TW", store=store),
        "children": cli("query", "children", "241-KH/TU Bắc Kạn", store=store),
        "validate": cli("validate", store=store),
    }
    assert all(p.returncode == 0 for p in alone.values()), [p.stderr for p in alone.values()]
    assert cli("export", "--format", "nt", "--out", str(tmp_path / "alone.nt"), store=store).returncode == 0
    assert cli("export", "--format", "csv", "--out", str(tmp_path / "alone.csv"), store=store).returncode == 0

    with serving(store, TOKEN) as (url, _):
        for name, args in (
            ("descendants", ("query", "descendants", "70-KL/TW")),
            ("children", ("query", "children", "241-KH/TU Bắc Kạn")),
        ):
            p = cli(*args, store=store)  # reads need no token
            assert p.returncode == 0, p.stderr
            assert json.loads(p.stdout) == json.loads(alone[name].stdout)
        p = cli("validate", store=store)
        assert (p.returncode, p.stdout) == (0, alone["validate"].stdout)
        p = cli("export", "--format", "nt", "--out", str(tmp_path / "served.nt"), store=store)
        assert p.returncode == 0 and "wrote" in p.stderr
        assert sorted_nt((tmp_path / "served.nt").read_bytes()) == sorted_nt(
            (tmp_path / "alone.nt").read_bytes()
        )
        p = cli("export", "--format", "csv", store=store)
        assert p.stdout == (tmp_path / "alone.csv").read_text(encoding="utf-8")
        one_line_error(cli("query", "ancestors", "no-such-plan-99999", store=store), "no plan matches")

        # writes need the token: none, or a wrong one, is one line and sends nothing
        one_line_error(cli("ingest", str(corpus), store=store), "set LINEAGE_TOKEN", url)
        wrong = cli("ingest", str(corpus), store=store, env=env_with(LINEAGE_TOKEN="not-the-token"))
        one_line_error(wrong, "refused", "does not match")
        assert httpx.get(f"{url}/api/stats").json()["plans"] == 5

        with_token = env_with(LINEAGE_TOKEN=TOKEN)
        p = cli("ingest", str(corpus), store=store, env=with_token)
        assert p.returncode == 0, p.stderr
        assert f"ingesting through lineage serve at {url}" in p.stderr
        assert f"ingested {n_corpus} document(s), 0 unchanged, 0 failed" in p.stdout
        assert httpx.get(f"{url}/api/stats").json()["plans"] == 5 + n_corpus
        p = cli("ingest", str(corpus), "data/seeds", store=store, env=with_token)
        assert f"ingested 0 document(s), {n_corpus + 5} unchanged, 0 failed" in p.stdout, p.stderr
        # a bad file among them: its line, the others still ingested
        bad = tmp_path / "bad"
        bad.mkdir()
        (bad / "broken.txt").write_bytes(b"\x00\x00binary")
        p = cli("ingest", str(bad), "nowhere.txt", store=store, env=with_token)
        assert p.returncode == 1
        assert f"failed: {bad / 'broken.txt'}: binary file, not text" in p.stderr
        assert "failed: nowhere.txt: no such file or folder" in p.stderr

    # SIGTERM: the server file is gone, and what went through the server is what a
    # command of its own would have written: nothing changes when it ingests again.
    assert not server_file(store).exists()
    p = cli("ingest", str(corpus), "data/seeds", store=store)
    assert f"ingested 0 document(s), {n_corpus + 5} unchanged, 0 failed" in p.stdout, p.stderr


def test_a_store_locked_by_another_process_is_one_line_naming_it(tmp_path: Path) -> None:
    store = seeds_store(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pyoxigraph import Store; s = Store(sys.argv[1]); print('held', flush=True);"
            " time.sleep(120)",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for args in (
            ("query", "children", "x"),
            ("ingest", "data/seeds"),
            ("validate",),
            ("serve", "--port", "0"),
        ):
            line = one_line_error(
                cli(*args, store=store), "is locked by another process", f"(pid {holder.pid})"
            )
            assert "Resource temporarily unavailable" not in line
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    # a lineage server whose file is gone (an older version, or removed by hand) is named as such
    with serving(store, TOKEN) as (_, proc):
        server_file(store).unlink()
        line = one_line_error(cli("query", "children", "x", store=store), "another lineage process")
        assert f"lineage serve --store {store} --port 0 (pid {proc.pid})" in line


def test_a_stale_server_file_is_ignored_and_removed(tmp_path: Path) -> None:
    store = seeds_store(tmp_path)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    server_file(store).write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": gone.pid, "store": str(store)})
    )
    p = cli("query", "descendants", "70-KL/TW", store=store)
    assert p.returncode == 0, p.stderr
    assert not server_file(store).exists()


# -- concurrent uploads, and reads under an upload --------------------------------------------
@pytest.fixture(scope="module")
def synth_server(synth: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Path]]]:
    """A server over a store of 400 synthetic plans, and 200 more (not in the store) to upload."""
    files = sorted(synth.glob("*.txt"))
    held_back = files[2::3]  # 200 plans at every level, their parents mostly in the store
    store = tmp_path_factory.mktemp("synth-store") / "store"
    staged = tmp_path_factory.mktemp("staged")
    for f in files:
        if f not in held_back:
            (staged / f.name).symlink_to(f)
    p = cli("ingest", str(staged), store=store)
    assert p.returncode == 0 and "ingested 400 document(s)" in p.stdout, p.stdout + p.stderr
    with serving(store, TOKEN) as (url, _):
        yield url, held_back


def test_concurrent_uploads_of_the_same_file_make_one_plan(synth_server: tuple[str, list[Path]]) -> None:
    url, held_back = synth_server
    doc = held_back[-1]
    before = httpx.get(f"{url}/api/stats").json()
    start = threading.Barrier(4)
    answers: list[httpx.Response] = []

    def send() -> None:
        start.wait()
        answers.append(
            httpx.post(
                f"{url}/api/documents",
                files=[("file", (doc.name, doc.read_bytes(), "text/plain"))],
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=120,
            )
        )

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    bodies = [a.json() for a in answers]
    ids = {d["id"] for b in bodies for d in b["documents"]}
    assert len(ids) == 1
    assert sorted(len(b["ingested"]) for b in bodies) == [0, 0, 0, 1]
    after = httpx.get(f"{url}/api/stats").json()
    assert after["plans"] == before["plans"] + 1


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def test_reads_keep_answering_during_an_upload(synth_server: tuple[str, list[Path]]) -> None:
    url, held_back = synth_server
    uploads = [f for f in held_back[:-1] if f.stat().st_size][:199]
    host, port = urlsplit(url).hostname, urlsplit(url).port
    ids = [p["id"] for p in httpx.get(f"{url}/api/plans", params={"limit": 200}).json()["items"]]
    paths = [f"/api/plans/{i}" for i in ids]
    plans_before = httpx.get(f"{url}/api/stats").json()["plans"]
    samples: list[tuple[float, float, int]] = []  # (start, seconds, status)
    seen_plans: set[int] = set()
    stop = threading.Event()

    def reader(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        i = k
        while not stop.is_set():
            path = paths[i % len(paths)] if k else "/api/stats"
            i += 1
            t = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            samples.append((t, time.perf_counter() - t, r.status))
            if not k:
                seen_plans.add(json.loads(body)["plans"])
        conn.close()

    readers = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in readers:
        t.start()
    time.sleep(4)
    t_up = time.perf_counter()
    r = httpx.post(
        f"{url}/api/documents",
        files=[("file", (f.name, f.read_bytes(), "text/plain")) for f in uploads],
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=600,
    )
    t_done = time.perf_counter()
    time.sleep(1)
    stop.set()
    for t in readers:
        t.join()
    assert r.status_code == 201, r.text
    answer = r.json()
    assert len(answer["ingested"]) + len(answer["failed"]) == len(uploads)
    assert not answer["failed"], answer["failed"][:3]

    assert all(s == 200 for _, _, s in samples)
    base = [d for t, d, _ in samples if t < t_up]
    during = [d for t, d, _ in samples if t_up <= t < t_done]
    plans_after = httpx.get(f"{url}/api/stats").json()["plans"]
    figures = (
        f"reads (GET /api/plans/{{id}} and /api/stats, 4 clients) without an upload: "
        f"n={len(base)} p50={statistics.median(base) * 1e3:.1f} ms p99={_percentile(base, 0.99) * 1e3:.1f} ms; "
        f"during an upload of {len(uploads)} documents ({t_done - t_up:.1f} s): n={len(during)} "
        f"p50={statistics.median(during) * 1e3:.1f} ms p99={_percentile(during, 0.99) * 1e3:.1f} ms "
        f"max={max(during) * 1e3:.1f} ms"
    )
    print("\n" + figures)
    # Readers saw the model before the upload or after it, never a half-written one ...
    assert seen_plans <= {plans_before, plans_after} and plans_after == plans_before + len(uploads)
    # ... and kept answering: a generous bound (the benchmark owns the targets).
    assert len(during) >= 20, figures
    assert statistics.median(during) < 0.5 and _percentile(during, 0.99) < 3.0, figures


# -- a crash during an upload ----------------------------------------------------------------
def test_kill_9_during_an_upload_loses_nothing(synth: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in sorted(synth.glob("*.txt"))[:300]:
        (corpus / f.name).symlink_to(f)
    store = seeds_store(tmp_path)
    with serving(store, TOKEN) as (_, proc):
        upload = subprocess.Popen(
            [sys.executable, "-m", "lineage.cli", "ingest", str(corpus), "--store", str(store)],
            cwd=ROOT,
            env=env_with(LINEAGE_TOKEN=TOKEN),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        spool = Path(tempfile.gettempdir())
        deadline = time.monotonic() + 60
        while not list(spool.glob(f"lineage-upload-{proc.pid}-*")):  # the upload has begun
            assert time.monotonic() < deadline and upload.poll() is None, "the upload never started"
            time.sleep(0.05)
        time.sleep(1.0)  # into its extraction or its write
        proc.kill()
        proc.wait()
        _, err = upload.communicate(timeout=60)
    assert upload.returncode != 0, "the upload ended before the kill: nothing was tested"
    assert "Traceback" not in err
    assert server_file(store).exists()  # what a kill -9 leaves: found stale below
    assert list(spool.glob(f"lineage-upload-{proc.pid}-*"))
    # The store opens, the same ingest runs to the end on its own ...
    p = cli("ingest", str(corpus), store=store)
    assert p.returncode == 0, p.stderr
    assert not server_file(store).exists()
    # ... and the graph is that of a clean run.
    clean = tmp_path / "clean"
    assert cli("ingest", "data/seeds", store=clean).returncode == 0
    assert cli("ingest", str(corpus), store=clean).returncode == 0
    for s, name in ((store, "crashed.nt"), (clean, "clean.nt")):
        assert cli("export", "--format", "nt", "--out", str(tmp_path / name), store=s).returncode == 0
    assert sorted_nt((tmp_path / "crashed.nt").read_bytes()) == sorted_nt(
        (tmp_path / "clean.nt").read_bytes()
    )
    assert json.loads(cli("query", "descendants", "70-KL/TW", store=store).stdout) == json.loads(
        cli("query", "descendants", "70-KL/TW", store=clean).stdout
    )
    # the next server sweeps the spool folder the killed one left
    with serving(store, TOKEN):
        assert not list(spool.glob(f"lineage-upload-{proc.pid}-*"))
