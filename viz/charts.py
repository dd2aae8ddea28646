"""Charts and maps drawn on the server as SVG: a dot map, a timeline, lane histograms, bars.

Reads: plain values (numbers, dates, labels, links) from the views. Returns:
:class:`markupsafe.Markup` holding one ``<svg>`` element (or a small HTML legend),
ready to put in a page as is; every text and attribute inside is escaped here.

Why SVG made on the server, and not a vendored library (Vega-Lite, Leaflet, D3):
the views must work offline and under a Content-Security-Policy of
``script-src 'self'`` with no inline script. An SVG element needs no script at
all to be drawn, its links are plain ``<a href>`` (a click works with scripts
off, and a browser test can follow it), its tooltips are ``<title>`` elements,
and its colours are presentation attributes or classes of ``/static/charts.css``
(never a ``style`` attribute, which a strict ``style-src`` refuses). Nothing is
downloaded, pinned or updated, and the page is the same bytes for the same data,
so it can be cached and compared. A vendored library would have brought 300 kB
to 1 MB of script for what a few hundred lines do here. What it costs: no
zooming or panning; the callers keep the number of marks bounded (a national
cascade is binned before it is drawn: :func:`lane_histogram`).

This module draws the map, the bars and the legend, and answers for the timeline
charts of :mod:`viz.timechart` too; both are made of the pieces of :mod:`viz.svg`.
Callers give links as site paths ("/view/plans/ID"), ``#fragment``s or http(s)
URLs; anything else (``javascript:``) is dropped. Colours are ``#rgb``/``#rrggbb``
only; class names are kept to letters, digits, ``-`` and ``_``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from viz.svg import css_class, esc, link, mark_shape, num, safe_color, safe_href, svg
from viz.timechart import Bin, Mark, lane_histogram, timeline

__all__ = [
    "Bar",
    "Bin",
    "Mark",
    "MapPoint",
    "Segment",
    "bar_chart",
    "esc",
    "lane_histogram",
    "legend",
    "point_map",
    "safe_href",
    "timeline",
]


# -- map ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapPoint:
    """A place on the map: ``lat``/``lon`` in degrees; ``dx`` shifts it sideways in pixels
    (several marks for one place); ``shape`` is circle, ring, cross or diamond."""

    lat: float
    lon: float
    title: str
    href: str | None = None
    label: str | None = None
    cls: str = ""
    color: str | None = None
    shape: str = "circle"
    r: float = 5.0
    dx: float = 0.0
    label_dx: float = 0.0  # the label further right (past the marks beside this one)


def point_map(
    points: Sequence[MapPoint],
    backdrop: Iterable[tuple[float, float]] = (),
    width: int = 420,
    height: int = 640,
    label: str = "Map",
    pad: int = 24,
) -> Markup:
    """Points placed by their coordinates (equirectangular, scaled by the cosine of the mean
    latitude so distances look right at Vietnam's latitudes), north up, fitted to the box
    with the aspect kept. ``backdrop``: (lat, lon) of places drawn as faint dots under the
    points (the shape of the country or province around them)."""
    back = [(la, lo) for la, lo in backdrop if la is not None and lo is not None]
    pts = [p for p in points if p.lat is not None and p.lon is not None]
    every = back + [(p.lat, p.lon) for p in pts]
    if not every:
        return svg(width, 40, [f'<text x="8" y="24">{esc("no coordinates")}</text>'], label, "map")
    lat0, lat1 = min(a for a, _ in every), max(a for a, _ in every)
    lon0, lon1 = min(b for _, b in every), max(b for _, b in every)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = max((lon1 - lon0) * k, 1e-3), max(lat1 - lat0, 1e-3)
    right = pad + (120 if any(p.label for p in pts) else 0)  # room for names beside the marks
    scale = min((width - pad - right) / span_x, (height - 2 * pad) / span_y)
    h = min(height, span_y * scale + 2 * pad)
    w = min(width, span_x * scale + pad + right)
    ox = pad + (w - pad - right - span_x * scale) / 2
    oy = (h - span_y * scale) / 2

    def xy(la: float, lo: float) -> tuple[float, float]:
        return ox + (lo - lon0) * k * scale, oy + (lat1 - la) * scale

    body = ['<g class="map-backdrop" fill="#c9d1d8">']
    body += [f'<circle cx="{num(x)}" cy="{num(y)}" r="2"/>' for x, y in (xy(a, b) for a, b in back)]
    body.append('</g><g class="map-points">')
    for p in pts:
        x, y = xy(p.lat, p.lon)
        x += p.dx
        mark = (
            mark_shape(p.shape, x, y, p.r, safe_color(p.color), css_class(p.cls))
            + f"<title>{esc(p.title)}</title>"
        )
        if p.label:
            lx = num(x + p.r + 3 + p.label_dx)
            mark += f'<text x="{lx}" y="{num(y + 4)}" class="map-label">{esc(p.label)}</text>'
        body.append(link(f"<g>{mark}</g>", p.href, p.title))
    body.append("</g>")
    return svg(w, h, body, label, "map")


# -- bars -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """A part of a bar: its value, a class or colour, and its tooltip."""

    value: float
    title: str = ""
    cls: str = ""
    color: str | None = None


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, its stacked segments, an optional link and value text."""

    label: str
    segments: tuple[Segment, ...]
    href: str | None = None
    text: str | None = None


def bar_chart(
    bars: Sequence[Bar], width: int = 640, bar_h: int = 18, label: str = "Bars", label_w: int = 180
) -> Markup:
    """Horizontal bars, stacked from their segments, scaled to the largest total; each bar's
    label on the left (a link when ``href``), its total (or ``text``) on the right."""
    height = 8 + len(bars) * (bar_h + 6)
    peak = max((sum(max(s.value, 0) for s in b.segments) for b in bars), default=0) or 1
    x0, room = float(label_w), width - label_w - 60
    body = []
    for i, b in enumerate(bars):
        y = 4 + i * (bar_h + 6)
        text = f'<text x="{num(x0 - 6)}" y="{num(y + bar_h - 5)}" text-anchor="end">{esc(b.label)}</text>'
        body.append(link(text, b.href, b.label))
        x = x0
        total = 0.0
        for s in b.segments:
            if s.value <= 0:
                continue
            w = room * s.value / peak
            fill = safe_color(s.color)
            f = f' fill="{fill}"' if fill else ""
            c = f' class="{esc(css_class(s.cls))}"' if s.cls else ""
            body.append(
                f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{bar_h}"{f}{c}>'
                f"<title>{esc(s.title or num(s.value))}</title></rect>"
            )
            x += w
            total += s.value
        shown = b.text if b.text is not None else num(total)
        y_text = num(y + bar_h - 5)
        body.append(f'<text x="{num(x + 4)}" y="{y_text}" class="bar-value">{esc(shown)}</text>')
    return svg(width, height, body, label, "bars")


def legend(entries: Iterable[tuple[str, str, str | None]]) -> Markup:
    """An HTML legend: ``(shape, label, colour)`` per entry, shapes as :func:`point_map` draws them."""
    items = []
    for shape, text, color in entries:
        mark = mark_shape(shape, 8, 8, 5, safe_color(color) or "#66707a", "")
        items.append(
            f'<li><svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" '
            f'aria-hidden="true">{mark}</svg> {esc(text)}</li>'
        )
    return Markup('<ul class="chart-legend">' + "".join(items) + "</ul>")
