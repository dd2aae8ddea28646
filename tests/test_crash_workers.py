"""A file that crashes, hangs or exhausts an extraction worker costs that file, never the run.

Poison files are named by the test seam ``LINEAGE_POISON`` (:mod:`ingest.faults`):
the extraction of each misbehaves in one way (a segfault, a hang with every
signal blocked, a busy loop in Python, an exit, an allocation without end).
The ingest runs as the command does, in a child process (the seam is read by
the workers, which a forkserver started with the child's environment), with
two workers, a time limit of a few seconds per file and 256 MB of memory per file. Each
poison file is one line with its reason; every other file is ingested, and the
graph is exactly the one an ingest of the good files alone gives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synth import generate
from graph.service import Lineage
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
GOOD = 70  # above the size that uses worker processes
# The time limit per file of these runs: short, yet long enough that a worker starved of CPU
# on a busy machine still reaches its memory limit (the oom poison) before it.
LIMIT = 3
POISON = {
    "crash": "the worker died (SIGSEGV)",
    "hang": f"stopped after {LIMIT * 1.5 + 2.0:g} s (the time limit per file is {LIMIT} s)",
    "spin": f"took longer than {LIMIT} s (the time limit per file, LINEAGE_FILE_TIMEOUT)",
    "exit": "the worker exited (status 3)",
    "oom": "MemoryError",
}


def lineage(*args: str, chunk: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """The command in a child process; ``chunk``: files per request (so that a worker holds
    the records of several requests when it dies)."""
    full = {k: v for k, v in os.environ.items() if k not in ("LINEAGE_FAULT", "LINEAGE_POISON")}
    full.update({"LINEAGE_CURATION": str(ROOT / "no-curation.json"), "LINEAGE_WORKERS": "2", **env})
    pre = f"import graph.bulk; graph.bulk.Shards.CHUNK = {chunk}; " if chunk else ""
    code = f"import sys; {pre}from lineage.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=full, cwd=ROOT
    )


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The good plans alone, and the same with a poison file of each kind among them (each a
    real plan, so that without its poison it would be ingested)."""
    synth = tmp_path_factory.mktemp("synth")
    generate(GOOD + len(POISON), 5, synth, plant=False)
    plans = sorted(synth.glob("*.txt"))
    good, mixed = tmp_path_factory.mktemp("good"), tmp_path_factory.mktemp("mixed")
    for p in plans[:GOOD]:
        shutil.copy(p, good / p.name)
        shutil.copy(p, mixed / p.name)
    for how, p in zip(POISON, plans[GOOD:], strict=True):
        shutil.copy(p, mixed / f"{p.stem}-{how}.txt")
    return good, mixed


def same_graph(a: Path, b: Path, folders: tuple[Path, Path]) -> bool:
    """Whether two stores hold the same graph (the good files sit in two folders: the sources
    they record differ by the folder only)."""
    graphs = []
    for store in (a, b):
        lin = Lineage.open(open_store(str(store)))
        lines = sorted(lin.export("nt").splitlines())
        lin.store.close()
        for f in folders:
            lines = [ln.replace(str(f).encode(), b"F") for ln in lines]
        graphs.append(sorted(lines))
    return graphs[0] == graphs[1]


