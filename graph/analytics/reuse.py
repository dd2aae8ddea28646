"""Text reuse along links: the share of each child's text taken from its parent, and the passages.

Reads: a :class:`graph.service.Lineage` (the parent edges and the documents' summaries)
and its :class:`graph.texts.TextStore` (texts, sketches, which file each plan was read
from, the kept results). Returns: :func:`settle`, run after an ingest, which records the
plans' files and computes every parent → child pair not yet kept (and the suggested
parents, :mod:`graph.analytics.suggest`); :func:`cascade_reuse`, the answer of
``GET /api/plans/{id}/reuse``: each ingested parent → child pair below a plan, with its
share and aligned passages; :func:`pair_view`, both texts of one pair cut into aligned
and unaligned segments, for the side-by-side view; :func:`reuse_rows`, its CSV rows.

Why computed after the ingest and kept: a national cascade has 100,000 links; the pairs
are aligned together (:func:`graph.analytics.align.align_pairs`: ~0.1 ms a pair, reading
the sketches included) once, when they appear or when the sample the formulas come from
changes (the formulas' tag says when a kept result is stale), and an answer over the
whole cascade is a look-up. A pair the ingest did not align (a
store written without texts, then given them) is aligned when asked, at most
:data:`ON_DEMAND` per answer; the others say ``"share": null``.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from graph.analytics import suggest
from graph.analytics.align import (
    Formulas,
    align,
    align_pairs,
    formulas,
    passages_of,
    sample_of,
    sample_tag,
)
from graph.sketch import Sketch
from graph.texts import TextStore

__all__ = [
    "ON_DEMAND",
    "REUSE_COLUMNS",
    "Memo",
    "cascade_reuse",
    "file_pairs",
    "formulas_of",
    "kept_pairs",
    "members",
    "no_memo",
    "pair_view",
    "reuse_rows",
    "settle",
    "texts_generation",
]

log = logging.getLogger(__name__)

ON_DEMAND = 2000
_CHUNK = 20_000  # pairs aligned per batch of sketches read (bounded memory at national scale)


def formulas_of(texts: TextStore, shas: Iterable[str]) -> Formulas:
    """The formulas of the sample of ``shas`` (see :mod:`graph.analytics.align`), found once
    per sample and kept in the text store."""
    sample = sample_of(list(shas))
    tag = sample_tag(sample)
    kept = texts.meta(f"formulas:{tag}")
    if kept is not None:
        return Formulas.from_bytes(tag, bytes.fromhex(kept))
    found = formulas(texts.sketches(sample))
    texts.set_meta(f"formulas:{found.tag}", found.to_bytes().hex())
    return found


def _align_pairs(
    texts: TextStore, pairs: Sequence[tuple[str, str]], found: Formulas
) -> list[tuple[str, str, str, float, int, int, bytes]]:
    """Align ``(parent sha, child sha)`` pairs, a chunk of sketches in memory at a time."""
    rows = []
    by_parent: dict[str, list[str]] = defaultdict(list)
    for p, c in pairs:
        by_parent[p].append(c)
    parents = sorted(by_parent)
    i = 0
    while i < len(parents):
        chunk, n = [], 0
        while i < len(parents) and (n < _CHUNK or not chunk):
            chunk.append(parents[i])
            n += len(by_parent[parents[i]])
            i += 1
        need = set(chunk) | {c for p in chunk for c in by_parent[p]}
        todo = [(p, c) for p in chunk for c in by_parent[p]]
        for (p, c), a in zip(todo, align_pairs(texts.sketches(need), todo, found), strict=True):
            if a is not None:
                rows.append((p, c, found.tag, a.share, a.counted, a.reused, a.passages_json()))
    return rows


def _sources_from_facts(facts_docs: Iterable[tuple[str, str, str, str]], base: str) -> dict[str, str]:
    from graph.identity import id_of_iri
    from ontology.ns import PROV

    derived = str(PROV.wasDerivedFrom)
    out: dict[str, str] = {}
    for d, p, _o, g in facts_docs:
        if p == derived:
            pid = id_of_iri(d, base)
            sha = g.rsplit("/", 1)[-1]
            if pid is not None and (pid not in out or sha < out[pid]):
                out[pid] = sha
    return out


def _sources_from_store(lin: Any) -> dict[str, str]:
    from graph.identity import id_of_iri
    from graph.sparql import select

    out: dict[str, str] = {}
    rows = select(
        lin.store, "SELECT ?d ?g WHERE { GRAPH ?g { ?d prov:wasDerivedFrom ?s ; a eli:LegalResource } }"
    )
    for d, g in rows:
        pid = id_of_iri(d, lin.base)
        sha = g.rsplit("/", 1)[-1]
        if pid is not None and (pid not in out or sha < out[pid]):
            out[pid] = sha
    return out


def file_pairs(lin: Any, sources: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every parent → child edge of the graph whose both ends have a kept file, as the pair
    (parent's SHA-256, child's SHA-256) the analyses of texts keep their results under."""
    return {
        (sources[p], sources[c]) for c, p in lin.index.edges() if c in sources and p in sources and c != p
    }


