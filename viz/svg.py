"""SVG pieces every chart of :mod:`viz.charts` is made of: escaping, safe links, colours, shapes.

Reads: plain values. Returns: strings of SVG markup (and :func:`svg`, the whole
element as :class:`markupsafe.Markup`). Why a module of its own: the map, the bars
and the timelines (:mod:`viz.timechart`) must escape, link and colour the same way;
see :mod:`viz.charts` for why charts are SVG drawn on the server.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

__all__ = ["FONT", "css_class", "esc", "link", "mark_shape", "num", "safe_color", "safe_href", "svg"]

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


def safe_color(c: str | None) -> str | None:
    return c if c and _COLOR.fullmatch(c) else None


def css_class(c: str | None) -> str:
    return _CLASS.sub("", c or "").strip()


def num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def link(inner: str, href: str | None, label: str | None = None) -> str:
    h = safe_href(href)
    if h is None:
        return inner
    aria = f' aria-label="{esc(label)}"' if label else ""
    return f'<a href="{esc(h)}"{aria}>{inner}</a>'


def svg(width: float, height: float, body: list[str], label: str, cls: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {esc(css_class(cls))}" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}" '
        f'role="img" aria-label="{esc(label)}" font-size="{FONT}">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def mark_shape(shape: str, x: float, y: float, r: float, fill: str | None, cls: str) -> str:
    f = f' fill="{fill}"' if fill else ""
    c = f' class="{esc(cls)}"' if cls else ""
    if shape == "ring":
        stroke = f' stroke="{fill}"' if fill else ""
        return (
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="#ffffff"{stroke} stroke-width="2"{c}/>'
        )
    if shape == "cross":
        d = r * 0.8
        stroke = f' stroke="{fill}"' if fill else ""
        return (
            f'<path d="M{num(x - d)} {num(y - d)}L{num(x + d)} {num(y + d)}'
            f'M{num(x - d)} {num(y + d)}L{num(x + d)} {num(y - d)}"{stroke} stroke-width="2"{c}/>'
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="transparent"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{num(x)} {num(y - r)}L{num(x + r)} {num(y)}L{num(x)} {num(y + r)}'
            f'L{num(x - r)} {num(y)}Z"{f}{c}/>'
        )
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}"{f}{c}/>'
