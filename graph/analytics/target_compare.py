"""How two documents' targets compare, indicator by indicator: the rules of the targets analysis.

Reads: targets as :func:`graph.texts.target_rows` keeps them (dicts with an indicator
key, value, comparator, unit, year and text). Returns: :func:`groups` (a document's
targets by indicator and unit), :func:`compare` (one row per indicator either side
sets), the compact rows the targets analysis keeps per pair of files (:func:`compact`,
:func:`sig`, :func:`as_row`), and :data:`TAG`, which names these rules.

How two targets compare: on their indicator key (:mod:`ingest.indicators`; a target no
key matches is compared by its own words) and unit; the child's target of the parent's
year when it has one, else each side's latest. A higher value is stricter for an
indicator where more is better (:data:`ontology.vocab.INDICATORS`), a lower one where
less is; at the same value, "trên 45%" (``>``) is stricter than "đạt 45%" and "từ 45%".
A compact row is ``[indicator, unit, relation, parent's value, comparator, year, text,
child's value, comparator, year, text]``.

Why a module apart from the cascade's (:mod:`graph.analytics.targets`): the rules are
pure and used at two times, when an ingest compares each new pair of files and when a
cascade compares a pair nobody kept; their tag says when a kept comparison is stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ingest.indicators import indicator_key, words
from ontology.vocab import INDICATOR_BY_KEY, INDICATORS

__all__ = [
    "RELATIONS",
    "TAG",
    "Groups",
    "Relation",
    "Row",
    "as_row",
    "compact",
    "compare",
    "groups",
    "indicator_order",
    "relations",
    "sig",
]

RELATIONS = ("stricter", "equal", "looser", "missing", "added")
_STRENGTH = {">": 2, ">=": 1, "=": 1, "<=": 1, "<": 2, None: 1}
_RULES = "targets-1"  # bump when how two targets compare changes: kept comparisons are then stale
# the tag of a kept comparison: these rules and the indicator vocabulary they key on
TAG = hashlib.sha256(repr((_RULES, INDICATORS)).encode("utf-8")).hexdigest()[:16]


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


def indicator_order(k: tuple[str, str | None]) -> tuple[int, str, str]:
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
    return out if len(out) < 2 else {k: out[k] for k in sorted(out, key=indicator_order)}


Key = tuple[str, str | None]
Relation = tuple[Key, Mapping[str, Any] | None, Mapping[str, Any] | None, str]
_NONE: Mapping[str, Any] = {"value": None, "comparator": None, "year": None, "text": None}


def relations(parent: Groups, child: Groups) -> list[Relation]:
    """``(key, parent's target, child's target, relation)`` per indicator either side sets, in
    the vocabulary's order then by key (the sides as :func:`groups` gives them)."""
    if parent.keys() == child.keys() or not child:
        keys: Iterable[Key] = parent.keys()
    elif not parent:
        keys = child.keys()
    else:
        keys = sorted(parent.keys() | child.keys(), key=indicator_order)
    out = []
    for k in keys:
        pts, cts = parent.get(k), child.get(k)
        p = _pick(pts, None) if pts else None
        c = (_pick(cts, p.get("year")) if p is not None else _pick(cts, None)) if cts else None
        out.append((k, p, c, "missing" if c is None else "added" if p is None else _relation(k[0], p, c)))
    return out


Row = list[Any]  # a compact comparison: see the module docstring


def compact(x: Relation) -> Row:
    """A relation as the compact row the analysis keeps and pages from."""
    k, p, c, rel = x
    pp, cc = p or _NONE, c or _NONE
    return [
        k[0],
        k[1],
        rel,
        pp["value"],
        pp.get("comparator"),
        pp.get("year"),
        pp.get("text"),
        cc["value"],
        cc.get("comparator"),
        cc.get("year"),
        cc.get("text"),
    ]


def as_row(head: Mapping[str, Any] | None, r: Row) -> dict[str, Any]:
    """A compact row as the answer's row dict, after the items of ``head`` (its link)."""
    row = dict(head) if head else {}
    row.update(
        indicator=r[0],
        label=_LABELS.get(r[0]),
        unit=r[1],
        relation=r[2],
        parent_value=r[3],
        child_value=r[7],
        parent_comparator=r[4],
        child_comparator=r[8],
        parent_year=r[5],
        child_year=r[9],
        parent_text=r[6],
        child_text=r[10],
    )
    return row


def compare(parent: Groups, child: Groups, head: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per indicator either side sets (see the module docstring; the sides as
    :func:`groups` gives them), in the vocabulary's order then by key; each row starts with
    the items of ``head`` (the link it is of)."""
    return [as_row(head, compact(x)) for x in relations(parent, child)]


def sig(rows: Sequence[Row]) -> str:
    """What the counts read of a link's rows: "indicator\trelation" per row, a line each."""
    return "\n".join(f"{r[0]}\t{r[2]}" for r in rows)
