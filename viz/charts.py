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

Callers give links as site paths ("/view/plans/ID"), ``#fragment``s or http(s)
URLs; anything else (``javascript:``) is dropped. Colours are ``#rgb``/``#rrggbb``
only; class names are kept to letters, digits, ``-`` and ``_``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

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

FONT = 12
_COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_CLASS = re.compile(r"[^A-Za-z0-9_ -]")


def esc(value: object) -> str:
    """Text or an attribute value, escaped for SVG/HTML (quotes included)."""
    return escape("" if value is None else str(value), quote=True)


def safe_href(href: str | None) -> str | None:
    """``href`` when it is a site path, a fragment or an http(s) URL; else None."""
    if not href:
        return None
    h = href.strip()
    if h.startswith(("/", "#", "?", "http://", "https://")) and not h.startswith("//"):
        return h
    return None


def _color(c: str | None) -> str | None:
    return c if c and _COLOR.fullmatch(c) else None


def _cls(c: str | None) -> str:
    return _CLASS.sub("", c or "").strip()


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _link(inner: str, href: str | None, label: str | None = None) -> str:
    h = safe_href(href)
    if h is None:
        return inner
    aria = f' aria-label="{esc(label)}"' if label else ""
    return f'<a href="{esc(h)}"{aria}>{inner}</a>'


