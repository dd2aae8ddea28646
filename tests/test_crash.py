"""``kill -9`` of an ingest at every phase: the store opens, a re-run completes, the graph is a clean run's.

Each case runs ``lineage ingest`` of a synthetic cascade in a child process that
kills itself (SIGKILL, as ``kill -9`` would) at a named point of the write path
(the test seam ``LINEAGE_FAULT``, :mod:`ingest.faults`): while extracting, while
building, between two bulk-loaded files, after the load, while settling (after
re-resolving; after the derived graph, before the snapshot; with the snapshot's
temporary file written). Then, in this process, as any reader would: the store
opens, readers see the store as before the batch or the whole batch (never a
part of it), ``lineage validate`` passes, nothing is left beside the store or
in the temporary directory; and the same ingest run again gives exactly the
sorted N-Triples and the stats of one clean run.

The same at national scale, with kills timed from the log in the middle of the
real bulk load: ``python -m bench.crash`` (README, "Benchmarks").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bench.synth import generate
from graph import journal, processes
from graph.errors import StoreError
from graph.service import Lineage
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PLANS = 150  # above the size that uses worker processes; two requests per phase
BASE = "https://w3id.org/vn-lineage/"


def lineage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process (two workers, no curation file, no seam unless ``env`` sets one)."""
    full = {k: v for k, v in os.environ.items() if k not in ("LINEAGE_FAULT", "LINEAGE_POISON")}
    full.update({"LINEAGE_CURATION": str(ROOT / "no-curation.json"), "LINEAGE_WORKERS": "2", **env})
    return subprocess.run(
        [sys.executable, "-m", "lineage.cli", *args], capture_output=True, text=True, env=full, cwd=ROOT
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("crash-synth")
    generate(PLANS, 11, out, plant=False)
    return out


def snapshot_of(store: Path) -> Path:
    return store.with_name(store.name + ".index")


def state(store: Path) -> tuple[list[bytes], dict[str, int]]:
    """The sorted N-Triples of the store (``lineage export --format nt``) and its stats
    (what /api/stats answers)."""
    lin = Lineage.open(open_store(str(store)), snapshot=snapshot_of(store))
    try:
        return sorted(lin.export("nt").splitlines()), lin.stats()
    finally:
        lin.store.close()


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], dict[str, int]]:
    store = tmp_path_factory.mktemp("clean") / "store"
    p = lineage("ingest", str(corpus), "--store", str(store))
    assert p.returncode == 0 and f"ingested {PLANS} document(s)" in p.stdout, p.stderr
    return state(store)


def dead_work_folders() -> list[Path]:
    """Work folders of ingests whose process no longer runs (none is left for long)."""
    out = []
    for d in Path(tempfile.gettempdir()).glob(f"{journal.WORK_PREFIX}*"):
        if not processes.file_alive("-".join(d.name.removeprefix(journal.WORK_PREFIX).split("-")[:2])):
            out.append(d)
    return out