@pytest.fixture(scope="module")
def clean(folders: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("clean") / "store"
    p = lineage("ingest", str(folders[0]), "--store", str(store))
    assert p.returncode == 0, p.stderr
    return store


def test_poison_files_cost_only_themselves(folders: tuple[Path, Path], clean: Path, tmp_path: Path) -> None:
    _, mixed = folders
    poison = ",".join(f"{f.name}:{how}" for how in POISON for f in mixed.glob(f"*-{how}.txt"))
    t = time.monotonic()
    p = lineage(
        "ingest",
        str(mixed),
        "--store",
        str(tmp_path / "mixed"),
        LINEAGE_POISON=poison,
        LINEAGE_FILE_TIMEOUT=str(LIMIT),
        LINEAGE_FILE_MEMORY="256",
    )
    took = time.monotonic() - t
    assert p.returncode == 0, p.stderr
    assert f"ingested {GOOD} document(s), 0 unchanged, {len(POISON)} failed" in p.stdout, p.stdout + p.stderr
    failed = [ln for ln in p.stderr.splitlines() if ln.startswith("failed: ")]
    assert len(failed) == len(POISON) and "Traceback" not in p.stderr, p.stderr
    for how, reason in POISON.items():
        (line,) = [ln for ln in failed if f"-{how}.txt: " in ln]
        assert reason in line, line
    assert took < 60, took  # the hang costs its deadline, not the run
    assert same_graph(tmp_path / "mixed", clean, folders)


def test_a_slow_file_in_process_is_stopped_too(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """Few files are extracted in process (no workers to start): the time limit still holds."""
    good, _ = folders
    files = sorted(good.glob("*.txt"))[:3]
    p = lineage(
        "ingest",
        *map(str, files),
        "--store",
        str(tmp_path / "st"),
        LINEAGE_POISON=f"{files[1].name}:spin",
        LINEAGE_FILE_TIMEOUT=str(LIMIT),
    )
    assert p.returncode == 0 and "ingested 2 document(s), 0 unchanged, 1 failed" in p.stdout, p.stderr
    assert f"failed: {files[1]}: took longer than {LIMIT} s" in p.stderr


@pytest.mark.parametrize("stage", ["extract", "build"])
def test_records_a_dead_worker_held_are_made_again(
    stage: str, folders: tuple[Path, Path], clean: Path, tmp_path: Path
) -> None:
    """A worker that dies holds the records of the requests it answered before: its successor
    extracts them again (and builds those still to build), so only the file at fault is
    missing. Eight files per request, so each worker holds several requests' records."""
    good, _ = folders
    files = sorted(good.glob("*.txt"))
    victim = files[-3]  # late: the worker that takes it has answered earlier requests
    p = lineage(
        "ingest",
        str(good),
        "--store",
        str(tmp_path / "st"),
        chunk=8,
        LINEAGE_POISON=f"{victim.name}:crash@{stage}",
    )
    assert p.returncode == 0, p.stderr
    assert f"ingested {GOOD - 1} document(s), 0 unchanged, 1 failed" in p.stdout, p.stdout + p.stderr
    assert f"failed: {victim}: " in p.stderr and "SIGSEGV" in p.stderr
    # the same graph as a clean ingest of every file but the victim
    rest = tmp_path / "rest"
    rest.mkdir()
    for f in files:
        if f != victim:
            shutil.copy(f, rest / f.name)
    assert lineage("ingest", str(rest), "--store", str(tmp_path / "rest-store")).returncode == 0
    assert same_graph(tmp_path / "st", tmp_path / "rest-store", (good, rest))


def test_a_run_of_crashing_files_does_not_stop_the_ingest(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """Twelve files in a row that each kill their worker: each is reported, a fresh worker
    takes the next, and the good files after them are ingested."""
    good, _ = folders
    folder = tmp_path / "docs"
    folder.mkdir()
    plans = sorted(good.glob("*.txt"))
    for p in plans:
        shutil.copy(p, folder / p.name)
    bad = [f"{plans[10].stem}-{n:02d}.txt" for n in range(12)]  # sorted among the good ones
    for name in bad:
        shutil.copy(plans[10], folder / name)
    p = lineage(
        "ingest",
        str(folder),
        "--store",
        str(tmp_path / "st"),
        LINEAGE_POISON=",".join(f"{b}:crash" for b in bad),
    )
    assert p.returncode == 0, p.stderr
    assert f"ingested {GOOD} document(s), 0 unchanged, 12 failed" in p.stdout, p.stdout + p.stderr
    assert sum("the worker died (SIGSEGV)" in ln for ln in p.stderr.splitlines()) == 12


def test_off_the_main_thread_files_are_read_in_a_worker(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """What a server does with an upload: ``ingest_files`` from a request thread. Even for a
    few files the extraction runs in a worker process, so a file that crashes it costs that
    file, not the server (which goes on serving the plans it already had)."""
    good, _ = folders
    a, b = sorted(good.glob("*.txt"))[:2]
    script = f"""
import threading
from graph.service import Lineage
from graph.store import open_store
lin = Lineage.open(open_store("memory:"))
out = {{}}
t = threading.Thread(target=lambda: out.update(r=lin.ingest_files([{str(a)!r}, {str(b)!r}])))
t.start(); t.join()
report, sources = out["r"]
print(report.ingested, [s.error for s in sources], lin.stats()["plans"])
"""
    full = {k: v for k, v in os.environ.items() if k != "LINEAGE_FAULT"}
    full["LINEAGE_POISON"] = f"{b.name}:crash"
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=full, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"1 [None, '{b}: the worker died (SIGSEGV)'] 1", p.stdout
