"""Targets along the cascade: each child's targets compared with its parent's, indicator by indicator.

Reads: a :class:`graph.service.Lineage` (the parent edges below a plan, summaries) and the
targets of each document: from the :class:`graph.texts.TextStore` when its text was kept
(with their indicator keys, matched at ingest), else from the store's ``lin:Target`` nodes.
Returns: :func:`cascade_targets`, the answer of ``GET /api/plans/{id}/targets``: a row per
(parent → child link, indicator) with the relation ``stricter``, ``equal``, ``looser``,
``missing`` (the parent sets it, the child does not) or ``added`` (the child sets one its
parent does not), the counts per indicator and per level, and :func:`csv_rows`.

How two targets compare: on their indicator key (:mod:`ingest.indicators`; a target no
key matches is compared by its own words) and unit; the child's target of the parent's
year when it has one, else each side's latest. A higher value is stricter for an
indicator where more is better (:data:`ontology.vocab.INDICATORS`), a lower one where
less is; at the same value, "trên 45%" (``>``) is stricter than "đạt 45%" and "từ 45%".

Why per link and not per plan: a district tightens or loosens what its province asked of
it, not what the Politburo asked of the nation; the links are the parent edges of the
graph, as every other analysis reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.analytics.reuse import Memo, members
from graph.texts import TextStore
from ingest.indicators import indicator_key, words
from ontology.vocab import INDICATOR_BY_KEY

__all__ = [
    "RELATIONS",
    "TARGETS_COLUMNS",
    "cascade_targets",
    "compare",
    "compared",
    "doc_targets",
    "groups",
    "targets_rows",
]

RELATIONS = ("stricter", "equal", "looser", "missing", "added")
_STRENGTH = {">": 2, ">=": 1, "=": 1, "<=": 1, "<": 2, None: 1}
_SPARQL_BATCH = 400


def _key(t: Mapping[str, Any]) -> str:
    key = t.get("key") or indicator_key(t.get("indicator"), t.get("unit"))
    if key:
        return key
    return "text:" + " ".join(words(t.get("indicator") or t.get("text") or ""))


def _pick(ts: Sequence[Mapping[str, Any]], year: int | None) -> Mapping[str, Any]:
    """The target of ``year`` if there is one, else the latest (first stated among equals)."""
    if len(ts) == 1:
        return ts[0]
    if year is not None:
        for t in ts:
            if t.get("year") == year:
                return t
    return max(ts, key=lambda t: t.get("year") or 0)


def _relation(key: str, p: Mapping[str, Any], c: Mapping[str, Any]) -> str:
    higher = INDICATOR_BY_KEY[key].better == "higher" if key in INDICATOR_BY_KEY else None
    if higher is None:  # an indicator not in the vocabulary: its comparator says which way is better
        higher = not str(p.get("comparator") or c.get("comparator") or "").startswith("<")
    pv, cv = float(p["value"]), float(c["value"])
    if pv == cv:
        ps, cs = _STRENGTH.get(p.get("comparator"), 1), _STRENGTH.get(c.get("comparator"), 1)
        return "equal" if ps == cs else "stricter" if cs > ps else "looser"
    return "stricter" if (cv > pv) == higher else "looser"


Groups = dict[tuple[str, str | None], list[Mapping[str, Any]]]


_ORDER = {k: i for i, k in enumerate(INDICATOR_BY_KEY)}
_LABELS = {k: i.label for k, i in INDICATOR_BY_KEY.items()}


def _order(k: tuple[str, str | None]) -> tuple[int, str, str]:
    return (_ORDER.get(k[0], len(_ORDER)), k[0], k[1] or "")


def groups(ts: Iterable[Mapping[str, Any]]) -> Groups:
    """A document's targets by (indicator key, unit), those without a value left out, in the
    vocabulary's order then by key."""
    out: Groups = {}
    for t in ts:
        if t.get("value") is not None:
            k = (t.get("key") or _key(t), t.get("unit"))
            g = out.get(k)
            if g is None:
                out[k] = [t]
            else:
                g.append(t)
    return out if len(out) < 2 else {k: out[k] for k in sorted(out, key=_order)}


Key = tuple[str, str | None]
Compared = tuple[Key, Mapping[str, Any] | None, Mapping[str, Any] | None, str]
_NONE: Mapping[str, Any] = {"value": None, "comparator": None, "year": None, "text": None}


