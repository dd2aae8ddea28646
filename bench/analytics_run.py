"""The analytics part of the benchmark: the analyses run over a planted corpus and scored.

Reads: the :class:`graph.service.Lineage` a benchmark run ingested its corpus into,
the corpus folder (its ``truth/``, :func:`bench.analytics_match.load_truth`), and a
running ``lineage serve`` on the same store for the route timings. Returns: figures
(:func:`measure` in process, :func:`measure_routes` over HTTP) whose :data:`KEYS`
``bench/run.py`` prints on its last line, and :func:`rows` for its table.

What is measured:

- ``coverage_precision``, ``coverage_recall``: the coverage of every central,
  provincial and district document that was ingested or, known only by reference,
  lies in a cascade (has a parent or a child), scored against the planted gaps by
  :func:`bench.analytics_score.coverage_scores`. A stub outside every cascade (an
  old plan cited only under "Căn cứ") is left out: the truth describes the cascade;
- ``lag_exact``: the timeline of Kết luận 70 (the graph's largest cascade) against
  the truth's links (:func:`bench.analytics_score.lag_scores`);
- ``analytics_max_s``: the slowest analysis of :data:`graph.analytics.ANALYSES` over
  Kết luận 70's whole cascade, computed cold (a fresh cache; the static map of
  units already read, as any process that answered once has), JSON bytes included;
- ``quality_recall``: the whole store's data-quality check (cold; ``quality_store_s``)
  against the planted faults (:func:`bench.analytics_score.quality_scores`), with
  ``most_wanted_cited_exact`` for the planted missing documents;
- ``feed_root_s``: the root's change feed, cold (not an analysis: not in ``analytics_max_s``);
- ``{name}_route_ms``: the median of warm requests to each analysis route on Kết
  luận 70, once the first request has computed it (``*_first_ms``: that first one).

Why a list other helpers extend: each analysis adds a function to :data:`MEASURES`
(figures from the context) and, for its route, an entry to :data:`ROUTES`; the keys
it wants on the last line go to :data:`KEYS` and its targets to :data:`TARGETS`.
"""

from __future__ import annotations

import http.client
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import analytics_reuse
from bench.analytics_match import Truth, graph_lookup, load_truth
from bench.analytics_score import coverage_scores, lag_scores, quality_scores
from graph.analytics import ANALYSES, Analytics
from graph.analytics.units import admin_map

__all__ = ["KEYS", "MEASURES", "ROUTES", "TARGETS", "Context", "measure", "measure_routes", "rows"]

KEYS = [
    "coverage_precision",
    "coverage_recall",
    "lag_exact",
    "analytics_max_s",
    "coverage_route_ms",
    "timeline_route_ms",
    "quality_recall",
    *analytics_reuse.KEYS,
]
TARGETS: dict[str, tuple[str, float]] = {
    "coverage_precision": (">=", 1.0),
    "coverage_recall": (">=", 1.0),
    "lag_exact": (">=", 1.0),
    "analytics_max_s": ("<=", 2.0),
    "coverage_route_ms": ("<=", 200),
    "timeline_route_ms": ("<=", 200),
    "quality_recall": (">=", 1.0),
    **analytics_reuse.TARGETS,
}
EXPECTING = ("central", "province", "district")  # the levels whose documents may expect units
WARM_REQUESTS = 15


@dataclass
class Context:
    """What every measurement reads: the graph, its analyses, the truth, the root directive."""

    lin: Any
    corpus: Path
    truth: Truth
    root: str
    analytics: Analytics
    notes: dict[str, Any] = field(default_factory=dict)


def largest_root(lin: Any) -> str:
    """The root with the most documents below it: Kết luận 70 in the synthetic corpus."""
    return max((r["id"] for r in lin.roots()), key=lambda r: (len(lin.index.descendants(r)), r))


# -- measurements in process -------------------------------------------------------------------
def coverage_measure(ctx: Context) -> dict[str, Any]:
    lin, a = ctx.lin, ctx.analytics
    t = time.perf_counter()
    answers = []
    idx = lin.index
    for n in idx.nodes():
        s = lin.summary(n)
        if (s["issuer"].get("level") or "") not in EXPECTING:
            continue
        if not s["stub"] or idx.parents(n) or idx.children(n):
            answers.append(a.coverage(n))
    seconds = time.perf_counter() - t
    scores = coverage_scores(answers, ctx.truth, graph_lookup(lin))
    return scores | {
        "coverage_answers": len(answers),
        "coverage_truth_plans": len(ctx.truth.coverage),
        "coverage_all_s": seconds,
    }


def timeline_measure(ctx: Context) -> dict[str, Any]:
    answer = ctx.analytics.timeline(ctx.root)
    return lag_scores([answer], ctx.truth, graph_lookup(ctx.lin)) | {"timeline_links": len(answer["links"])}


def max_measure(ctx: Context) -> dict[str, Any]:
    """Each analysis over the root's whole cascade, cold; the slowest is ``analytics_max_s``."""
    admin_map()  # static data every process reads once
    out: dict[str, Any] = {}
    for kind in ANALYSES:
        fresh = Analytics(ctx.lin)
        t, cpu = time.perf_counter(), time.process_time()
        fresh.json(kind, ctx.root)
        out[f"{kind}_root_s"] = time.perf_counter() - t
        out[f"{kind}_root_cpu_s"] = time.process_time() - cpu
    out["analytics_max_s"] = max(out[f"{k}_root_s"] for k in ANALYSES)
    out["analytics_max_cpu_s"] = max(out[f"{k}_root_cpu_s"] for k in ANALYSES)
    return out


