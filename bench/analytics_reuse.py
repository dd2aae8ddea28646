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

__all__ = ["KEYS", "ROUTES", "TARGETS", "measure", "reuse_measure", "rows"]

KEYS = ["suggest_precision", "suggest_recall", "reuse_within", "targets_agreement"]
TARGETS: dict[str, tuple[str, float]] = {
    "suggest_precision": (">=", 0.95),
    "suggest_recall": (">=", 0.8),
}
ROUTES = {
    "reuse": lambda root: f"/api/plans/{root}/reuse",
    "targets": lambda root: f"/api/plans/{root}/targets",
}


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
    # Links cut off from Kết luận 70 (under another root, or in a cycle) are in the truth too:
    # answered from their own parent.
    seen = {(p["parent"], p["child"]) for p in pairs}
    for c, p in lin.index.edges():
        if (p, c) in seen:
            continue
        more = reuse.cascade_reuse(lin, lin.texts, p, limit=10**9)["pairs"]
        pairs += [x for x in more if (x["parent"], x["child"]) not in seen]
        keys = {(x["parent"], x["child"]) for x in more} - seen
        rows += [
            r
            for r in targets.cascade_targets(lin, lin.texts, p, limit=10**9)["rows"]
            if (r["parent"], r["child"]) in keys
        ]
        seen |= keys | {(p, c)}
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


def reuse_measure(ctx: Any) -> dict[str, Any]:
    """:func:`measure` on a :class:`bench.analytics_run.Context` (one of its ``MEASURES``)."""
    return measure(ctx.lin, ctx.truth, ctx.root)


def rows(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Rows for the benchmark's table (key, value, note)."""
    g = r.get
    out = [
        ("suggest_count", g("suggest_count"), "parents suggested for plans that name none"),
        ("reuse_mae", g("reuse_mae"), f"mean error of the reuse share over {g('reuse_links')} links"),
        ("reuse_within", g("reuse_within"), "links whose share is within 0.1 of the truth"),
        (
            "targets_rows",
            g("targets_rows"),
            f"(link, indicator) rows; by relation {g('targets_by_relation')}",
        ),
        ("reuse_s", g("reuse_s"), "reuse over the root's cascade, warm texts (the cold time: reuse_root_s)"),
        ("targets_s", g("targets_s"), "targets over the root's cascade, warm"),
    ]
    return [(k, v, n) for k, v, n in out if v is not None]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analytics_reuse")
    ap.add_argument("--plans", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--workdir", help="keep the corpus and store here (default: a temp dir, removed)")
    a = ap.parse_args(argv)
    from bench.analytics_score import load_truth
    from bench.synth import generate
    from graph import texts as text_store
    from graph.service import Lineage
    from graph.store import open_store

    tmp = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="lineage-reuse-"))
    try:
        corpus, store = tmp / "corpus", tmp / "store"
        if not (corpus / "truth").exists():
            generate(a.plans, a.seed, corpus)
        shutil.rmtree(store, ignore_errors=True)
        texts = tmp / "store.texts"
        text_store.remove(texts)
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