def _relations(parent: Groups, child: Groups) -> list[Compared]:
    """``(key, parent's target, child's target, relation)`` per indicator either side sets, in
    the vocabulary's order then by key (the sides as :func:`groups` gives them)."""
    if parent.keys() == child.keys() or not child:
        keys: Iterable[Key] = parent.keys()
    elif not parent:
        keys = child.keys()
    else:
        keys = sorted(parent.keys() | child.keys(), key=_order)
    out = []
    for k in keys:
        pts, cts = parent.get(k), child.get(k)
        p = _pick(pts, None) if pts else None
        c = (_pick(cts, p.get("year")) if p is not None else _pick(cts, None)) if cts else None
        out.append((k, p, c, "missing" if c is None else "added" if p is None else _relation(k[0], p, c)))
    return out


def _row(head: Mapping[str, Any] | None, x: Compared) -> dict[str, Any]:
    k, p, c, rel = x
    pp, cc = p or _NONE, c or _NONE
    row = dict(head) if head else {}
    row.update(
        indicator=k[0],
        label=_LABELS.get(k[0]),
        unit=k[1],
        relation=rel,
        parent_value=pp["value"],
        child_value=cc["value"],
        parent_comparator=pp.get("comparator"),
        child_comparator=cc.get("comparator"),
        parent_year=pp.get("year"),
        child_year=cc.get("year"),
        parent_text=pp.get("text"),
        child_text=cc.get("text"),
    )
    return row


def compare(parent: Groups, child: Groups, head: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per indicator either side sets (see the module docstring; the sides as
    :func:`groups` gives them), in the vocabulary's order then by key; each row starts with
    the items of ``head`` (the link it is of)."""
    return [_row(head, x) for x in _relations(parent, child)]


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
        src, kept = (memo or (lambda _n, make: make()))(
            "targets", lambda: (texts.docs(), texts.all_targets())
        )
        out = {i: kept[src[i]] for i in want if i in src and src[i] in kept}
    rest = [i for i in want if i not in out]
    if rest:
        out |= _from_store(lin, rest)
    return out


def compared(lin: Any, texts: TextStore | None, pid: str, memo: Memo | None = None) -> dict[str, Any]:
    """Every (link, indicator) comparison below ``pid`` as compact tuples ``(child, parent,
    (key, parent's target, child's target, relation))``, nearest links first, with the links' ends'
    summaries, the plan's own targets and the counts by (indicator, child level, relation):
    what every page and the CSV of :func:`cascade_targets` are cut from (kept per generation
    with ``memo``, so the JSON pages, the view and the CSV compare once)."""

    def make() -> dict[str, Any]:
        summaries, edges = members(lin, pid)
        targets = doc_targets(lin, texts, {x for e in edges for x in e} | {pid}, memo)
        grouped = {d: g for d, ts in targets.items() if ts and (g := groups(ts))}
        items: list[tuple[str, str, Compared]] = []
        counts: dict[tuple[str, str, str], int] = {}
        for c, p in edges:
            pg, cg = grouped.get(p), grouped.get(c)
            if pg is None and cg is None:
                continue
            level = summaries[c]["issuer"]["level"] or "other"
            for x in _relations(pg or {}, cg or {}):
                k = (x[0][0], level, x[3])
                counts[k] = counts.get(k, 0) + 1
                items.append((c, p, x))
        return {
            "summaries": summaries,
            "links": len(edges),
            "own": targets.get(pid, []),
            "items": items,
            "counts": counts,
        }

    return (memo or (lambda _n, mk: mk()))(f"targets-compared:{pid}", make)


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
    summaries = cmp["summaries"]
    by_indicator: dict[str, dict[str, int]] = {}
    by_level: dict[str, dict[str, int]] = {}
    for (ind, level, rel), n in cmp["counts"].items():
        by_indicator.setdefault(ind, dict.fromkeys(RELATIONS, 0))[rel] += n
        by_level.setdefault(level, dict.fromkeys(RELATIONS, 0))[rel] += n
    rows = []
    for c, p, x in cmp["items"][offset : offset + limit]:
        cs = summaries[c]
        head = {
            "parent": p,
            "child": c,
            "parent_number": summaries[p]["number"],
            "child_number": cs["number"],
            "child_level": cs["issuer"]["level"] or "other",
            "child_issuer": cs["issuer"]["name"],
        }
        rows.append(_row(head, x))
    labels = {k: INDICATOR_BY_KEY[k].label if k in INDICATOR_BY_KEY else k for k in by_indicator}
    return {
        "plan": pid,
        "targets": cmp["own"],
        "links": cmp["links"],
        "total": len(cmp["items"]),
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