def quality_measure(ctx: Context) -> dict[str, Any]:
    """The whole store's quality check, cold, scored against the planted faults (every
    most-wanted document listed, so each planted one can be found)."""
    fresh = Analytics(ctx.lin)
    t = time.perf_counter()
    answer = fresh.quality(most_wanted=len(ctx.lin.index))
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    fresh.quality(most_wanted=len(ctx.lin.index))
    again = time.perf_counter() - t
    scores = quality_scores(answer, ctx.truth, graph_lookup(ctx.lin))
    by_severity = Counter(f["severity"] for f in answer["findings"])
    return scores | {
        "quality_store_s": seconds,
        "quality_again_ms": again * 1e3,
        "quality_findings": dict(sorted(Counter(f["kind"] for f in answer["findings"]).items())),
        "quality_errors": by_severity.get("error", 0),
        "quality_truth_faults": len(ctx.truth.faults),
    }


def feed_measure(ctx: Context) -> dict[str, Any]:
    """The root's change feed, cold (the ingest log read for every document), then warm."""
    fresh = Analytics(ctx.lin)
    t = time.perf_counter()
    answer = fresh.feed(ctx.root)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    fresh.feed(ctx.root)
    return {
        "feed_root_s": cold,
        "feed_again_ms": (time.perf_counter() - t) * 1e3,
        "feed_entries": len(answer["entries"]),
        "feed_total": answer["total"],
    }


MEASURES: list[Callable[[Context], dict[str, Any]]] = [
    coverage_measure,
    timeline_measure,
    max_measure,
    quality_measure,
    feed_measure,
    analytics_reuse.reuse_measure,  # text reuse, suggested parents, targets
]


def measure(
    lin: Any, corpus: str | Path, log: Callable[[str], None] = lambda _m: None
) -> tuple[dict, Context]:
    """Every measurement of :data:`MEASURES` in turn; the figures and the context (for the routes)."""
    truth = load_truth(corpus)
    root = largest_root(lin)
    ctx = Context(lin, Path(corpus), truth, root, Analytics(lin))
    out: dict[str, Any] = {
        "analytics_root": root,
        "analytics_root_docs": len(lin.index.descendants(root)) + 1,
    }
    for m in MEASURES:
        log(f"analytics: {m.__name__}")
        out.update(m(ctx))
    return out, ctx


# -- routes over HTTP -------------------------------------------------------------------------
def _get(port: int, path: str, timeout: float = 120) -> tuple[int, int, float]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        t = time.perf_counter()
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        return r.status, len(body), time.perf_counter() - t
    finally:
        c.close()


# name -> the route's path for a root id
ROUTES: dict[str, Callable[[str], str]] = {
    "coverage": lambda root: f"/api/plans/{root}/coverage",
    "timeline": lambda root: f"/api/plans/{root}/timeline",
    "quality": lambda root: f"/api/quality?plan={root}",
    "feed": lambda root: f"/feeds/plans/{root}.atom",
    **analytics_reuse.ROUTES,
}


def measure_routes(port: int, root: str) -> dict[str, Any]:
    """Each route of :data:`ROUTES` on the root: the first request, then the median of warm ones."""
    out: dict[str, Any] = {}
    for name, path_of in ROUTES.items():
        path = path_of(root)
        status, size, first = _get(port, path)
        warm = [_get(port, path) for _ in range(WARM_REQUESTS)]
        ok = status == 200 and all(w[0] == 200 for w in warm)
        out[f"{name}_first_ms"] = first * 1e3
        out[f"{name}_route_ms"] = statistics.median(w[2] for w in warm) * 1e3 if ok else float("nan")
        out[f"{name}_route_max_ms"] = max(w[2] for w in warm) * 1e3
        out[f"{name}_route_kb"] = size / 1024
    return out


def rows(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Rows for the benchmark's table (key, value, note)."""
    g = r.get
    out = [
        ("analytics root docs", g("analytics_root_docs"), str(g("analytics_root"))),
        ("coverage answers", g("coverage_answers"), f"truth rows {g('coverage_truth_plans')}"),
        ("coverage_all_s", g("coverage_all_s"), "coverage of every central/province/district document"),
        (
            "coverage_counts_exact",
            g("coverage_counts_exact"),
            "answers whose expected and covered are the truth's",
        ),
        ("coverage_plans_exact", g("coverage_plans_exact"), "covered units whose plans are the truth's"),
        (
            "coverage_skip_agreement",
            g("coverage_skip_agreement"),
            "covered units whose skipping is the truth's",
        ),
        ("lag links", g("lag_links"), f"missing {g('lag_missing')}, extra {g('lag_extra')}"),
        ("quality faults found", g("quality_by_kind"), f"of {g('quality_truth_faults')} planted"),
        (
            "most_wanted_cited_exact",
            g("most_wanted_cited_exact"),
            "planted missing documents, cited_by exact",
        ),
        (
            "quality_store_s",
            g("quality_store_s"),
            f"the whole store's check, cold ({g('quality_errors')} errors)",
        ),
        ("quality_again_ms", g("quality_again_ms"), "the same, kept for the read model"),
        ("feed_root_s", g("feed_root_s"), f"the root's Atom feed, cold ({g('feed_total')} ingested below)"),
    ]
    for kind in ANALYSES:
        cpu = g(f"{kind}_root_cpu_s", float("nan"))
        note = f"cold, over the root's whole cascade ({cpu:.2f} s CPU)"
        out.append((f"{kind}_root_s", g(f"{kind}_root_s"), note))
    out += analytics_reuse.rows(r)
    for name in ROUTES:
        first, worst = g(f"{name}_first_ms", float("nan")), g(f"{name}_route_max_ms", float("nan"))
        note = f"first {first:.0f} ms, max warm {worst:.0f} ms"
        out.append((f"{name}_route_kb", g(f"{name}_route_kb"), note))
    return [(k, v, n) for k, v, n in out if v is not None]