def settle(
    lin: Any,
    texts: TextStore,
    facts_docs: Iterable[tuple[str, str, str, str]] | None = None,
    verdicts: Sequence[Any] = (),
) -> dict[str, float]:
    """After an ingest: which file each plan was read from, every parent → child pair not
    yet aligned with the current formulas, and the suggested parents. Timings in seconds."""
    t0 = time.perf_counter()
    sources = (
        _sources_from_facts(facts_docs, lin.base) if facts_docs is not None else _sources_from_store(lin)
    )
    kept = set(texts.all_shas())
    sources = {pid: sha for pid, sha in sources.items() if sha in kept}
    texts.set_docs(sources)
    t1 = time.perf_counter()
    found = formulas_of(texts, sources.values())
    want = file_pairs(lin, sources)
    done = {k for k, tag in texts.pair_tags().items() if tag == found.tag}
    rows = _align_pairs(texts, sorted(want - done), found)
    texts.put_pairs(rows)
    t2 = time.perf_counter()
    n_suggested = suggest.settle(lin, texts, sources, found, verdicts)
    t3 = time.perf_counter()
    texts.set_meta("generation", f"{found.tag}:{time.time_ns()}")
    log.info(
        "reuse: %d plans with texts (%.1fs), %d pairs aligned (%.1fs), %d parents suggested (%.1fs)",
        len(sources),
        t1 - t0,
        len(rows),
        t2 - t1,
        n_suggested,
        t3 - t2,
    )
    return {"sources_s": t1 - t0, "pairs_s": t2 - t1, "suggest_s": t3 - t2, "aligned": float(len(rows))}


Memo = Callable[[str, Callable[[], Any]], Any]
Kept = tuple[dict[str, str], dict[tuple[str, str], tuple[float, int, int, bytes]]]


def no_memo(_name: str, make: Callable[[], Any]) -> Any:
    """A :data:`Memo` that keeps nothing: ``make()`` every time."""
    return make()


def kept_pairs(texts: TextStore, memo: Memo | None = None) -> Kept:
    """The plans' files (id -> SHA-256) and the kept pairs (by parent and child SHA-256).
    ``memo(name, make)`` keeps what is read for as long as its caller's cache lives
    (:class:`graph.analytics.Analytics`: one read model and one settle of the texts)."""

    def make() -> Kept:
        docs = texts.docs()
        tag = sample_tag(sample_of(list(docs.values())))  # a pair aligned with other formulas is stale
        return docs, {k: v[1:] for k, v in texts.pairs().items() if v[0] == tag}

    return (memo or no_memo)("reuse-pairs", make)


def _pair_item(
    info: Mapping[str, Mapping[str, Any]], parent: str, child: str, row: tuple[float, int, int, bytes] | None
) -> dict[str, Any]:
    ps, cs = info[parent], info[child]
    item: dict[str, Any] = {
        "parent": parent,
        "child": child,
        "parent_number": ps["number"],
        "child_number": cs["number"],
        "child_level": cs["issuer"]["level"],
        "child_issuer": cs["issuer"]["name"],
    }
    if row is None:
        return item | {"share": None, "child_chars": None, "reused_chars": None, "passages": []}
    share, counted, reused, blob = row
    return item | {
        "share": round(share, 4),
        "child_chars": counted,
        "reused_chars": reused,
        "passages": passages_of(blob),
    }


def members(lin: Any, pid: str) -> tuple[Mapping[str, Mapping[str, Any]], list[tuple[str, str]]]:
    """The parent edges ``(child, parent)`` below ``pid`` between ingested documents, nearest
    first, and the summaries of the documents below (the read model's own: read them, never change
    them): what the analyses of a cascade walk (NotFound for an unknown id)."""
    sub = lin.subgraph(pid)
    depth = dict(sub.descendants)
    depth[pid] = 0
    info = lin.shared_summaries(depth)  # every member below is the end of an edge
    stubs = {n for n, s in info.items() if s["stub"]}
    order = sorted(  # as tuples: no key function per edge
        (d, p, c)
        for c, p in sub.edges
        if (d := depth.get(c)) is not None and p in depth and c != pid and c not in stubs and p not in stubs
    )
    return info, [(c, p) for _d, p, c in order]


