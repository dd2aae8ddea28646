"""The server-drawn SVG charts (viz/charts.py): well-formed, escaped, links kept safe, placed right."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from markupsafe import Markup

from viz.charts import (
    Bar,
    Bin,
    MapPoint,
    Mark,
    Segment,
    bar_chart,
    lane_histogram,
    legend,
    point_map,
    safe_href,
    timeline,
)

SVG = "{http://www.w3.org/2000/svg}"
XSS = '<script>alert("x")</script>'


def _parse(m: Markup) -> ET.Element:
    assert isinstance(m, Markup)
    return ET.fromstring(str(m))


def _circles(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}circle"))


def test_safe_href_keeps_site_paths_and_drops_scripts() -> None:
    assert safe_href("/view/plans/a.b") == "/view/plans/a.b"
    assert safe_href("?province=B%E1") == "?province=B%E1"
    assert safe_href("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "//evil.example/x", "data:text/html,x", ""):
        assert safe_href(bad) is None


def test_map_is_wellformed_escaped_and_north_is_up() -> None:
    pts = [
        MapPoint(22.3, 105.9, f"north {XSS}", href="/view/plans/n", label=XSS, color="#c0392b"),
        MapPoint(10.8, 106.7, "south", href="javascript:alert(1)", shape="ring", color="red;x"),
        MapPoint(16.0, 108.2, "middle", shape="cross"),
    ]
    m = point_map(pts, backdrop=[(21.0, 105.8), (9.2, 105.2)], label=f"map {XSS}")
    assert "<script" not in m and "javascript:" not in m
    root = _parse(m)
    assert root.tag == f"{SVG}svg"
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/view/plans/n"]  # the unsafe link is dropped, not the point
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert f"north {XSS}" in titles  # escaped in the markup, the same text once parsed
    marks = [c for c in _circles(root) if c.get("r") != "2"]
    ys = {float(c.get("cy")) for c in marks[:1]}
    south = next(c for c in marks if c.get("fill") == "#ffffff")
    assert min(ys) < float(south.get("cy"))  # the north point is higher on the page
    assert all(c.get("fill") != "red;x" for c in _circles(root))  # colours are hex only


def test_map_without_coordinates_says_so() -> None:
    root = _parse(point_map([]))
    assert "no coordinates" in "".join(root.itertext())


def test_timeline_places_dates_left_to_right_and_draws_spans() -> None:
    marks = [
        Mark("a", "central", date(2024, 1, 31), date(2024, 1, 31), "KL 70", href="/view/plans/a"),
        Mark("b", "province", date(2024, 4, 2), date(2024, 4, 2), f"241 {XSS}", href="/view/plans/b"),
        Mark("c", "district", date(2024, 5, 1), date(2024, 5, 31), "a May plan"),
    ]
    m = timeline(["central", "province", "district"], marks, links=[("a", "b"), ("b", "c"), ("b", "zz")])
    assert "<script" not in m
    root = _parse(m)
    dots = [c for c in _circles(root)]
    xs = [float(c.get("cx")) for c in dots]
    assert xs == sorted(xs)  # later dates further right
    ys = [float(c.get("cy")) for c in dots]
    assert ys == sorted(ys)  # lanes top to bottom in the given order
    assert len(list(root.iter(f"{SVG}line"))) >= 2  # two links (the unknown end is skipped) + ticks
    spans = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "tl-span"]
    assert len(spans) == 1 and float(spans[0].get("width")) > 10  # the month is a bar, not a point
    assert {a.get("href") for a in root.iter(f"{SVG}a")} == {"/view/plans/a", "/view/plans/b"}


def test_histogram_scales_each_lane_and_links_bins() -> None:
    bins = [
        Bin("province", date(2024, 3, 1), date(2024, 3, 7), 10, "10 plans", href="/x?week=1"),
        Bin("province", date(2024, 3, 8), date(2024, 3, 14), 5, "5 plans"),
        Bin("district", date(2024, 3, 8), date(2024, 3, 14), 400, XSS),
    ]
    root = _parse(lane_histogram(["province", "district"], bins, lane_colors={"district": "#1e8449"}))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") in ("#2471a3", "#1e8449")]
    heights = [float(r.get("height")) for r in bars]
    assert heights[0] == heights[2]  # each lane's fullest bin is full height
    assert heights[1] == heights[0] / 2
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/x?week=1"]


def test_bars_stack_and_escape() -> None:
    bars = [
        Bar(XSS, (Segment(3, "stricter", color="#1e8449"), Segment(1, "looser", color="#c0392b")), href="/a"),
        Bar("b", (Segment(2, "equal"),), text="2 links"),
    ]
    m = bar_chart(bars)
    assert "<script" not in m
    root = _parse(m)
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 3
    w = [float(r.get("width")) for r in rects]
    assert abs(w[0] - 3 * w[1]) < 0.2 and abs(w[2] - 2 * w[1]) < 0.2
    assert "2 links" in "".join(root.itertext())


def test_legend_is_html_with_escaped_labels() -> None:
    m = legend([("ring", XSS, "#c0392b"), ("circle", "covered", None)])
    assert "<script" not in m and "&lt;script&gt;" in m
    assert m.count("<li>") == 2
