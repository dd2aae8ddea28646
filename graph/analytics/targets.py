"""Targets along the cascade: each child's targets compared with its parent's, indicator by indicator.

Reads: a :class:`graph.service.Lineage` (the parent edges below a plan, summaries) and the
targets of each document: from the :class:`graph.texts.TextStore` when its text was kept
(with their indicator keys, matched at ingest), else from the store's ``lin:Target`` nodes.
Returns: :func:`cascade_targets`, the answer of ``GET /api/plans/{id}/targets``: a row per
(parent → child link, indicator) with the relation ``stricter``, ``equal``, ``looser``,
``missing`` (the parent sets it, the child does not) or ``added`` (the child sets one its
parent does not), the counts per indicator and per level, and :func:`targets_rows`; and
:func:`settle`, run after an ingest. How two targets compare is
:mod:`graph.analytics.target_compare`.

Why per link and not per plan: a district tightens or loosens what its province asked of
it, not what the Politburo asked of the nation; the links are the parent edges of the
graph, as every other analysis reads them.

Why compared after the ingest and kept (:func:`settle`, as the text reuse is): a national
cascade has 100,000 links, and reading both ends' targets and comparing them took longer
than the answer may (2.6 s of the 2 s allowed at 100,000 plans); a pair of files compares
the same way until the rules change (:data:`graph.analytics.target_compare.TAG`). Each
kept comparison has its compact rows and their ``sig`` (indicator and relation per row):
a cascade is counted from the sigs, and only a page's rows are read. A pair not kept (a
store written without texts) is compared when asked.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from graph.analytics.reuse import Memo, file_pairs, members, no_memo
from graph.analytics.target_compare import (
    RELATIONS,
    TAG,
    Row,
    as_row,
    compact,
    compare,
    groups,
    indicator_order,
    relations,
    sig,
)
from graph.texts import TextStore
from ingest.indicators import indicator_key
from ontology.vocab import INDICATOR_BY_KEY

__all__ = [
    "RELATIONS",
    "TAG",
    "TARGETS_COLUMNS",
    "cascade_targets",
    "compare",
    "compared",
    "doc_targets",
    "groups",
    "settle",
    "targets_rows",
]

_SPARQL_BATCH = 400
_PER_KEY = 1000  # links below which a cascade reads its kept comparisons one by one


def _from_store(lin: Any, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Targets of documents read from their ``lin:Target`` nodes (documents without a kept text)."""
    from graph.identity import iri_of
    from graph.sparql import select

    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    by_iri = {iri_of(i, lin.base): i for i in ids}
    iris = sorted(by_iri)
    for a in range(0, len(iris), _SPARQL_BATCH):
        values = " ".join(f"<{x}>" for x in iris[a : a + _SPARQL_BATCH])
        rows = select(
            lin.store,
            f"""SELECT ?d ?t ?v ?ind ?cmp ?unit ?year ?text WHERE {{ VALUES ?d {{ {values} }}
                ?d lin:hasTarget ?t . ?t lin:targetValue ?v .
                OPTIONAL {{ ?t lin:indicator ?ind }} OPTIONAL {{ ?t lin:comparator ?cmp }}
                OPTIONAL {{ ?t lin:unit ?unit }} OPTIONAL {{ ?t lin:targetYear ?year }}
                OPTIONAL {{ ?t lin:targetText ?text }} }} ORDER BY ?d ?t""",
        )
        for d, _t, v, ind, cmp, unit, year, text in rows:
            value = float(v)
            out[by_iri[d]].append(
                {
                    "key": indicator_key(ind, unit),
                    "indicator": ind,
                    "comparator": cmp,
                    "value": int(value) if value.is_integer() else value,
                    "unit": unit,
                    "year": int(year[:4]) if year else None,
                    "text": text,
                }
            )
    return out


