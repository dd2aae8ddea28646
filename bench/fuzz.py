"""Hostile and broken files at scale: ``python -m bench.fuzz --files 10000``.

Writes the fuzz corpus (:mod:`bench.fuzz_corpus`: random and damaged files under every
extension a reader takes, bombs, huge files, long lines, link loops, mixed with good plans),
runs ``lineage ingest`` on it in a child process into a fresh on-disk store (its own OCR
cache, so scans cost what they cost), measures the resident memory of the ingest's whole
process tree (workers, LibreOffice and Tesseract included) as it runs, then times every
document's reading and extraction alone (:func:`ingest.extract_file` in worker processes
under the same time limit). Checks: the ingest finishes (exit 0); stderr holds only one-line
``failed:`` and ``skipped:`` lines (no traceback, no stray output); ingested + unchanged +
failed is the number of documents and every entry the walk passes over has its line; every
good document is ingested; the peak memory is under ``--max-rss-mb``; no file costs more
than the time limit per file (``--timeout``, 10 s: past it a worker interrupts the file, which
is then one ``failed:`` line; the files stopped there are listed, and a file that runs past the
pool's hard deadline is a failure). Prints what each kind of file gave, the slowest files and
those stopped, and as its last line ``key=value`` pairs.

Why a script and not only a test: 10,000 files take minutes; ``tests/test_fuzz.py`` runs
the same checks on a few hundred in ``make test``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.fuzz_corpus import Manifest, generate
from ingest import limits
from ingest.curation import NOT_A_DOCUMENT
from ingest.walk import printable  # the failed: lines escape what a name holds

ROOT = Path(__file__).resolve().parent.parent
_SUMMARY = re.compile(r"ingested (\d+) document\(s\), (\d+) unchanged, (\d+) failed")
PAGE = os.sysconf("SC_PAGE_SIZE")

__all__ = ["check", "main", "run"]


def log(msg: str) -> None:
    print(f"[fuzz {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def tree_rss(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants (from /proc)."""
    parent: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    parent[int(d)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, todo = set(), [root]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parent.items() if pp == p and c not in tree]
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _env(work: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("LINEAGE_FAULT", "LINEAGE_POISON", "LINEAGE_STORE")
    }
    return env | {"LINEAGE_CURATION": str(work / "no-curation.json"), **extra}


def ingest(corpus: Path, store: Path, env: dict[str, str]) -> dict:
    """``lineage ingest`` in a child process, its tree's memory sampled: code, output, peak, seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lineage.cli", "ingest", str(corpus), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    return {
        "code": proc.returncode,
        "stdout": out.decode("utf-8", "replace"),
        "stderr": err.decode("utf-8", "backslashreplace"),
        "peak_rss_mb": peak[0] / 2**20,
        "seconds": time.perf_counter() - t0,
    }


def _warm() -> None:
    """What a worker builds once (the gazetteer; LibreOffice started) is no file's time."""
    from ingest import DocumentError, extract_file

    for p in (
        ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt",
        ROOT / "tests" / "fixtures" / "docs" / "000_5d5e4ef2eda93763.odt",
    ):
        with contextlib.suppress(DocumentError):
            extract_file(str(p))


def _timed(path: str) -> tuple[float, str | None]:
    from ingest import DocumentError, extract_file

    t = time.perf_counter()
    try:
        extract_file(path)
        err = None
    except DocumentError as e:
        err = e.reason
    return time.perf_counter() - t, err


def _timed_lost(path: str, why: str) -> tuple[float, str | None]:
    return -1.0, why  # stopped by the time limit (or its worker died): see time_files


def time_files(docs: list[Path], workers: int | None) -> tuple[dict[str, float], dict[str, str]]:
    """Each document's reading and extraction, alone, in worker processes: the seconds of those
    that finished, and why the others were stopped (the time limit per file, a dead worker)."""
    from ingest.parallel import imap

    names = [os.fspath(p) for p in docs]
    times, stopped = {}, {}
    results = imap(_timed, names, workers, chunksize=4, initializer=_warm, lost=_timed_lost)
    for n, (t, err) in zip(names, results, strict=True):
        if t < 0:
            stopped[n] = err or "stopped"
        else:
            times[n] = t
    return times, stopped


