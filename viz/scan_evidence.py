"""A scanned plan's evidence drawn on its pages: which page images to show and the boxes on each.

Reads: one plan as :meth:`graph.service.Lineage.plan` answers it (its record, whose
evidence carries ``page`` when the text was OCR'd) and what :func:`graph.scans.scan_of`
knows of its scan. Returns: per page with evidence (page order, at most
:data:`MAX_PAGES_SHOWN`), the image's URL, the page's size in the pixels the boxes are
in, and each box with the field it is the evidence of.

Why boxes as SVG rectangles over an ``<img>``: the page's CSP allows no inline style,
so a box cannot be placed with a ``style`` attribute; an SVG laid over the image with
the page's own pixel size as its ``viewBox`` puts each ``<rect>`` by its attributes,
and the stylesheet draws it (``.scan-box``), whatever size the image is shown at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["MAX_PAGES_SHOWN", "scan_pages"]

MAX_PAGES_SHOWN = 10
_RELATIONS = ("implements", "based_on", "cites")


def _evidence(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what it is the evidence of, the evidence) of the header fields and every reference."""
    for pointer, ev in sorted((plan.get("evidence") or {}).items()):
        if isinstance(ev, dict):
            yield pointer.strip("/").replace("/", " "), ev

    def refs(relation: str, items: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for r in items or ():
            if not isinstance(r, dict):
                continue
            if isinstance(r.get("evidence"), dict):
                yield f"{relation} {r.get('number') or r.get('title') or ''}".strip(), r["evidence"]
            yield from refs(relation, r.get("implements") or [])

    for relation in _RELATIONS:
        yield from refs(relation, plan.get(relation) or [])


def scan_pages(plan: dict[str, Any], scan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The pages to show with their evidence boxes; [] when the plan was not read from a scan."""
    if scan is None:
        return []
    sizes = scan["sizes"]
    pages: dict[int, dict[str, Any]] = {}
    for label, ev in _evidence(plan):
        place = ev.get("page")
        if not isinstance(place, dict):
            continue
        n = int(place.get("page") or 0)
        if not 1 <= n <= len(sizes):
            continue
        width, height = sizes[n - 1]
        page = pages.setdefault(n, {"page": n, "width": width, "height": height, "boxes": [], "fields": []})
        if label not in page["fields"]:
            page["fields"].append(label)
        for x0, top, x1, bottom in place.get("boxes") or ():
            page["boxes"].append(
                {"x": x0, "y": top, "w": max(1, x1 - x0), "h": max(1, bottom - top), "label": label}
            )
    shown = [pages[n] for n in sorted(pages)][:MAX_PAGES_SHOWN]
    for p in shown:
        p["src"] = f"/api/plans/{plan['id']}/pages/{p['page']}"
    return shown
