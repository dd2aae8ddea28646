"""Charts on a date axis: a timeline of marks in lanes, and per-lane histograms.

Reads: dates, lanes and labels from the views. Returns: one ``<svg>`` element as
:class:`markupsafe.Markup` (see :mod:`viz.charts` for why SVG drawn on the server).
A mark's date may be a span (a month, a year), drawn as a bar under its point;
past a few hundred marks the callers bin them by week instead
(:func:`lane_histogram`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from viz.svg import css_class, esc, link, mark_shape, num, safe_color, svg

__all__ = ["Bin", "Mark", "lane_histogram", "timeline"]


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
            x = num(self.x(d))
            out.append(f'<line x1="{x}" x2="{x}" y1="{num(top)}" y2="{num(bottom)}"/>')
            out.append(
                f'<text x="{x}" y="{num(bottom + 14)}" stroke="none" text-anchor="middle">{esc(text)}</text>'
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
        out.append(f'<rect x="0" y="{num(y)}" width="{num(width)}" height="{num(lane_h)}" fill="{fill}"/>')
        out.append(
            f'<text x="6" y="{num(y + lane_h / 2 + 4)}" class="lane-label">'
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
        return svg(width, height, body, label, "timeline")
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
            body.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}"/>')
    body.append('</g><g class="tl-marks">')
    for m in marks:
        if m.key not in where:
            continue
        x, y = where[m.key]
        fill = safe_color(m.color)
        f = f' fill="{fill}"' if fill else ""
        cls = css_class(m.cls)
        inner = ""
        if m.end > m.start:  # a month or a year: the span the date allows
            xa, xb = axis.x(m.start), axis.x(m.end)
            inner += (
                f'<rect x="{num(xa)}" y="{num(y - 3)}" width="{num(max(xb - xa, 2))}" height="6" rx="3"'
                f'{f} fill-opacity="0.35" class="tl-span"/>'
            )
        inner += mark_shape("circle", x, y, 4.5, fill, cls) + f"<title>{esc(m.title)}</title>"
        body.append(link(f"<g>{inner}</g>", m.href, m.title))
    body.append("</g>")
    return svg(width, height, body, label, "timeline")


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
        return svg(width, height, body, label, "timeline")
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
        fill = safe_color(colors.get(b.lane)) or "#2471a3"
        rect = (
            f'<rect x="{num(x0)}" y="{num(y)}" width="{num(max(x1 - x0 - 0.5, 1))}" height="{num(h)}"'
            f' fill="{fill}"/><title>{esc(b.title or f"{b.count}")}</title>'
        )
        body.append(link(f"<g>{rect}</g>", b.href, b.title))
    body.append("</g>")
    return svg(width, height, body, label, "timeline")