def _svg(width: float, height: float, body: list[str], label: str, cls: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {esc(_cls(cls))}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'role="img" aria-label="{esc(label)}" font-size="{FONT}">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def _shape(shape: str, x: float, y: float, r: float, fill: str | None, cls: str) -> str:
    f = f' fill="{fill}"' if fill else ""
    c = f' class="{esc(cls)}"' if cls else ""
    if shape == "ring":
        stroke = f' stroke="{fill}"' if fill else ""
        return (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="#ffffff"{stroke}'
            f' stroke-width="2"{c}/>'
        )
    if shape == "cross":
        d = r * 0.8
        stroke = f' stroke="{fill}"' if fill else ""
        return (
            f'<path d="M{_num(x - d)} {_num(y - d)}L{_num(x + d)} {_num(y + d)}'
            f'M{_num(x - d)} {_num(y + d)}L{_num(x + d)} {_num(y - d)}"{stroke} stroke-width="2"{c}/>'
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="transparent"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{_num(x)} {_num(y - r)}L{_num(x + r)} {_num(y)}L{_num(x)} {_num(y + r)}'
            f'L{_num(x - r)} {_num(y)}Z"{f}{c}/>'
        )
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"{f}{c}/>'


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
        return _svg(width, 40, [f'<text x="8" y="24">{esc("no coordinates")}</text>'], label, "map")
    lat0, lat1 = min(a for a, _ in every), max(a for a, _ in every)
    lon0, lon1 = min(b for _, b in every), max(b for _, b in every)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x, span_y = max((lon1 - lon0) * k, 1e-3), max(lat1 - lat0, 1e-3)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    h = min(height, span_y * scale + 2 * pad)
    w = min(width, span_x * scale + 2 * pad)
    ox = (w - span_x * scale) / 2
    oy = (h - span_y * scale) / 2

    def xy(la: float, lo: float) -> tuple[float, float]:
        return ox + (lo - lon0) * k * scale, oy + (lat1 - la) * scale

    body = ['<g class="map-backdrop" fill="#c9d1d8">']
    body += [f'<circle cx="{_num(x)}" cy="{_num(y)}" r="2"/>' for x, y in (xy(a, b) for a, b in back)]
    body.append('</g><g class="map-points">')
    for p in pts:
        x, y = xy(p.lat, p.lon)
        x += p.dx
        mark = _shape(p.shape, x, y, p.r, _color(p.color), _cls(p.cls)) + f"<title>{esc(p.title)}</title>"
        if p.label:
            mark += f'<text x="{_num(x + p.r + 3)}" y="{_num(y + 4)}" class="map-label">{esc(p.label)}</text>'
        body.append(_link(f"<g>{mark}</g>", p.href, p.title))
    body.append("</g>")
    return _svg(w, h, body, label, "map")


# -- dates on an axis ------------------------------------------------------------------------------
def _ticks(d0: date, d1: date) -> list[tuple[date, str]]:
    """Axis ticks between two dates: weeks, months, quarters or years by the span."""
    span = (d1 - d0).days
    out: list[tuple[date, str]] = []
    if span <= 62:
        d = d0 - timedelta(days=d0.weekday())
        while d <= d1:
            if d >= d0:
                out.append((d, f"{d.day:02d}/{d.month:02d}"))
            d += timedelta(days=7)
        return out
    if span <= 3 * 366:
        step = 1 if span <= 550 else 3
        y, m = d0.year, d0.month
        while True:
            d = date(y, m, 1)
            if d > d1:
                return out
            if d >= d0 and (m - 1) % step == 0:
                out.append((d, f"{m:02d}/{y}"))
            m += 1
            if m > 12:
                y, m = y + 1, 1
    step = max(1, math.ceil((d1.year - d0.year) / 12))
    return [(date(y, 1, 1), str(y)) for y in range(d0.year + 1, d1.year + 1) if y % step == 0]


class _Axis:
    def __init__(self, d0: date, d1: date, x0: float, x1: float) -> None:
        if d1 <= d0:
            d0, d1 = d0 - timedelta(days=3), d1 + timedelta(days=3)
        self.d0, self.d1, self.x0, self.x1 = d0, d1, x0, x1
        self.per_day = (x1 - x0) / max((d1 - d0).days, 1)

    def x(self, d: date) -> float:
        return self.x0 + (d - self.d0).days * self.per_day

    def draw(self, top: float, bottom: float) -> list[str]:
        out = ['<g class="axis" stroke="#d8dde2" fill="#66707a">']
        for d, text in _ticks(self.d0, self.d1):
            x = _num(self.x(d))
            out.append(f'<line x1="{x}" x2="{x}" y1="{_num(top)}" y2="{_num(bottom)}"/>')
            out.append(
                f'<text x="{x}" y="{_num(bottom + 14)}" stroke="none" text-anchor="middle">{esc(text)}</text>'
            )
        out.append("</g>")
        return out


def _lanes(
    names: Sequence[str], labels: dict[str, str], top: float, lane_h: float, width: float
) -> list[str]:
    out = ['<g class="lanes">']
    for i, name in enumerate(names):
        y = top + i * lane_h
        fill = "#f5f7f9" if i % 2 == 0 else "#ffffff"
        out.append(f'<rect x="0" y="{_num(y)}" width="{_num(width)}" height="{_num(lane_h)}" fill="{fill}"/>')
        out.append(
            f'<text x="6" y="{_num(y + lane_h / 2 + 4)}" class="lane-label">'
            f"{esc(labels.get(name, name))}</text>"
        )
    out.append("</g>")
    return out


# -- timeline ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mark:
    """One item on a timeline: in lane ``lane`` from ``start`` to ``end`` (a day: the same date;
    a month or a year: its first and last day, drawn as a bar)."""

    key: str
    lane: str
    start: date
    end: date
    title: str
    href: str | None = None
    cls: str = ""
    color: str | None = None


def timeline(
    lanes: Sequence[str],
    marks: Sequence[Mark],
    links: Iterable[tuple[str, str]] = (),
    lane_labels: dict[str, str] | None = None,
    width: int = 960,
    lane_h: int = 64,
    label: str = "Timeline",
) -> Markup:
    """Marks on a date axis (x) in lanes (y, in the given order), with lines for ``links``
    (pairs of mark keys: from the parent to the child). Marks sharing a lane and a day are
    spread vertically inside the lane so each one stays clickable."""
    labels = lane_labels or {}
    left, top = 118.0, 8.0
    height = top + lane_h * len(lanes) + 26
    if not marks:
        body = _lanes(lanes, labels, top, lane_h, width)
        return _svg(width, height, body, label, "timeline")
    axis = _Axis(min(m.start for m in marks), max(m.end for m in marks), left + 10, width - 14)
    row = {name: i for i, name in enumerate(lanes)}
    seen: dict[tuple[str, int], int] = {}
    where: dict[str, tuple[float, float]] = {}
    for m in marks:
        if m.lane not in row:
            continue
        x_a, x_b = axis.x(m.start), axis.x(m.end)
        slot = (m.lane, round((x_a + x_b) / 2 / 6))
        n = seen[slot] = seen.get(slot, -1) + 1
        off = ((n % 7) - 3) * (lane_h / 9)
        where[m.key] = ((x_a + x_b) / 2, top + row[m.lane] * lane_h + lane_h / 2 + off)
    body = _lanes(lanes, labels, top, lane_h, width) + axis.draw(top, top + lane_h * len(lanes))
    body.append('<g class="tl-links" stroke="#9aa5ae" stroke-width="1" fill="none">')
    for a, b in links:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            body.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>')
    body.append('</g><g class="tl-marks">')
    for m in marks:
        if m.key not in where:
            continue
        x, y = where[m.key]
        fill = _color(m.color)
        f = f' fill="{fill}"' if fill else ""
        cls = _cls(m.cls)
        inner = ""
        if m.end > m.start:  # a month or a year: the span the date allows
            xa, xb = axis.x(m.start), axis.x(m.end)
            inner += (
                f'<rect x="{_num(xa)}" y="{_num(y - 3)}" width="{_num(max(xb - xa, 2))}" height="6" rx="3"'
                f'{f} fill-opacity="0.35" class="tl-span"/>'
            )
        inner += _shape("circle", x, y, 4.5, fill, cls) + f"<title>{esc(m.title)}</title>"
        body.append(_link(f"<g>{inner}</g>", m.href, m.title))
    body.append("</g>")
    return _svg(width, height, body, label, "timeline")


@dataclass(frozen=True)
class Bin:
    """``count`` items of lane ``lane`` dated from ``start`` to ``end`` (inclusive)."""

    lane: str
    start: date
    end: date
    count: int
    title: str = ""
    href: str | None = None


def lane_histogram(
    lanes: Sequence[str],
    bins: Sequence[Bin],
    lane_labels: dict[str, str] | None = None,
    lane_colors: dict[str, str] | None = None,
    width: int = 960,
    lane_h: int = 64,
    label: str = "Histogram",
) -> Markup:
    """A histogram per lane on one date axis: what :func:`timeline` draws when there are too
    many marks to draw one by one. Bar heights are relative to the lane's fullest bin."""
    labels, colors = lane_labels or {}, lane_colors or {}
    left, top = 118.0, 8.0
    height = top + lane_h * len(lanes) + 26
    body = _lanes(lanes, labels, top, lane_h, width)
    if not bins:
        return _svg(width, height, body, label, "timeline")
    axis = _Axis(min(b.start for b in bins), max(b.end for b in bins), left + 10, width - 14)
    body += axis.draw(top, top + lane_h * len(lanes))
    row = {name: i for i, name in enumerate(lanes)}
    peak: dict[str, int] = {}
    for b in bins:
        peak[b.lane] = max(peak.get(b.lane, 0), b.count)
    body.append('<g class="tl-bins">')
    for b in bins:
        if b.lane not in row or b.count <= 0:
            continue
        h = (lane_h - 10) * b.count / peak[b.lane]
        x0, x1 = axis.x(b.start), axis.x(b.end + timedelta(days=1))
        y = top + (row[b.lane] + 1) * lane_h - 4 - h
        fill = _color(colors.get(b.lane)) or "#2471a3"
        rect = (
            f'<rect x="{_num(x0)}" y="{_num(y)}" width="{_num(max(x1 - x0 - 0.5, 1))}" height="{_num(h)}"'
            f' fill="{fill}"/><title>{esc(b.title or f"{b.count}")}</title>'
        )
        body.append(_link(f"<g>{rect}</g>", b.href, b.title))
    body.append("</g>")
    return _svg(width, height, body, label, "timeline")


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
        text = f'<text x="{_num(x0 - 6)}" y="{_num(y + bar_h - 5)}" text-anchor="end">{esc(b.label)}</text>'
        body.append(_link(text, b.href, b.label))
        x = x0
        total = 0.0
        for s in b.segments:
            if s.value <= 0:
                continue
            w = room * s.value / peak
            fill = _color(s.color)
            f = f' fill="{fill}"' if fill else ""
            c = f' class="{esc(_cls(s.cls))}"' if s.cls else ""
            body.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{bar_h}"{f}{c}>'
                f"<title>{esc(s.title or _num(s.value))}</title></rect>"
            )
            x += w
            total += s.value
        shown = b.text if b.text is not None else _num(total)
        y_text = _num(y + bar_h - 5)
        body.append(f'<text x="{_num(x + 4)}" y="{y_text}" class="bar-value">{esc(shown)}</text>')
    return _svg(width, height, body, label, "bars")


def legend(entries: Iterable[tuple[str, str, str | None]]) -> Markup:
    """An HTML legend: ``(shape, label, colour)`` per entry, shapes as :func:`point_map` draws them."""
    items = []
    for shape, text, color in entries:
        mark = _shape(shape, 8, 8, 5, _color(color) or "#66707a", "")
        items.append(
            f'<li><svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" '
            f'aria-hidden="true">{mark}</svg> {esc(text)}</li>'
        )
    return Markup('<ul class="chart-legend">' + "".join(items) + "</ul>")
