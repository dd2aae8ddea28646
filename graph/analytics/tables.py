"""The analyses' answers as tables: the rows and columns of their CSV downloads.

Reads: an answer of :mod:`graph.analytics.coverage` or :mod:`graph.analytics.timeline`
(or of any analysis that registers its table in :data:`TABLES`). Returns: CSV
text (:func:`to_csv`), one row per unit or per link, lists joined by spaces.

Why here, below the API and the CLI: ``GET .../coverage.csv`` and ``lineage
coverage --format csv`` must give the same table. A cell that a spreadsheet
would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``) is
prefixed with ``'``; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from graph.analytics.reuse import REUSE_COLUMNS, reuse_rows
from graph.analytics.targets import TARGETS_COLUMNS, targets_rows

__all__ = [
    "COVERAGE_COLUMNS",
    "MOST_WANTED_COLUMNS",
    "QUALITY_COLUMNS",
    "TABLES",
    "TIMELINE_COLUMNS",
    "coverage_rows",
    "most_wanted_rows",
    "quality_rows",
    "timeline_rows",
    "to_csv",
]

COVERAGE_COLUMNS = (
    "plan",
    "name",
    "place",
    "level",
    "system",
    "province",
    "district",
    "commune",
    "covered",
    "skipping",
    "plans",
    "first_date",
    "lag_days",
    "precision",
    "lag_min",
    "lag_max",
    "source",
    "lat",
    "lon",
)
TIMELINE_COLUMNS = (
    "parent",
    "parent_number",
    "parent_date",
    "child",
    "child_number",
    "child_date",
    "child_issuer",
    "child_level",
    "child_system",
    "child_province",
    "child_district",
    "depth",
    "lag_days",
    "precision",
    "lag_min",
    "lag_max",
)


def _range(r: Mapping[str, Any]) -> dict[str, Any]:
    rng = r.get("lag_range") or (None, None)
    return {"lag_min": rng[0], "lag_max": rng[1]}


def coverage_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per expected unit."""
    for u in answer["units"]:
        yield (
            u
            | {
                "plan": answer["plan"],
                "covered": bool(u["plans"]),
                "plans": " ".join(u["plans"]),
                "source": " ".join(u.get("source") or ()),
            }
            | _range(u)
        )


def timeline_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per parent → child link."""
    for link in answer["links"]:
        yield link | _range(link)


QUALITY_COLUMNS = ("severity", "kind", "message", "ids", "detail")
MOST_WANTED_COLUMNS = (
    "rank",
    "cited_by",
    "id",
    "number",
    "doc_type",
    "date",
    "issuer",
    "level",
    "system",
    "province",
    "district",
    "commune",
    "title",
)


def quality_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per finding; the rest of its detail as compact JSON."""
    for f in answer["findings"]:
        rest = {k: v for k, v in f["detail"].items() if k != "message"}
        yield {
            "severity": f["severity"],
            "kind": f["kind"],
            "message": f["detail"].get("message"),
            "ids": " ".join(f["ids"]),
            "detail": json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else None,
        }


def most_wanted_rows(answer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per document known only by reference, most cited first."""
    for rank, m in enumerate(answer["most_wanted"], 1):
        iss = m.get("issuer") or {}
        yield (
            m
            | {k: iss.get(k) for k in ("level", "system", "province", "district", "commune")}
            | {
                "rank": rank,
                "issuer": iss.get("name"),
            }
        )


# name -> (columns, rows of an answer): what the CSV routes and commands know how to write
TABLES: dict[str, tuple[Sequence[str], Callable[[Mapping[str, Any]], Iterable[dict[str, Any]]]]] = {
    "coverage": (COVERAGE_COLUMNS, coverage_rows),
    "timeline": (TIMELINE_COLUMNS, timeline_rows),
    "quality": (QUALITY_COLUMNS, quality_rows),
    "most_wanted": (MOST_WANTED_COLUMNS, most_wanted_rows),
    "reuse": (REUSE_COLUMNS, reuse_rows),
    "targets": (TARGETS_COLUMNS, targets_rows),
}


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text with a header row; missing values are empty cells."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return out.getvalue()