def check(m: Manifest, run: dict, times: dict[str, float], max_rss_mb: float, bound_s: float) -> list[str]:
    """The problems of a run (none: it passed)."""
    problems: list[str] = []
    root = m.root
    if run["code"] != 0:
        problems.append(f"the ingest exited with {run['code']}")
    lines = run["stderr"].splitlines()
    stray = [ln for ln in lines if not ln.startswith(("failed: ", "skipped: "))]
    problems += [f"a line that is not one reason: {ln[:200]}" for ln in stray[:20]]
    if "Traceback" in run["stderr"]:
        problems.append("a traceback")
    failed = [ln for ln in lines if ln.startswith("failed: ")]
    # files read but left out as no official document (no number, type or issuer), and the
    # entries the walk passes over
    not_docs = [ln for ln in lines if ln.startswith("skipped: ") and ln.endswith(NOT_A_DOCUMENT)]
    skipped = [ln for ln in lines if ln.startswith("skipped: ") and not ln.endswith(NOT_A_DOCUMENT)]
    got = _SUMMARY.search(run["stdout"])
    if got is None:
        problems.append(f"no summary line: {run['stdout'][-300:]!r}")
    else:
        ingested, unchanged, n_failed = map(int, got.groups())
        if ingested + unchanged + n_failed + len(not_docs) != m.documents:
            problems.append(
                f"{ingested}+{unchanged}+{n_failed}+{len(not_docs)} documents accounted for, of {m.documents}"
            )
        if n_failed != len(failed):
            problems.append(f"{n_failed} failed but {len(failed)} failed: lines")
    if len(skipped) != m.skipped:
        problems.append(f"{len(skipped)} skipped: lines for {m.skipped} entries the walk passes over")
    bad = {ln.removeprefix("failed: ").split(": ", 1)[0] for ln in failed}
    bad |= {ln.removeprefix("skipped: ").split(": ", 1)[0] for ln in not_docs}
    for e in m.entries:
        if e["good"] and printable(f"{root}/{e['path']}") in bad:
            problems.append(f"a good document failed: {e['path']}")
    if run["peak_rss_mb"] > max_rss_mb:
        problems.append(f"peak memory {run['peak_rss_mb']:.0f} MB over {max_rss_mb:.0f} MB")
    problems += [f"{p} cost {t:.1f} s (bound {bound_s:.1f} s)" for p, t in times.items() if t > bound_s]
    return problems


def run(files: int, seed: int, work: Path, workers: int | None, timeout: float, max_rss_mb: float) -> dict:
    """Generate, ingest, time and check; the figures and the problems found."""
    t0 = time.perf_counter()
    corpus, store = work / "corpus", work / "store"
    log(f"generating {files} files (seed {seed})")
    m = generate(corpus, files, seed)
    shutil.rmtree(store, ignore_errors=True)
    env = _env(work, LINEAGE_FILE_TIMEOUT=f"{timeout:g}", LINEAGE_OCR_CACHE=str(work / "ocr-ingest"))
    if workers:
        env["LINEAGE_WORKERS"] = str(workers)
    log(f"ingesting {m.documents} documents ({m.good} good) and {m.skipped} entries to pass over")
    r = ingest(corpus, store, env)
    log(
        f"ingest: exit {r['code']}, {r['seconds']:.1f} s, peak {r['peak_rss_mb']:.0f} MB; "
        + r["stdout"].strip()
    )
    from ingest.walk import documents, walk

    os.environ.update({k: v for k, v in env.items() if k.startswith("LINEAGE_")})
    os.environ["LINEAGE_OCR_CACHE"] = str(work / "ocr-timing")
    docs = documents(walk([corpus]))
    log(f"timing {len(docs)} documents one by one")
    times, stopped = time_files(docs, workers)
    bound = limits.hard_deadline(timeout)
    problems = check(m, r, times, max_rss_mb, bound)
    failed = {  # reported: failed, or read and left out as no official document
        ln.split(": ", 2)[1]
        for ln in r["stderr"].splitlines()
        if ln.startswith("failed: ") or ln.startswith("skipped: ") and ln.endswith(NOT_A_DOCUMENT)
    }
    kinds: dict[str, Counter] = {}
    for e in m.entries:
        c = kinds.setdefault(e["kind"], Counter())
        c["files"] += 1
        c["reported"] += e["skipped"] or printable(f"{m.root}/{e['path']}") in failed
    good_in = sum(e["good"] and printable(f"{m.root}/{e['path']}") not in failed for e in m.entries)
    return {
        "manifest": m,
        "run": r,
        "times": times,
        "stopped": stopped,
        "kinds": kinds,
        "problems": problems,
        "summary": {
            "fuzz_files": sum(not e["good"] for e in m.entries),
            "fuzz_reported": len(failed) + m.skipped,
            "good_ingested": f"{good_in}/{m.good}",
            "failures": len(problems),
            "max_file_s": max(times.values(), default=0.0),
            "stopped_at_limit": len(stopped),
            "peak_rss_mb": r["peak_rss_mb"],
            "ingest_s": r["seconds"],
            "total_s": time.perf_counter() - t0,
        },
    }


def report(out: dict) -> str:
    lines = [f"{'kind':<28} {'files':>6} {'reported':>8}"]
    for kind, c in sorted(out["kinds"].items()):
        lines.append(f"{kind:<28} {c['files']:>6} {c['reported']:>8}")
    slow = sorted(out["times"].items(), key=lambda kv: -kv[1])[:8]
    lines.append("slowest: " + ", ".join(f"{Path(p).name} {t:.1f}s" for p, t in slow))
    lines += [f"stopped: {Path(p).name}: {why}" for p, why in sorted(out["stopped"].items())]
    lines += [f"PROBLEM: {p}" for p in out["problems"][:50]]
    s = out["summary"]
    lines.append(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in s.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.fuzz", description="Hostile and broken files, ingested."
    )
    ap.add_argument("--files", type=int, default=10_000, help="documents in the corpus (default 10,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, help="ingest processes (default: every CPU)")
    ap.add_argument("--timeout", type=float, default=10.0, help="time limit per file, seconds (default 10)")
    ap.add_argument("--max-rss-mb", type=float, default=4096.0, help="bound on the ingest's peak memory")
    ap.add_argument("--workdir", help="keep the corpus and store here (default: a temp dir, removed)")
    a = ap.parse_args(argv)
    work = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="lineage-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        out = run(a.files, a.seed, work, a.workers, a.timeout, a.max_rss_mb)
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(report(out))
    return 0 if not out["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
