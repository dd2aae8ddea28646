"""The HTML views: content, offline assets, escaping, and the HTML 404."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from api_fixtures import XSS, TestClient, id_of

from graph.service import Lineage
from viz.network import LEVEL_COLORS, WIDE_ROW, cascade_network, layers


class Assets(HTMLParser):
    """Collects every URL a page would load (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.json_scripts: dict[str, str] = {}
        self._in_json: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"] or "")
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"] or "")
        if tag == "script" and a.get("type") == "application/json":
            self._in_json = a.get("id") or ""

    def handle_data(self, data: str) -> None:
        if self._in_json is not None:
            self.json_scripts[self._in_json] = self.json_scripts.get(self._in_json, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = None


def parse(html: str) -> Assets:
    p = Assets()
    p.feed(html)
    return p


def assert_offline(client: TestClient, html: str) -> Assets:
    """No script, style or image from another host, and every local asset is served."""
    page = parse(html)
    assert page.loads, "the page loads no assets at all"
    for url in page.loads:
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", html, re.I)
    return page


def test_home_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert 'name="q"' in html and "/api/plans" in html  # the search box and its API
    assert "Root directives" in html and "70-KL/TW" in html
    page = assert_offline(client, html)
    assert "/static/vis-network/vis-network.min.js" in page.loads
    overview = json.loads(page.json_scripts["overview-data"])
    keys = {n["id"] for n in overview["nodes"]}
    assert {"central:", "province:Bắc Kạn", "district:Bắc Kạn"} <= keys
    assert overview["edges"], "the overview has no links between groups"
    assert overview["options"]["physics"]["enabled"] is False


def test_home_root_descendant_counts(client: TestClient) -> None:
    html = client.get("/").text
    row = re.search(r"70-KL/TW</a></td>.*?<td class=\"num\">(\d+)</td>", html, re.S)
    assert row and int(row.group(1)) == 4


def test_home_search_renders_results(client: TestClient) -> None:
    r = client.get("/", params={"q": "474"})
    assert r.status_code == 200
    assert "474/KH-MTTQ-BTT" in r.text
    r = client.get("/", params={"q": "\x00" + "a" * 3000, "level": "nonsense"})
    assert r.status_code == 200


def test_plan_page_graph(client: TestClient, lin: Lineage) -> None:
    pid = id_of(lin, "241-KH/TU")
    r = client.get(f"/view/plans/{pid}")
    assert r.status_code == 200
    html = r.text
    page = assert_offline(client, html)
    data = json.loads(page.json_scripts["cascade-data"])
    nodes = {n["id"]: n for n in data["nodes"]}
    kl70, mttq, huyen = (id_of(lin, n) for n in ("70-KL/TW", "474/KH-MTTQ-BTT", "15-KH/HU"))
    assert {pid, kl70, mttq, huyen} <= nodes.keys()
    # ancestors above, descendants below
    assert nodes[kl70]["level"] < nodes[pid]["level"] < nodes[mttq]["level"]
    # coloured by level; the stub is lighter and dashed
    assert nodes[pid]["color"]["border"] in ("#111111", LEVEL_COLORS["province"])
    assert nodes[mttq]["color"]["background"] == LEVEL_COLORS["province"]
    assert nodes[huyen]["color"]["background"] == LEVEL_COLORS["district"]
    assert nodes[kl70]["shapeProperties"]["borderDashes"]
    assert nodes[kl70]["color"]["background"] != LEVEL_COLORS["central"]
    assert not nodes[mttq]["shapeProperties"]["borderDashes"]
    # every edge points child -> parent
    assert {"from": mttq, "to": pid} in [{"from": e["from"], "to": e["to"]} for e in data["edges"]]
    assert all(nodes[e["from"]]["level"] > nodes[e["to"]]["level"] for e in data["edges"])
    assert data["options"]["layout"]["hierarchical"]["enabled"] is True
    assert data["options"]["physics"]["enabled"] is False
    # side panel data, own-page links, legend, evidence
    assert nodes[mttq]["info"]["url"] == f"/view/plans/{mttq}"
    assert f'href="/view/plans/{kl70}"' in html
    assert "implements" in html and "known only by reference" in html
    assert "Thực hiện Kết luận số 70-KL/TW" in html  # the evidence sentence of its link


def test_plan_page_for_a_stub_and_a_leaf(client: TestClient, lin: Lineage) -> None:
    for number in ("70-KL/TW", "15-KH/HU"):
        r = client.get(f"/view/plans/{id_of(lin, number)}")
        assert r.status_code == 200 and number in r.text


def test_markup_in_documents_is_escaped(client: TestClient, lin: Lineage) -> None:
    pid = id_of(lin, "99-KH/TU")
    for url in (f"/view/plans/{pid}", f"/view/plans/{id_of(lin, '70-KL/TW')}", "/", "/?q=99-KH"):
        html = client.get(url).text
        assert XSS not in html, url
        assert "<b>đậm</b>" not in html, url
    html = client.get(f"/view/plans/{pid}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the visible heading
    data = json.loads(parse(html).json_scripts["cascade-data"])
    node = next(n for n in data["nodes"] if n["id"] == pid)
    # the tooltip is HTML, so the document's markup arrives there escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in node["title"] and "<script>" not in node["title"]
    assert "&amp;" in node["title"]


def test_unknown_plan_page_is_html_404(client: TestClient) -> None:
    for ident in ("no-such.plan", "%00", "a%3Cb%3E"):
        r = client.get(f"/view/plans/{ident}")
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert "Not found" in r.text and "<b>" not in r.text


def test_static_assets_are_vendored_with_license(client: TestClient) -> None:
    r = client.get("/static/vis-network/vis-network.min.js")
    assert r.status_code == 200 and "vis-network" in r.text[:400]
    assert client.get("/static/vis-network/LICENSE-MIT").status_code == 200
    assert client.get("/static/lineage.js").status_code == 200
    assert client.get("/static/viz.css").status_code == 200


def _summary(i: str, level: str, depth: int) -> dict[str, object]:
    issuer = {"name": f"body {i}", "level": level, "province": "Bắc Kạn"}
    return {"id": i, "iri": f"urn:{i}", "number": f"{i}-KH", "issuer": issuer, "stub": False, "depth": depth}


def test_rows_follow_the_longest_path() -> None:
    """A plan implementing both a plan and that plan's parent sits below both."""
    nodes = [_summary("a", "central", -1), _summary("b", "province", 0), _summary("c", "district", 1)]
    assert layers(nodes, [("b", "a"), ("c", "b"), ("c", "a")]) == {"a": 0, "b": 1, "c": 2}
    # a cycle (two documents implementing each other) falls back to the depths
    assert layers(nodes[:2], [("a", "b"), ("b", "a")]) == {"a": 0, "b": 1}


def test_wide_cascades_switch_to_a_settling_force_layout() -> None:
    n = WIDE_ROW + 5
    nodes = [_summary("root", "central", 0)] + [_summary(f"p{i}", "province", 1) for i in range(n)]
    edges = [{"source": f"p{i}", "target": "root", "relation": "parent"} for i in range(n)]
    data = cascade_network({"nodes": nodes, "edges": edges}, "root")
    assert data["options"]["physics"]["enabled"] is True
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 500
    assert {node["shape"] for node in data["nodes"]} == {"dot"}
    assert {e["title"] for e in data["edges"]} == {"implements"}
    small = cascade_network({"nodes": nodes[:3], "edges": edges[:2]}, "root")
    assert small["options"]["physics"]["enabled"] is False
    assert small["options"]["layout"]["hierarchical"]["enabled"] is True


def test_large_cascades_are_cut_to_a_depth(
    client: TestClient, lin: Lineage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import viz.views

    monkeypatch.setattr(viz.views, "MAX_NODES", 2)
    r = client.get(f"/view/plans/{id_of(lin, '70-KL/TW')}")
    assert r.status_code == 200
    assert "Large cascade" in r.text and "max_depth=3" in r.text
    r = client.get(f"/view/plans/{id_of(lin, '70-KL/TW')}", params={"max_depth": 1})
    assert r.status_code == 200 and "Large cascade" not in r.text
    assert "15-KH/HU" not in r.text  # three steps below: cut


def test_pages_have_no_inline_script_or_style(client: TestClient, lin: Lineage) -> None:
    """What the Content-Security-Policy (api/csp.py) forbids is absent from the pages themselves:
    no inline script, event handler or style attribute; the level colours come as classes."""
    pages = ["/", "/?q=241", f"/view/plans/{id_of(lin, '241-KH/TU')}", "/view/plans/no-such.plan"]
    for url in pages:
        html = client.get(url).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"<[^>]+\s(?:on\w+|style)\s*=", html), url
        assert "<style" not in html, url
    css = client.get("/view/levels.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for level, color in LEVEL_COLORS.items():
        assert f".swatch.level-{level}{{background:{color}}}" in css.text
    assert 'class="swatch level-province"' in client.get("/").text


def test_the_policy_allows_exactly_the_styles_vis_network_injects() -> None:
    """The hashes are read off the vendored script: one per stylesheet it injects, plus the empty
    one (each <style> element is appended empty, then filled); none for anything else."""
    from api.csp import POLICY
    from viz.csp_sources import VIS_NETWORK_JS, csp_hash, vis_style_hashes

    hashes = vis_style_hashes()
    js = VIS_NETWORK_JS.read_text(encoding="utf-8")
    assert hashes[0] == csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert "@version 9.1.2" in js and len(hashes) == 1 + 7  # vis-network 9.1.2 injects 7 stylesheets
    assert all(h in POLICY for h in hashes) and "'unsafe-inline'" not in POLICY
    style_src = next(d for d in POLICY.split("; ") if d.startswith("style-src "))
    assert style_src.split()[1:] == ["'self'", *hashes]