def cascade_reuse(
    lin: Any,
    texts: TextStore | None,
    pid: str,
    limit: int = 10_000,
    offset: int = 0,
    memo: Memo | None = None,
) -> dict[str, Any]:
    """Each parent → child pair below ``pid`` (both ingested), nearest first, a page of them
    (``limit``, ``offset``): ``{"plan", "total", "with_text", "mean_share", "pairs": [...]}``;
    NotFound for an unknown id. ``memo``: see :func:`kept_pairs`."""
    info, edges = members(lin, pid)
    src, kept = kept_pairs(texts, memo) if texts is not None else ({}, {})
    rows: dict[tuple[str, str], Any] = {}
    missing: list[tuple[str, str]] = []
    for c, p in edges:
        key = (src.get(p, ""), src.get(c, ""))
        row = kept.get(key)
        if row is not None:
            rows[(c, p)] = row
        elif texts is not None and key[0] and key[1]:
            missing.append((c, p))
    if missing and texts is not None:
        found = formulas_of(texts, src.values())
        todo = missing[:ON_DEMAND]
        made = _align_pairs(texts, [(src[p], src[c]) for c, p in todo], found)
        by_key = {(r[0], r[1]): r[3:] for r in made}
        for c, p in todo:
            if (src[p], src[c]) in by_key:
                rows[(c, p)] = by_key[(src[p], src[c])]
    shares = [r[0] for r in rows.values()]
    page = edges[offset : offset + limit]
    return {
        "plan": pid,
        "total": len(edges),
        "with_text": len(rows),
        "mean_share": round(sum(shares) / len(shares), 4) if shares else None,
        "limit": limit,
        "offset": offset,
        "pairs": [_pair_item(info, p, c, rows.get((c, p))) for c, p in page],
    }


def analysis(a: Any, pid: str, limit: int = 10_000, offset: int = 0, texts: str | None = None) -> dict:
    """:func:`cascade_reuse` as an entry of :data:`graph.analytics.service.ANALYSES` (``a``: the
    :class:`graph.analytics.Analytics`, which keeps what is read for its generation);
    ``texts``: the text store's generation (:func:`texts_generation`), so that an answer made
    before the analyses of an ingest were settled is not served after."""
    return cascade_reuse(a.lin, a.lin.texts, pid, limit, offset, lambda n, make: a.kept((n, texts), make))


def texts_generation(lin: Any) -> str | None:
    """What changes each time an ingest settles the texts' analyses (None: no text store)."""
    return lin.texts.meta("generation") if lin.texts is not None else None


REUSE_COLUMNS = (
    "parent",
    "parent_number",
    "child",
    "child_number",
    "child_level",
    "child_issuer",
    "share",
    "child_chars",
    "reused_chars",
    "passages",
)


def reuse_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One CSV row per pair of a :func:`cascade_reuse` answer (``passages``: how many)."""
    for p in answer["pairs"]:
        yield p | {"passages": len(p["passages"])}


def _segments(text: str, spans: list[tuple[int, int, int | None]]) -> list[dict[str, Any]]:
    """``text`` cut at the given (start, end, passage number or None for a formula) spans:
    plain pieces, pieces of a passage, pieces of a formula."""
    out: list[dict[str, Any]] = []
    pos = 0
    for a, b, k in sorted(spans, key=lambda x: (x[0], x[1])):
        if a < pos:
            continue
        if a > pos:
            out.append({"text": text[pos:a], "passage": None, "formula": False})
        out.append({"text": text[a:b], "passage": k, "formula": k is None})
        pos = b
    if pos < len(text):
        out.append({"text": text[pos:], "passage": None, "formula": False})
    return out


def pair_view(
    lin: Any, texts: TextStore | None, parent: str, child: str, memo: Memo | None = None
) -> dict[str, Any]:
    """Both texts of a pair cut into segments, the passages numbered alike on both sides
    (1, 2, ... in the child's order) and the child's formula sentences marked (not counted).
    NotFound for unknown ids; ``texts`` None or a text not kept: ``"available": False``."""
    ps, cs = lin.summary(parent), lin.summary(child)
    base: dict[str, Any] = {"parent": ps, "child": cs, "available": False, "share": None, "passages": []}
    if texts is None:
        return base
    sources, _pairs = kept_pairs(texts, memo)
    psha, csha = sources.get(parent), sources.get(child)
    ptext = texts.text(psha) if psha else None
    ctext = texts.text(csha) if csha else None
    if ptext is None or ctext is None or psha is None or csha is None:
        return base
    sk = texts.sketches([psha, csha])
    found = formulas_of(texts, sources.values())
    mine = sk.get(csha) or Sketch.empty()
    stock = found.stock(mine)
    a = align(mine, sk.get(psha) or Sketch.empty(), stock)
    passages = a.passage_list()
    formula = [
        (int(s), int(e)) for (s, e, _n), f in zip(mine.spans.tolist(), stock.tolist(), strict=True) if f
    ]
    child_spans: list[tuple[int, int, int | None]] = [
        (p["child"][0], p["child"][1], k) for k, p in enumerate(passages, 1)
    ]
    child_spans += [(s, e, None) for s, e in formula]
    return base | {
        "available": True,
        "share": round(a.share, 4),
        "child_chars": a.counted,
        "reused_chars": a.reused,
        "passages": passages,
        "formulas": [{"start": s, "end": e} for s, e in formula],
        "parent_text": ptext,
        "child_text": ctext,
        "parent_segments": _segments(
            ptext, [(p["parent"][0], p["parent"][1], k) for k, p in enumerate(passages, 1)]
        ),
        "child_segments": _segments(ctext, child_spans),
    }
