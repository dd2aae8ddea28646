"""The benchmark of text reuse, suggested parents and targets against the planted truth.

Reads: a :class:`graph.service.Lineage` over an ingested synthetic corpus (with its text
store) and the corpus' ``truth/`` (:func:`bench.analytics_score.load_truth`). Returns:
:func:`measure`, the figures ``make bench`` prints for these analyses: ``suggest_precision``
and ``suggest_recall`` (target ≥ 0.95 at ≥ 0.8), ``reuse_mae`` / ``reuse_within``,
``targets_agreement``, and the seconds each analysis takes over Kết luận 70's whole
cascade (``reuse_s``, ``targets_s``: what ``analytics_max_s`` takes the largest of).

``python -m bench.analytics_reuse --plans N`` runs them alone: generate, ingest into a
fresh disk store with its texts (as ``lineage ingest`` does), measure, print a
``key=value`` line last.

Why its own module: ``bench.analytics_run`` (the runner of every analysis) calls
:func:`measure`; the standalone run is for working on these three.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["measure"]


def _kl70(lin: Any) -> str:
    """The id of Kết luận 70 (the root with the most descendants)."""
    roots = lin.roots()
    return max(roots, key=lambda r: len(lin.index.descendants(r["id"])))["id"]


def measure(lin: Any, truth: Any, root: str | None = None) -> dict[str, Any]:
    """Score and time the three analyses (see the module docstring)."""
    from bench.analytics_score import graph_lookup, reuse_scores, suggest_scores, targets_agreement
    from graph.analytics import reuse, suggest, targets

    root = root or _kl70(lin)
    lookup = graph_lookup(lin)
    t = time.perf_counter()
    answer = reuse.cascade_reuse(lin, lin.texts, root, limit=10**9)
    reuse_s = time.perf_counter() - t
    t = time.perf_counter()
    tg = targets.cascade_targets(lin, lin.texts, root, limit=10**9)
    targets_s = time.perf_counter() - t
    t = time.perf_counter()
    sugg = suggest.suggestions(lin, lin.texts)
    suggest_s = time.perf_counter() - t
    pairs, rows = list(answer["pairs"]), list(tg["rows"])
    # Links cut off from Kết luận 70 (cycles) are in the truth too: answered from their own roots.
    for r in lin.roots():
        if r["id"] != root:
            pairs += reuse.cascade_reuse(lin, lin.texts, r["id"], limit=10**9)["pairs"]
            rows += targets.cascade_targets(lin, lin.texts, r["id"], limit=10**9)["rows"]
    out: dict[str, Any] = {}
    out |= suggest_scores(sugg, truth, lookup)
    out |= reuse_scores(pairs, truth, lookup)
    out |= targets_agreement(rows, truth, lookup)
    out |= {
        "reuse_s": reuse_s,
        "targets_s": targets_s,
        "suggest_s": suggest_s,
        "reuse_pairs": answer["total"],
        "targets_links": tg["links"],
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analytics_reuse")
    ap.add_argument("--plans", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--workdir", help="keep the corpus and store here (default: a temp dir, removed)")
    a = ap.parse_args(argv)
    from bench.analytics_score import load_truth
    from bench.synth import generate
    from graph.service import Lineage
    from graph.store import open_store

    tmp = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="lineage-reuse-"))
    try:
        corpus, store = tmp / "corpus", tmp / "store"
        if not (corpus / "truth").exists():
            generate(a.plans, a.seed, corpus)
        shutil.rmtree(store, ignore_errors=True)
        texts = tmp / "store.texts"
        texts.unlink(missing_ok=True)
        t = time.perf_counter()
        lin = Lineage.open(open_store(str(store)), texts=texts)
        lin.ingest_files(sorted(str(p) for p in corpus.glob("*.txt")), a.workers)
        ingest_s = time.perf_counter() - t
        out = {"ingest_s": ingest_s} | measure(lin, load_truth(corpus))
        lin.store.close()
    finally:
        if not a.workdir:
            shutil.rmtree(tmp, ignore_errors=True)
    for k, v in out.items():
        if isinstance(v, dict):
            print(f"{k}: {v}", file=sys.stderr)
    print(
        " ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in out.items()
            if not isinstance(v, dict)
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
