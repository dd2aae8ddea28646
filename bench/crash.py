"""``kill -9`` of an ingest at scale: ``python -m bench.crash --plans 3000``.

Generates the synthetic cascade (:mod:`bench.synth`), ingests it once cleanly
into a fresh on-disk store (the reference: sorted N-Triples and /api/stats),
then for each kill point ingests it into a fresh store and kills the ingest
with SIGKILL: either a fraction into a phase (timed from the ingest's own log
line that the phase began and the clean run's duration of it; for the bulk
load, the time until its last N-Quads file was in, so that the kill lands
inside the store's loader; the table says how many files were in), or at a named point of the write
path (the test seam ``LINEAGE_FAULT``: settling, the snapshot's temporary
file). "+ reboot" removes the killed ingest's N-Quads before the next open, as
a reboot that empties /tmp would. After each kill: how long the next open takes
(it finishes or undoes the interrupted batch), whether a reader then sees none or all of the
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

# (label, how): a fraction into a phase, timed from the ingest's log and the clean run's
# durations, or a point of the write path (the seam).
POINTS: list[tuple[str, tuple[str, float] | str]] = [
    ("extract 50%", ("extract", 0.5)),
    ("build 50%", ("build", 0.5)),
    ("load 10%", ("load", 0.1)),
    ("load 40%", ("load", 0.4)),
    ("load 85%", ("load", 0.85)),
    ("load 40% + reboot", ("load", 0.4)),
    ("settle", "kill@settle"),
    ("snapshot", "kill@snapshot"),
]
_LINE = re.compile(r"^(\d+\.\d+) (.*)$")
_PHASE = re.compile(r"ingest: (\w+) begins")
_FILES = re.compile(r"ingest: load begins \((\d+) N-Quads files\)")
_LOADED = re.compile(r"ingest: loaded (\d+) of (\d+) N-Quads files")
_INGEST = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.INFO, format='%(created).3f %(message)s', stream=sys.stderr); "
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


def ingest(
    corpus: Path, store: Path, kill: tuple[str, float] | None = None, fault: str = "", clean=None
) -> dict:
    """Run ``lineage ingest`` with its log on, and kill it at ``kill`` (a phase and a fraction
    of it, timed from ``clean``, the clean run's :func:`timeline`). Returns the exit code,
    wall time, the timeline of its log and the phase under way when it ended."""
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

    def arm(delay: float) -> threading.Timer:
        t = threading.Timer(delay, lambda: proc.poll() is None and proc.send_signal(signal.SIGKILL))
        t.start()
        return t

    for line in proc.stderr:
        lines.append(line)
        if kill is None or timer is not None or clean is None:
            continue
        phase, fraction = kill
        if (m := _PHASE.search(line)) and m.group(1) == phase:
            timer = arm(clean["phases"][phase] * fraction)
    code = proc.wait()
    if timer is not None:
        timer.cancel()
    t = timeline(lines)
    return {"code": code, "seconds": time.perf_counter() - t0, "log": "".join(lines), **t}


def timeline(lines: list[str]) -> dict:
    """From an ingest's log: each phase's duration (the load's: until its last file is in),
    and the phase under way when the log stops (for the load: how many files were in)."""
    began: dict[str, float] = {}
    loaded: list[float] = []
    end = 0.0
    for line in lines:
        m = _LINE.match(line.strip())
        if not m:
            continue
        at, text = float(m.group(1)), m.group(2)
        end = at
        if p := _PHASE.search(text):
            began[p.group(1)] = at
        elif _LOADED.search(text):
            loaded.append(at)
    order = sorted(began, key=began.get)  # type: ignore[arg-type]
    phases = {
        ph: (began[nxt] if nxt else end) - began[ph]
        for ph, nxt in zip(order, [*order[1:], None], strict=True)
    }
    if loaded and "load" in began:  # the loader's own time, not the read model built alongside
        phases["load"] = loaded[-1] - began["load"]
    hit = order[-1] if order else "start"
    if hit == "load":
        total = next((m.group(1) for ln in lines if (m := _FILES.search(ln))), "?")
        hit = f"load, {len(loaded)} of {total} files in"
    return {"phases": phases, "hit": hit}


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
        generate(plans, seed, corpus, plant=False)
    if workers:
        os.environ["LINEAGE_WORKERS"] = str(workers)
    clean_store = work / "clean" / "store"
    shutil.rmtree(clean_store.parent, ignore_errors=True)
    clean_store.parent.mkdir(parents=True)
    log("clean ingest")
    clean = ingest(corpus, clean_store)
    assert clean["code"] == 0 and clean["phases"], clean["log"][-2000:]
    want_nt, want = sorted_nt(clean_store), open_and_read(clean_store)
    durations = {k: round(v, 1) for k, v in clean["phases"].items()}
    log(f"clean: {clean['seconds']:.1f}s {durations}")
    log(f"clean: {len(want_nt)} triples, stats {want['stats']}")
    rows = []
    for label, how in POINTS:
        store = work / re.sub(r"[^\w]+", "-", label) / "store"
        shutil.rmtree(store.parent, ignore_errors=True)
        store.parent.mkdir(parents=True)
        if isinstance(how, str):
            r = ingest(corpus, store, fault=how)
            killed_at = how.removeprefix("kill@") + " (seam)"
        else:
            r = ingest(corpus, store, kill=how, clean=clean)
            killed_at = f"in {r['hit']}"
        if r["code"] != -signal.SIGKILL:
            log(f"{label}: the ingest ended ({r['code']}) before the kill; skipped")
            continue
        left_by_kill = len(leftovers(store))
        if label.endswith("reboot"):
            for d in leftovers(store):
                shutil.rmtree(d, ignore_errors=True)
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
    head = f"{'kill point':<18} {'killed at (phase under way)':<36} {'tmp':>4} {'open s':>7} "
    head += f"{'batch':>6} {'seen':>5} {'valid':>5} {'left':>4} {'rerun s':>8} {'open s':>7} {'equal':>5}"
    lines = [
        f"{s['plans']} plans; clean ingest {s['clean_ingest_s']:.1f}s, open {s['clean_open_s']:.2f}s",
        head,
    ]
    for r in rows:
        lines.append(
            f"{r.point:<18} {r.killed_at:<36} {r.left_by_kill:>4} {r.open_s:>7.2f} {r.recovery:>6} "
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