@pytest.mark.parametrize(
    ("point", "batch_in_store", "seen"),
    [
        ("extract", "none", "none"),  # after the first request of the first pass answered
        ("build", "none", "none"),  # after the first request of the second pass answered
        ("load", "part", "all"),  # one N-Quads file loaded, not the next: loaded again from them
        ("load/reboot", "part", "none"),  # the same, its N-Quads gone with /tmp: undone
        ("settle", "all", "all"),  # loaded and partial references re-resolved; model not published
        ("derived#2", "all", "all"),  # the derived graph written (the 1st: the open of the empty store)
        ("snapshot", "all", "all"),  # the snapshot's temporary file written, not yet renamed
    ],
)
def test_kill_at_each_phase(
    point: str,
    batch_in_store: str,
    seen: str,
    corpus: Path,
    clean: tuple[list[bytes], dict[str, int]],
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    fault = point.split("/")[0]
    killed = lineage("ingest", str(corpus), "--store", str(store), LINEAGE_FAULT=f"kill@{fault}")
    assert killed.returncode == -9, killed.stderr
    assert "Traceback" not in killed.stderr  # the workers leave quietly when their pool dies
    if point.endswith("/reboot"):
        for d in dead_work_folders():
            shutil.rmtree(d)

    # What the kill left, seen raw (no repair yet): the batch's journal says how far it got.
    raw = open_store(str(store))
    left = journal.pending(raw, BASE)
    graphs = [g for g in raw.graphs() if "/graph/" in g and len(g.rsplit("/", 1)[1]) == 64]
    raw.close()
    if batch_in_store == "none":
        assert left is None and not graphs
    else:
        assert left is not None and set(graphs) <= set(left.graphs)
        assert left.loaded == (batch_in_store == "all")
        assert (0 < len(graphs) < PLANS) if batch_in_store == "part" else len(graphs) == PLANS

    # A reader opens it: the batch is undone or completed, never seen in part.
    lin = Lineage.open(open_store(str(store)), snapshot=snapshot_of(store))
    try:
        assert lin.stats().get("plans", 0) == (PLANS if seen == "all" else 0)
        assert journal.pending(lin.store, lin.base) is None
        ok, report = lin.validate()
        assert ok, report[:2000]
    finally:
        lin.store.close()
    assert not list(store.parent.glob("*.tmp"))  # the half-written snapshot is gone
    assert not dead_work_folders()  # and the killed ingest's N-Quads

    again = lineage("ingest", str(corpus), "--store", str(store))
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert state(store) == clean


def test_kill_while_replacing_known_sources(corpus: Path, tmp_path: Path) -> None:
    """A re-ingest that replaces graphs already stored (here: a curation file now corrects
    titles) killed between two replacements: the next open settles the store from what it
    holds (never an old snapshot over new graphs), and the re-run equals a clean run."""
    files = sorted(str(p) for p in corpus.glob("*.txt"))[:30]
    cur = tmp_path / "curation.json"
    decisions = [
        {"document": Path(f).name, "action": "correct", "field": "/title", "value": f"Tiêu đề {i}"}
        for i, f in enumerate(files[:6])
    ]
    cur.write_text(json.dumps({"decisions": decisions}, ensure_ascii=False), encoding="utf-8")
    store, clean_store = tmp_path / "store", tmp_path / "clean"
    assert lineage("ingest", *files, "--store", str(store)).returncode == 0
    killed = lineage(
        "ingest", *files, "--store", str(store), LINEAGE_CURATION=str(cur), LINEAGE_FAULT="kill@replace#3"
    )
    assert killed.returncode == -9, killed.stderr
    lin = Lineage.open(open_store(str(store)), snapshot=snapshot_of(store))
    try:
        titles = {lin.summary(i)["title"] for i in lin.index.nodes() if not lin.summary(i)["stub"]}
        assert len({t for t in titles if t.startswith("Tiêu đề")}) == 3  # what the store holds
    finally:
        lin.store.close()
    again = lineage("ingest", *files, "--store", str(store), LINEAGE_CURATION=str(cur))
    assert again.returncode == 0 and "ingested 3 document(s), 27 unchanged" in again.stdout, again.stderr
    assert lineage("ingest", *files, "--store", str(clean_store), LINEAGE_CURATION=str(cur)).returncode == 0
    assert state(store) == state(clean_store)


def test_a_load_that_fails_is_undone_at_once(corpus: Path, clean: tuple[list[bytes], dict[str, int]]) -> None:
    """No kill, an error (a full disk) between two bulk-loaded files: the process that keeps
    serving the store undoes its half batch before it raises; a retry completes it."""
    files = [str(f) for f in sorted(corpus.rglob("*")) if f.suffix == ".txt"]
    lin = Lineage.open(open_store("memory:"))
    load = lin.store.load_nquads
    calls: list[object] = []

    def flaky(source: object) -> None:
        calls.append(source)
        if len(calls) == 3:  # the journal, the first file of N-Quads, then the second
            raise StoreError("cannot load N-Quads into the store: no space left on device")
        load(source)  # type: ignore[arg-type]

    lin.store.load_nquads = flaky  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="no space left"):
        lin.ingest_files(files, workers=1)
    assert lin.stats().get("plans", 0) == 0 and lin.store.graphs() == []
    lin.store.load_nquads = load  # type: ignore[method-assign]
    report, _ = lin.ingest_files(files, workers=1)
    assert report.ingested == PLANS
    assert (sorted(lin.export("nt").splitlines()), lin.stats()) == clean


def test_validate_explains_a_batch_another_process_is_writing(tmp_path: Path, corpus: Path) -> None:
    """On a store shared by several processes (a SPARQL server), a batch whose writer still
    runs is left alone: readers build their model without it, another ingest and
    ``lineage validate`` say what is going on instead of failing on its half."""
    from oxigraph_server import oxigraph_server, require_oxigraph

    exe = require_oxigraph()
    with oxigraph_server(tmp_path / "db", exe) as spec:
        first = sorted(str(p) for p in corpus.glob("*.txt"))[:40]
        p = lineage("ingest", *first, "--store", spec)
        assert p.returncode == 0, p.stderr
        # A writer that still runs (the test runner's parent) has begun a batch: one graph so far.
        store = open_store(spec)
        ghost = "https://w3id.org/vn-lineage/graph/" + "ab" * 32
        store.replace_graph(ghost, _journal_triples(ghost, "nobody")[:1])
        store.replace_graph(journal.journal_iri(BASE), _journal_triples(ghost, _live_writer_tag()))
        lin = Lineage.open(store)
        assert lin.stats()["plans"] == 40  # the reader leaves the unsettled batch out
        v = lineage("validate", "--store", spec)
        assert v.returncode == 1 and "Error: an ingest started" in v.stderr, v.stderr
        assert "LINEAGE_RECOVER=1" in v.stderr and len(v.stderr.splitlines()) <= 2
        i = lineage("ingest", *first[:2], "--store", spec)
        assert i.returncode == 1 and "LINEAGE_RECOVER=1" in i.stderr, i.stderr
        # Once its writer is gone (or the user says so), the next process repairs it.
        r = lineage("ingest", *first[:2], "--store", spec, LINEAGE_RECOVER="1")
        assert r.returncode == 0 and "was undone" in r.stderr, r.stderr
        assert journal.pending(store, BASE) is None and ghost not in store.graphs()
        store.close()


def _live_writer_tag() -> str:
    """The writer tag of a process that runs on this host: this test's parent."""
    import socket

    ppid = os.getppid()
    with open(f"/proc/{ppid}/stat", "rb") as f:
        start = f.read().rsplit(b")", 1)[1].split()[19].decode()
    return f"{socket.gethostname()}:{ppid}:{start}"


def _journal_triples(ghost: str, writer: str) -> list:
    from pyoxigraph import Literal, NamedNode, Triple

    j = NamedNode(journal.journal_iri(BASE))
    dct = "http://purl.org/dc/terms/"
    return [
        Triple(j, NamedNode(dct + "hasPart"), NamedNode(ghost)),
        Triple(j, NamedNode(dct + "creator"), Literal(writer)),
        Triple(j, NamedNode(dct + "created"), Literal("2024-01-01T00:00:00+00:00")),
    ]