def doc_targets(
    lin: Any, texts: TextStore | None, ids: Iterable[str], memo: Memo | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The targets of each document of ``ids`` (kept with its text, else from the store);
    ``memo``: see :func:`graph.analytics.reuse.kept_pairs`."""
    want = list(dict.fromkeys(ids))
    out: dict[str, list[dict[str, Any]]] = {}
    if texts is not None and len(want) < 1000:
        src = texts.docs_of(want)
        kept = texts.targets(src[i] for i in want if i in src)
        out = {i: kept[src[i]] for i in want if i in src and src[i] in kept}
    elif texts is not None:  # a large cascade: every document's, read once per ingest
        src, kept = (memo or no_memo)("targets", lambda: (texts.docs(), texts.all_targets()))
        out = {i: kept[src[i]] for i in want if i in src and src[i] in kept}
    rest = [i for i in want if i not in out]
    if rest:
        out |= _from_store(lin, rest)
    return out


def settle(lin: Any, texts: TextStore) -> int:
    """After an ingest (and :func:`graph.analytics.reuse.settle`, which records each plan's
    file): compare every parent → child pair of kept files not yet compared under :data:`TAG`,
    and keep the comparisons. Returns how many pairs were compared."""
    want = file_pairs(lin, texts.docs())
    done = {k for k, tag in texts.target_pair_tags().items() if tag == TAG}
    todo = sorted(want - done)
    if not todo:
        return 0
    need = {x for pair in todo for x in pair}
    kept = texts.targets(need) if len(need) < 5 * _PER_KEY else texts.all_targets()
    grouped = {sha: groups(ts) for sha, ts in kept.items() if sha in need and ts}

    def row(p: str, c: str) -> tuple[str, str, str, str, bytes]:
        rows = [compact(x) for x in relations(grouped.get(p, {}), grouped.get(c, {}))]
        return p, c, TAG, sig(rows), orjson.dumps(rows)

    texts.put_target_pairs(row(p, c) for p, c in todo)
    return len(todo)


Kept = Mapping[tuple[str, str], tuple[str, bytes]]  # (parent, child) SHA-256 -> (sig, rows)


def _kept(
    texts: TextStore | None, edges: Sequence[tuple[str, str]], memo: Memo | None
) -> tuple[Mapping[str, str], Kept]:
    """Which file each end of ``edges`` was read from, and the comparisons kept (under
    :data:`TAG`) by pair of files: one by one for a small cascade, else all (once per ingest)."""
    if texts is None:
        return {}, {}
    if len(edges) < _PER_KEY:
        src = texts.docs_of({x for e in edges for x in e})
        keys = [(src[p], src[c]) for c, p in edges if p in src and c in src]
        return src, {k: (g, b) for k, (tag, g, b) in texts.target_pairs(keys).items() if tag == TAG}

    def make() -> tuple[dict[str, str], dict[tuple[str, str], tuple[str, bytes]]]:
        return texts.docs(), {k: (g, b) for k, (tag, g, b) in texts.target_pairs().items() if tag == TAG}

    return (memo or no_memo)("target-pairs", make)


class Compared:
    """Every (link, indicator) comparison below a plan, nearest links first: ``links`` holds
    each link with rows ``(child, parent, rows)``, ``rows`` a kept comparison's bytes (read
    when a page needs them) or its compact rows; ``starts`` the index of each link's first
    row; ``total`` the rows; ``counts`` by (indicator, child level, relation)."""

    __slots__ = ("counts", "links", "starts", "total")

    def __init__(self) -> None:
        self.links: list[tuple[str, str, bytes | list[Row]]] = []
        self.starts: list[int] = []
        self.total = 0
        self.counts: dict[tuple[str, str, str], int] = {}

    def __len__(self) -> int:
        return self.total

    def add(self, c: str, p: str, rows: bytes | list[Row], n: int) -> None:
        self.links.append((c, p, rows))
        self.starts.append(self.total)
        self.total += n

    def page(self, offset: int, limit: int) -> Iterable[tuple[str, str, Row]]:
        """The rows ``offset`` to ``offset + limit`` as ``(child, parent, row)``."""
        i = max(bisect_right(self.starts, offset) - 1, 0)
        at, stop = offset, offset + limit
        while i < len(self.links) and at < stop:
            c, p, rows = self.links[i]
            decoded = orjson.loads(rows) if isinstance(rows, bytes) else rows
            first = self.starts[i]
            for r in decoded[max(at - first, 0) : stop - first]:
                yield c, p, r
            at = first + len(decoded)
            i += 1


def compared(lin: Any, texts: TextStore | None, pid: str, memo: Memo | None = None) -> dict[str, Any]:
    """Every (link, indicator) comparison below ``pid`` (a :class:`Compared`), with the links'
    ends' summaries and the plan's own targets: what every page and the CSV of
    :func:`cascade_targets` are cut from (kept per generation with ``memo``, so the JSON pages,
    the view and the CSV compare once). Kept comparisons are counted by their ``sig`` and read
    only for a page; the links without one are compared here."""

    def make() -> dict[str, Any]:
        summaries, edges = members(lin, pid)
        src, kept = _kept(texts, edges, memo)
        found: list[tuple[str, str] | None] = []
        missing = []
        for c, p in edges:
            k = kept.get((src.get(p, ""), src.get(c, "")))
            found.append(k)
            if k is None:
                missing.append((c, p))
        targets = doc_targets(lin, texts, {x for e in missing for x in e} | {pid}, memo)
        grouped = {d: g for d, ts in targets.items() if ts and (g := groups(ts))}
        made: dict[tuple[str, str], list[Row]] = {}
        for c, p in missing:
            pg, cg = grouped.get(p), grouped.get(c)
            if pg is not None or cg is not None:
                made[(c, p)] = [compact(x) for x in relations(pg or {}, cg or {})]
        out = Compared()
        by_sig: dict[tuple[str, str], int] = {}
        for (c, p), k in zip(edges, found, strict=True):
            if k is not None:
                said, blob = k
                if not said:
                    continue
                level = summaries[c]["issuer"]["level"] or "other"
                by_sig[(said, level)] = by_sig.get((said, level), 0) + 1
                out.add(c, p, blob, said.count("\n") + 1)
            elif rows := made.get((c, p)):
                level = summaries[c]["issuer"]["level"] or "other"
                said = sig(rows)
                by_sig[(said, level)] = by_sig.get((said, level), 0) + 1
                out.add(c, p, rows, len(rows))
        for (said, level), n in by_sig.items():
            for line in said.split("\n"):
                ind, rel = line.split("\t")
                out.counts[(ind, level, rel)] = out.counts.get((ind, level, rel), 0) + n
        return {"summaries": summaries, "links": len(edges), "own": targets.get(pid, []), "compared": out}

    return (memo or no_memo)(f"targets-compared:{pid}", make)


def cascade_targets(
    lin: Any,
    texts: TextStore | None,
    pid: str,
    limit: int = 10_000,
    offset: int = 0,
    memo: Memo | None = None,
) -> dict[str, Any]:
    """Every (link, indicator) row below ``pid`` (both ends ingested), nearest links first, a
    page of them, with the counts by indicator and relation and by child level and relation
    over all rows; NotFound for an unknown id. Only the page's rows are made as dicts."""
    cmp = compared(lin, texts, pid, memo)
    summaries, rows_of = cmp["summaries"], cmp["compared"]
    by_indicator: dict[str, dict[str, int]] = {}
    by_level: dict[str, dict[str, int]] = {}
    for (ind, level, rel), n in sorted(
        rows_of.counts.items(), key=lambda x: indicator_order((x[0][0], None))
    ):
        by_indicator.setdefault(ind, dict.fromkeys(RELATIONS, 0))[rel] += n
        by_level.setdefault(level, dict.fromkeys(RELATIONS, 0))[rel] += n
    rows = []
    for c, p, r in rows_of.page(offset, limit):
        cs = summaries[c]
        head = {
            "parent": p,
            "child": c,
            "parent_number": summaries[p]["number"],
            "child_number": cs["number"],
            "child_level": cs["issuer"]["level"] or "other",
            "child_issuer": cs["issuer"]["name"],
        }
        rows.append(as_row(head, r))
    labels = {k: INDICATOR_BY_KEY[k].label if k in INDICATOR_BY_KEY else k for k in by_indicator}
    return {
        "plan": pid,
        "targets": cmp["own"],
        "links": cmp["links"],
        "total": rows_of.total,
        "limit": limit,
        "offset": offset,
        "indicators": [{"key": k, "label": labels[k]} for k in by_indicator],
        "by_indicator": by_indicator,
        "by_level": by_level,
        "rows": rows,
    }


def analysis(a: Any, pid: str, limit: int = 10_000, offset: int = 0, texts: str | None = None) -> dict:
    """:func:`cascade_targets` as an entry of :data:`graph.analytics.service.ANALYSES` (as
    :func:`graph.analytics.reuse.analysis`)."""
    return cascade_targets(a.lin, a.lin.texts, pid, limit, offset, lambda n, make: a.kept((n, texts), make))


TARGETS_COLUMNS = (
    "parent",
    "parent_number",
    "child",
    "child_number",
    "child_level",
    "indicator",
    "unit",
    "relation",
    "parent_value",
    "child_value",
    "parent_comparator",
    "child_comparator",
    "parent_year",
    "child_year",
)


def targets_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One CSV row per (link, indicator) of a :func:`cascade_targets` answer."""
    return answer["rows"]
