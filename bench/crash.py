"""``kill -9`` of an ingest at scale: ``python -m bench.crash --plans 3000``.

Generates the synthetic cascade (:mod:`bench.synth`), ingests it once cleanly
into a fresh on-disk store (the reference: sorted N-Triples and /api/stats),
then for each kill point ingests it into a fresh store and kills the ingest
with SIGKILL: either a given fraction into a phase (timed from the ingest's own
log line that the phase began and the clean run's duration of that phase, so
the bulk load is killed while the store's loader is writing), or at a named
point of the write path (the test seam ``LINEAGE_FAULT``, for the snapshot's
temporary file). After each kill: how long the next open takes (it finishes or
undoes the interrupted batch), whether a reader then sees none or all of the
batch, whether ``lineage validate`` passes, what is left in the store's folder
and the temporary directory, how long the same ingest takes to run again, and
whether the final graph equals the clean one. Prints a table, and as its last
line ``key=value`` pairs.

Why a script and not a test: at thousands of plans each kill point costs a
full ingest; ``tests/test_crash.py`` does the same at every phase on a few
hundred plans in ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.synth import generate
from graph import journal, processes

# (label, phase whose log line starts the clock, fraction of the clean phase, or a seam point)
POINTS: list[tuple[str, str, float | str]] = [
    ("extract 50%", "extract", 0.5),
    ("build 50%", "build", 0.5),
    ("load 40%", "load", 0.4),
    ("load 85%", "load", 0.85),
    ("settle 50%", "settle", 0.5),
    ("snapshot", "", "kill@snapshot"),
]
_PHASE = re.compile(r"ingest: (\w+) begins")
_TIMES = re.compile(
    r"ingest of \d+ files: extract ([\d.]+)s, build ([\d.]+)s, load .*?([\d.]+)s, settle ([\d.]+)s"
)
_INGEST = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.INFO, format='%(message)s', stream=sys.stderr); "
    "from lineage.cli import main; sys.exit(main(sys.argv[1:]))"
)


def log(msg: str) -> None:
    print(f"[crash {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LINEAGE_FAULT", "LINEAGE_POISON")}
    env["LINEAGE_CURATION"] = str(Path(tempfile.gettempdir()) / "no-curation.json")  # the bare extraction
    return {**env, **extra}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lineage.cli", *args], capture_output=True, text=True, env=_env(**env)
    )


def ingest(corpus: Path, store: Path, kill_after: tuple[str, float] | None = None, fault: str = "") -> dict:
    """Run ``lineage ingest`` with its log on; kill it ``kill_after[1]`` s after the log says
    phase ``kill_after[0]`` began. Returns the exit code, wall time and phase times."""
    env = _env(LINEAGE_FAULT=fault) if fault else _env()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _INGEST, "ingest", str(corpus), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    timer: threading.Timer | None = None
    for line in proc.stderr:
        lines.append(line)
        m = _PHASE.search(line)
        if kill_after and m and m.group(1) == kill_after[0] and timer is None:
            timer = threading.Timer(kill_after[1], lambda: proc.poll() is None and proc.send_signal(9))
            timer.start()
    code = proc.wait()
    if timer is not None:
        timer.cancel()
    times = next((tuple(map(float, m.groups())) for ln in lines if (m := _TIMES.search(ln))), None)
    began = [m.group(1) for ln in lines if (m := _PHASE.search(ln))]
    return {
        "code": code,
        "seconds": time.perf_counter() - t0,
        "phases": times,
        "hit": began[-1] if began else "start",  # the phase under way when it died
        "log": "".join(lines),
    }


def open_and_read(store: Path) -> dict:
    """Open the store as a reader would (in a fresh process): time, stats, recovery line."""
    code = (
        "import json, sys, time; t = time.perf_counter(); "
        "from graph.service import Lineage; from graph.store import open_store; "
        f"lin = Lineage.open(open_store({str(store)!r}), snapshot={str(store) + '.index'!r}); "
        "print(json.dumps({'open_s': time.perf_counter() - t, 'stats': lin.stats()}))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
    if p.returncode != 0:
        return {"open_s": float("nan"), "stats": {}, "recovered": "", "error": p.stderr.strip()[-300:]}
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["recovered"] = next((ln for ln in p.stderr.splitlines() if "interrupted" in ln), "")
    return out


def sorted_nt(store: Path) -> list[str]:
    p = _cli("export", "--format", "nt", "--store", str(store))
    return sorted(p.stdout.splitlines())


def leftovers(store: Path) -> list[str]:
    """Temporary snapshots beside the store, and work folders of ingests that no longer run."""
    tmp = [str(p) for p in store.parent.glob("*.tmp")]
    for w in Path(tempfile.gettempdir()).glob(f"{journal.WORK_PREFIX}*"):
        if not processes.file_alive("-".join(w.name.removeprefix(journal.WORK_PREFIX).split("-")[:2])):
            tmp.append(str(w))
    return tmp


@dataclass
class Row:
    point: str
    killed_at: str
    left_by_kill: int  # temporary files and folders the kill left
    open_s: float  # the next open: it finishes or undoes the batch, and cleans up
    recovery: str
    seen: str
    valid: bool
    left: int  # what is still there after that open
    rerun_s: float
    open_after_s: float
    equal: bool


def run(plans: int, seed: int, work: Path, workers: int | None) -> tuple[list[Row], dict]:
    corpus = work / "corpus"
    if not corpus.exists():
        log(f"generating {plans} plans")
        generate(plans, seed, corpus)
    if workers:
        os.environ["LINEAGE_WORKERS"] = str(workers)
    clean_store = work / "clean" / "store"
    shutil.rmtree(clean_store.parent, ignore_errors=True)
    clean_store.parent.mkdir(parents=True)
    log("clean ingest")
    clean = ingest(corpus, clean_store)
    assert clean["code"] == 0 and clean["phases"], clean["log"][-2000:]
    extract_s, build_s, load_s, settle_s = clean["phases"]
    durations = {"extract": extract_s, "build": build_s, "load": load_s, "settle": settle_s}
    want_nt, want = sorted_nt(clean_store), open_and_read(clean_store)
    log(f"clean: {clean['seconds']:.1f}s ({durations}), {len(want_nt)} triples, stats {want['stats']}")
    rows = []
    for label, phase, how in POINTS:
        store = work / label.replace(" ", "-").replace("%", "") / "store"
        shutil.rmtree(store.parent, ignore_errors=True)
        store.parent.mkdir(parents=True)
        if isinstance(how, str):
            r = ingest(corpus, store, fault=how)
            killed_at = how.removeprefix("kill@")
        else:
            delay = durations[phase] * how
            r = ingest(corpus, store, kill_after=(phase, delay))
            killed_at = f"{phase} began + {delay:.2f}s"
        killed_at += f" ({r['hit']})"
        if r["code"] != -signal.SIGKILL:
            log(f"{label}: the ingest ended ({r['code']}) before the kill; skipped")
            continue
        left_by_kill = len(leftovers(store))
        after = open_and_read(store)
        plans_seen = after["stats"].get("plans", 0)
        seen = "all" if plans_seen == want["stats"]["plans"] else ("none" if plans_seen == 0 else "PART")
        valid = _cli("validate", "--store", str(store)).returncode == 0
        left = len(leftovers(store))
        t = time.perf_counter()
        again = _cli("ingest", str(corpus), "--store", str(store))
        rerun_s = time.perf_counter() - t
        final = open_and_read(store)
        equal = again.returncode == 0 and sorted_nt(store) == want_nt and final["stats"] == want["stats"]
        what = "undone" if "undone" in after["recovered"] else "done" if after["recovered"] else "-"
        row = Row(
            label,
            killed_at,
            left_by_kill,
            after["open_s"],
            what,
            seen,
            valid,
            left,
            rerun_s,
            final["open_s"],
            equal,
        )
        log(f"{row}")
        rows.append(row)
    summary = {
        "plans": plans,
        "clean_ingest_s": clean["seconds"],
        "clean_open_s": want["open_s"],
        "kill_points": len(rows),
        "equal": sum(r.equal for r in rows),
        "partial_seen": sum(r.seen == "PART" for r in rows),
        "invalid": sum(not r.valid for r in rows),
        "leftovers": sum(r.left for r in rows),
    }
    return rows, summary


def report(rows: list[Row], s: dict) -> str:
    head = f"{'kill point':<12} {'killed at (phase under way)':<36} {'tmp':>4} {'open s':>7} "
    head += f"{'batch':>6} {'seen':>5} {'valid':>5} {'left':>4} {'rerun s':>8} {'open s':>7} {'equal':>5}"
    lines = [
        f"{s['plans']} plans; clean ingest {s['clean_ingest_s']:.1f}s, open {s['clean_open_s']:.2f}s",
        head,
    ]
    for r in rows:
        lines.append(
            f"{r.point:<12} {r.killed_at:<36} {r.left_by_kill:>4} {r.open_s:>7.2f} {r.recovery:>6} "
            f"{r.seen:>5} {'yes' if r.valid else 'NO':>5} {r.left:>4} {r.rerun_s:>8.1f} "
            f"{r.open_after_s:>7.2f} {'yes' if r.equal else 'NO':>5}"
        )
    lines.append(" ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in s.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.crash", description="kill -9 of an ingest at scale.")
    ap.add_argument("--plans", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--workers", type=int, help="extraction/build processes (default: every CPU)")
    ap.add_argument("--workdir", help="keep the corpus and stores here (default: a temp dir, removed)")
    a = ap.parse_args(argv)
    work = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="lineage-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows, summary = run(a.plans, a.seed, work, a.workers)
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(report(rows, summary))
    return 0 if summary["equal"] == summary["kill_points"] and not summary["partial_seen"] else 1


if __name__ == "__main__":
    sys.exit(main())
