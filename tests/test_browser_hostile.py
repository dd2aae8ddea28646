"""Every view stays inert to hostile text, in a real browser, with and without its CSP.

What it guards: documents whose every field (title, issuer line, number,
references and their evidence sentences, campaigns, signer, recipients, the
places that name the groups) carries script and attribute-breaking payloads
(:data:`PAYLOADS`: ``<script>``, ``"><img onerror>``, ``javascript:`` URLs,
``</script>`` inside the JSON a page embeds, template syntax, U+2028/U+2029,
RTL marks, entity-encoded markup, a 20,000-character title ...) are ingested,
and every view is opened in headless Chromium: the home page (overview graph,
search results, live search), the cascade of plans and of stubs drawn plan by
plan, grouped and with every plan, the groups a click opens, the node details
a click shows (with the evidence fetched from the API), the JSON those come
from, the HTML 404 and the API docs. Nodes are hovered (their tooltip is HTML
made on the server) and clicked, groups opened, an edge clicked.

What "inert" means, checked after every page and every interaction: no
dialog opened, ``document.title`` not changed, ``window.__xss`` never set, no
element or attribute a payload could have injected (no event-handler
attribute, no ``javascript:`` URL, no script, frame, image, SVG, form, base or
meta beyond the page's own), no request off the server, no console error
(CSP violations included); and the text is shown as text (the page heading,
the side panel and the tooltip contain the payload's characters verbatim).

Two runs: with the browser told to ignore the Content-Security-Policy
(``bypass_csp``), every page and every payload's nodes, so that the escaping
alone is proven to hold; and with the policy the server sends, each kind of
page and interaction on fewer plans (the same templates and scripts), which
must then cause no violation and leave every view working. A last test shows
the policy does block inline script. Place names and numbers are cut to a few
hundred characters: an id longer than 512 characters (a 20,000-character name
of a body the identity does not know becomes part of the id) names no plan for
the API and the views, so such a plan could not be opened at all.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from browser_fixtures import serve, watch

from api import create_app
from api.csp import POLICY
from graph.service import Lineage
from graph.store import open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref, Signer, Target
from viz.grouping import group_id

# Each payload carries its number ({n}), so what ran would say which one it was.
PAYLOADS: tuple[str, ...] = (
    "<script>alert({n})</script>",
    '"><img src=x onerror=alert({n})>',
    "'><svg onload=alert({n})>",
    "javascript:alert({n})",
    "</script><script>alert({n})</script>",
    "</ScRiPt ><script>document.title='pwned{n}'</script>",
    '" onmouseover="alert({n})" data-x="',
    "' onfocus='alert({n})' autofocus='",
    '<a href="javascript:alert({n})">link {n}</a>',
    '<iframe src="javascript:alert({n})"></iframe>',
    "<b onmouseover=alert({n})>bold {n}</b>",
    "{{ {n}*7 }} {% if 1 %}jinja{n}{% endif %} ${alert({n})} {{constructor.constructor('alert({n})')()}}",
    'line\u2028sep\u2029para {n} "</script>\u2028<script>alert({n})</script>',
    "\u202eRTL override {n}\u202c \u200fmark\u200e <script>alert({n})</script>",
    "&lt;script&gt;alert({n})&lt;/script&gt; &amp;lt;img src=x onerror=alert({n})&amp;gt;",
    "<!-- <script>alert({n})</script> --> <![CDATA[ ]]> --!>",
    "<style>body{display:none}</style><link rel=stylesheet href=//evil.invalid/{n}.css>",
    '<math><mi xlink:href="javascript:alert({n})">m</mi></math>',
    "%3Cscript%3Ealert({n})%3C%2Fscript%3E \\u003cscript\\u003ealert({n})\\u003c/script\\u003e",
    "\"}]};alert({n});// '];alert({n});// `${alert({n})}`",
    '<meta http-equiv="refresh" content="0;url=javascript:alert({n})">',
    '<base href="//evil.invalid/"><form action="javascript:alert({n})"><button>go {n}</button></form>',
    '<img src=x onerror="window.__xss=({n})"><svg><script>alert({n})</script></svg>',
    "<details open ontoggle=alert({n})>x</details><video><source onerror=alert({n})></video>",
    "Kế hoạch " + "dài " * 5000 + "<script>alert({n})</script>",  # 20,000+ characters
)
# Where documents put text: what a record built in process carries in each of them.
FIELDS = (
    "title",
    "number",
    "issuer name",
    "province",
    "district",
    "commune",
    "implements: number, title, issuer, evidence",
    "cites: number, title, issuer, evidence",
    "campaigns",
    "signer name and title",
    "recipients",
    "targets",
)
DISTRICTS = 2  # per province plan
COMMUNES = 8  # per district plan: 25 x (1 + 2 + 16) = 475 plans under the root: drawn in groups


def payload(i: int) -> str:
    """Payload ``i`` (0-based) with its number, 1-based."""
    return PAYLOADS[i].replace("{n}", str(i + 1))


def place_name(i: int) -> str:
    """The province of payload ``i``: the payload, cut so that plan ids stay under 512 characters."""
    return payload(i)[:60]


def short(text: str) -> str:
    return text if len(text) <= 300 else text[:300]


def hostile_records() -> list[PlanRecord]:
    """One province plan per payload under a hostile root directive (a stub), with district
    and commune plans below it; every text field, and every place name, carries the payload."""
    root_issuer = Issuer(name="Bộ Chính trị " + payload(0), system="party", level="central")
    records: list[PlanRecord] = []

    def ev(text: str) -> Evidence:
        return Evidence(start=0, end=len(text), method="test", text=text)

    def add(i: int, level: str, issuer: Issuer, number: str, parent: Ref) -> Ref:
        p = payload(i)
        records.append(
            PlanRecord(
                source=f"hostile/{len(records):04d}.txt",
                doc_type="ke_hoach",
                number=number,
                date="2024-05-02",
                title=p,
                issuer=issuer,
                implements=(replace_evidence(parent, ev(f"Thực hiện {p}")),),
                cites=(
                    Ref(
                        doc_type="quyet_dinh",
                        number=f"{len(records) + 500}/QĐ-UBND {p[:200]}",
                        date="2024-01-02",
                        title=p,
                        issuer=Issuer(
                            name=f"UBND tỉnh {p}", system="state", level="province", province=place_name(i)
                        ),
                        evidence=ev(f"Căn cứ {p}"),
                    ),
                )
                if level == "province"
                else (),
                campaigns=(p, f"Toàn dân {p}"),
                signer=Signer(name=p, title=f"PHÓ BÍ THƯ {p}"),
                recipients=(p, f"Lưu: {p}"),
                targets=(Target(p, ">=", 60, "%", 2030, p),),
                evidence={"/title": ev(p), "/number": ev(number)},
                sha256=f"{len(records) + 1:064x}",
            )
        )
        return Ref(doc_type="ke_hoach", number=number, date="2024-05-02", issuer=issuer)

    root = Ref(
        doc_type="ket_luan", number="70-KL/TW", date="2024-01-31", title=payload(1), issuer=root_issuer
    )
    for i in range(len(PAYLOADS)):
        p = payload(i)
        place = place_name(i)
        prov = Issuer(name=f"Ban Thường vụ Tỉnh ủy {p}", system="party", level="province", province=place)
        top = add(i, "province", prov, f"{i + 1}-KH/TU {p[:200]}", root)
        for d in range(DISTRICTS):
            dist = Issuer(f"Huyện ủy {p} {d}", "party", "district", province=place, district=f"{place} {d}")
            mid = add(i, "district", dist, f"{100 * (i + 1) + d}-KH/HU", top)
            for c in range(COMMUNES):
                com = Issuer(
                    f"Đảng ủy xã {p[:300]} {c}",  # a body not known by name: its slug is in the id
                    "party",
                    "commune",
                    province=place,
                    district=f"{place} {d}",
                    commune=f"{place} {c}",
                )
                add(i, "commune", com, f"{10_000 * (i + 1) + 10 * d + c}-KH/ĐU", mid)
    return records


def replace_evidence(ref: Ref, evidence: Evidence) -> Ref:
    return Ref(ref.doc_type, ref.number, ref.date, ref.title, ref.issuer, ref.implements, evidence)


# Documents read from text files: the payloads go through the reader and the extraction.
TEXTS = (
    """TỈNH ỦY BẮC KẠN <script>alert(901)</script>
BAN THƯỜNG VỤ "><img src=x onerror=alert(902)>

Số 77-KH/TU<svg onload=alert(903)>\tBắc Kạn, ngày 02 tháng 4 năm 2024

KẾ HOẠCH
thực hiện Kết luận số 70-KL/TW <script>alert(904)</script> về {{ 7*7 }} javascript:alert(905)

Thực hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị "><img src=x onerror=alert(906)> về \
phát triển thể dục, thể thao; Kế hoạch số 12-KH/TU ngày 01/3/2024 của Ban Thường vụ Tỉnh ủy \
</script><script>alert(907)</script>, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch như sau:

Hưởng ứng cuộc vận động “Toàn dân rèn luyện thân thể <script>alert(908)</script> theo gương Bác Hồ”.

Nơi nhận:
- Ban Bí thư <img src=x onerror=alert(909)>;
- Lưu: VT javascript:alert(910).

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Nguyễn Văn "><script>alert(911)</script>
""",
    """ỦY BAN NHÂN DÂN\u2028 HUYỆN CHỢ ĐỒN ' onfocus='alert(921)' autofocus='
Số: 15/KH-UBND\u2029\tChợ Đồn, ngày 10 tháng 5 năm 2024

KẾ HOẠCH
\u202eTriển khai</script><script>alert(922)</script> Kế hoạch số 77-KH/TU của Tỉnh ủy \u200f

Căn cứ Kế hoạch số 77-KH/TU ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn \
<a href="javascript:alert(923)">x</a>; Quyết định số 9/QĐ-UBND ngày 01/02/2024 của UBND tỉnh \
Bắc Kạn &lt;script&gt;alert(924)&lt;/script&gt;, UBND huyện ban hành kế hoạch.

Nơi nhận:
- UBND tỉnh {{ constructor.constructor('alert(925)')() }};
- Lưu: VT.

CHỦ TỊCH
<b onmouseover=alert(926)>Trần</b>
""",
)


@dataclass
class Hostile:
    """The live server over the hostile graph, and what its pages must show."""

    base: str
    lin: Lineage
    root: str
    provinces: list[str]  # the province plan of each payload, in payload order
    stubs: list[str]  # the documents known only by reference
    below: list[str]  # a district and a commune plan of a few payloads
    read: list[str]  # the plans read from TEXTS


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for k, text in enumerate(TEXTS):
        path = folder / f"hostile-{k}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    lin = Lineage.open(open_store("memory:"))
    records = hostile_records()
    assert lin.ingest_records(records).ingested == len(records)
    before = {x["id"] for x in every_document(lin)}
    report, sources = lin.ingest_files(paths, workers=1)
    assert report.ingested == len(TEXTS), [s.error for s in sources]
    read = sorted(x["id"] for x in every_document(lin) if x["id"] not in before and not x["stub"])
    assert len(read) == len(TEXTS)
    (root,) = [r["id"] for r in lin.roots() if r["number"] == "70-KL/TW"]
    assert lin.summary(root)["title"] == payload(1)
    provinces, below = [], []
    for i in range(len(PAYLOADS)):
        hits = [x for x in lin.children(root) if x["issuer"]["province"] == place_name(i)]
        assert len(hits) == 1, i
        plan = lin.plan(hits[0]["id"])
        assert plan is not None
        # the payload reached the service unchanged in every field the views show
        assert plan["title"] == payload(i) and payload(i)[:200] in plan["number"]
        assert plan["issuer"]["name"].endswith(payload(i)) and plan["campaigns"][0] == payload(i)
        assert plan["signer"]["name"] == payload(i) and plan["recipients"][0] == payload(i)
        provinces.append(plan["id"])
        if i % 6 == 0:
            district = lin.children(plan["id"])[0]["id"]
            below += [district, lin.children(district)[0]["id"]]
    stubs = sorted(x["id"] for x in every_document(lin) if x["stub"])
    assert root in stubs and len(stubs) >= len(PAYLOADS) + 1
    app = create_app(lin)
    with serve(app) as base:
        yield Hostile(base, lin, root, provinces, stubs, below, read)


def every_document(lin: Lineage) -> list[dict[str, Any]]:
    total, items = lin.search(limit=100)
    while len(items) < total:
        items += lin.search(limit=100, offset=len(items))[1]
    return items


# ----------------------------------------------------------------- the checks
INJECTED = """() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"];
  const own = new Set(["html", "head", "meta", "title", "link", "body", "header", "a", "nav", "main",
    "h1", "h2", "h3", "p", "span", "section", "form", "input", "select", "option", "button", "div",
    "ol", "ul", "li", "br", "table", "thead", "tbody", "tr", "th", "td", "code", "aside", "dl", "dt",
    "dd", "blockquote", "script", "style", "canvas", "b", "i", "pre"]);
  for (const e of document.querySelectorAll("*")) {
    const tag = e.tagName.toLowerCase();
    if (!own.has(tag)) found.push("element " + tag);
    for (const a of e.attributes) {
      if (a.name.startsWith("on")) found.push(tag + " attribute " + a.name);
      if (urlAttrs.includes(a.name) && /^\\s*(javascript|vbscript|data):/i.test(a.value))
        found.push(tag + " " + a.name + "=" + a.value.slice(0, 60));
      if (a.name === "autofocus" || a.name === "data-x") found.push(tag + " attribute " + a.name);
    }
    if (tag === "script" && !(e.getAttribute("src") || "").startsWith("/static/")
        && e.getAttribute("type") !== "application/json") found.push("script " + e.outerHTML.slice(0, 80));
    if (tag === "style" && !/^(div)?\\.vis/.test(e.textContent)) found.push("style " + e.textContent.slice(0, 60));
    if (tag === "meta" && !e.hasAttribute("charset") && !["viewport", "color-scheme"].includes(e.getAttribute("name")))
      found.push("meta " + e.outerHTML.slice(0, 80));
    if (tag === "link" && !(e.getAttribute("href") || "").startsWith("/")) found.push("link " + e.outerHTML);
    if (tag === "form" && e.id !== "search-form") found.push("form " + e.outerHTML.slice(0, 80));
    if (tag === "a" && !/^(\\/|\\?|#)/.test(e.getAttribute("href") || "/")) found.push("a href=" + e.getAttribute("href"));
  }
  if (window.__xss !== undefined) found.push("window.__xss = " + window.__xss);
  return found;
}"""


# Resolves once the view has stopped moving (two samples 30 ms apart agree).
STILL = """async () => {
  const net = window.lineageView.network;
  let last = null;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 30));
    const p = net.getViewPosition(), key = [p.x, p.y, net.getScale()].join();
    if (key === last) return true;
    last = key;
  }
  return false;
}"""


def collapse(text: str) -> str:
    """Text as a browser shows it: runs of white space (U+2028 and U+2029 included) as one space."""
    return " ".join(text.split())


class Visit:
    """One browser context (CSP enforced or bypassed) and what it has seen."""

    def __init__(self, browser: Any, base: str, bypass_csp: bool) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.problems = watch(self.page, base)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.pages = 0
        self.interactions = 0
        self.expected_404: set[str] = set()
        self.tried: set[str] = set()  # titles of the nodes hovered and clicked

    def open(self, path: str, status: int = 200) -> None:
        url = self.base + path
        if status == 404:
            self.expected_404.add(url)
        response = self.page.goto(url)
        assert response is not None and response.status == status, (path, response and response.status)
        if not path.startswith("/docs"):
            assert response.headers.get("content-security-policy") == POLICY, path
        self.pages += 1
        self.title = self.page.title()

    def check(self) -> None:
        where = self.page.url
        assert self.unexpected() == [], where
        assert self.dialogs == [], where
        assert self.page.title() == self.title, where
        assert not re.fullmatch(r"pwned\d+", self.page.title()), where  # what payload 6 would set
        assert self.page.evaluate(INJECTED) == [], where

    def unexpected(self) -> list[str]:
        """The problems seen, but for the 404s the test asked for."""
        return [p for p in self.problems if not any(u in p and "404" in p for u in self.expected_404)]

    def ready(self, kind: str = "lineageView") -> None:
        self.page.wait_for_function(f"() => window.{kind} && window.{kind}.ready", timeout=30_000)

    def point(self, node_id: str) -> tuple[float, float]:
        """A point of the screen where the node, brought into view (centred, at zoom 1), is the
        one under the mouse (a neighbour's label may cover its centre)."""
        self.page.evaluate(STILL)  # an opened group's nodes glide, then the view fits them
        found = self.page.evaluate(
            """(id) => {
                const net = window.lineageView.network;
                document.getElementById("cascade").scrollIntoView({block: "center"});  // below a long title
                net.focus(id, {scale: 1, animation: false});
                const b = net.getBoundingBox(id), c = net.getPosition(id);
                const box = document.getElementById("cascade").getBoundingClientRect();
                for (const [fx, fy] of [[0.5, 0.5], [0.5, 0.25], [0.5, 0.75], [0.25, 0.5], [0.75, 0.5],
                                        [0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]]) {
                    const p = net.canvasToDOM({x: b.left + (b.right - b.left) * fx,
                                               y: b.top + (b.bottom - b.top) * fy});
                    if (net.getNodeAt(p) === id) return [box.left + p.x, box.top + p.y];
                }
                const p = net.canvasToDOM(c);
                return [box.left + p.x, box.top + p.y, "covered"];
            }""",
            node_id,
        )
        assert len(found) == 2, f"{node_id} is covered by other nodes everywhere"
        return found[0], found[1]

    def hover(self, node_id: str) -> str:
        """The tooltip text of a node, hovered with the mouse."""
        x, y = self.point(node_id)
        self.page.mouse.move(x + 3, y + 3)
        self.page.mouse.move(x, y)
        try:  # the tooltip shows this node's title element (a page may have shown another before)
            self.page.wait_for_function(
                """(id) => { const t = document.querySelector("div.vis-tooltip");
                             const title = window.lineageView.nodes.get(id).title;
                             return t && t.style.visibility !== "hidden" && t.contains(title); }""",
                arg=node_id,
                timeout=5000,
            )
        except Exception:
            state = self.page.evaluate(
                """([x, y]) => { const net = window.lineageView.network;
                    const box = document.getElementById("cascade").getBoundingClientRect();
                    const t = document.querySelector("div.vis-tooltip");
                    return [net.getNodeAt({x: x - box.left, y: y - box.top}),
                            (document.elementFromPoint(x, y) || {}).outerHTML,
                            t ? t.outerHTML.slice(0, 300) : null]; }""",
                [x, y],
            )
            raise AssertionError(f"hover on {node_id} at {x:.0f},{y:.0f}: {state}") from None
        self.interactions += 1
        text: str = self.page.evaluate("() => document.querySelector('div.vis-tooltip').innerText")
        self.check()
        return text

    def click_plan(self, node_id: str) -> str:
        """The side panel's text once a click on a plan node has filled it (evidence loaded)."""
        x, y = self.point(node_id)
        self.page.mouse.click(x, y)
        try:
            self.page.wait_for_function(
                """(id) => { const d = document.getElementById("details");
                             return d.querySelector(`a[href="/view/plans/${id}"]`)
                                    && !d.textContent.includes("Loading evidence"); }""",
                arg=node_id,
                timeout=5000,
            )
        except Exception:
            state = self.page.evaluate(
                """([x, y]) => { const net = window.lineageView.network;
                    const box = document.getElementById("cascade").getBoundingClientRect();
                    return [net.getNodeAt({x: x - box.left, y: y - box.top}), net.getSelectedNodes(),
                            (document.elementFromPoint(x, y) || {}).outerHTML,
                            document.getElementById("details").innerText.slice(0, 300)]; }""",
                [x, y],
            )
            raise AssertionError(f"click on {node_id} at {x:.0f},{y:.0f}: {state}") from None
        self.interactions += 1
        self.check()
        return str(self.page.inner_text("#details"))

    def close(self) -> None:
        self.context.close()


def node_info(v: Visit) -> dict[str, dict[str, Any]]:
    nodes: list[dict[str, Any]] = v.page.evaluate(
        "() => window.lineageView.nodes.get().map(n => ({id: n.id, label: n.label, info: n.info}))"
    )
    return {n["id"]: n for n in nodes}


def assert_shown(text: str, expected: str | None, where: str) -> None:
    """``expected`` (what the service holds) appears verbatim as text in ``text``."""
    if expected:
        assert collapse(expected)[:2000] in collapse(text), (where, short(expected), short(text))


# ------------------------------------------------------------------ the visits
def visit_plan_page(v: Visit, h: Hostile, pid: str, nodes_to_try: int = 3, query: str = "") -> None:
    """A cascade page drawn plan by plan: heading, table, then hover and click some nodes."""
    plan = h.lin.plan(pid)
    assert plan is not None
    v.open(f"/view/plans/{pid}{query}")
    v.ready()
    assert_shown(v.page.inner_text("h1"), plan["title"], pid)
    assert_shown(v.page.inner_text("h1"), plan["number"], pid)
    if plan["issuer"] and plan["issuer"]["name"]:
        assert_shown(v.page.inner_text("p.meta"), plan["issuer"]["name"], pid)
    for link in plan.get("links", []):
        text = (link.get("evidence") or {}).get("text")
        if text:
            assert_shown(v.page.inner_text("#details"), text, pid)
    v.check()
    info = node_info(v)
    tried = [pid, *sorted(n for n in info if n != pid)][:nodes_to_try]
    for nid in tried:
        summary = h.lin.summary(nid)
        if summary.get("title"):
            v.tried.add(summary["title"])
        tip = v.hover(nid)
        assert_shown(tip, summary.get("title"), f"tooltip of {nid}")
        assert_shown(tip, (summary.get("issuer") or {}).get("name"), f"tooltip of {nid}")
        panel = v.click_plan(nid)
        assert_shown(panel, summary.get("title"), f"details of {nid}")
        assert_shown(panel, summary.get("number"), f"details of {nid}")


def click_edge(v: Visit) -> None:
    """Click the middle of one edge between two plans: the panel names both ends."""
    x, y = v.page.evaluate(
        """() => {
            const view = window.lineageView, net = view.network;
            const e = view.edges.get()[0];
            net.fit({animation: false});
            const a = net.getPosition(e.from), b = net.getPosition(e.to);
            const p = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
            const box = document.getElementById("cascade").getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }"""
    )
    v.page.mouse.click(x, y)
    v.page.wait_for_function(
        "() => document.getElementById('details').textContent.includes('implements')", timeout=5000
    )
    v.interactions += 1
    v.check()


def visit_grouped(v: Visit, h: Hostile) -> None:
    """The root's grouped cascade: group labels from hostile places; open groups, then a plan."""
    v.open(f"/view/plans/{h.root}")
    v.ready()
    assert "Large cascade" in v.page.inner_text("main")
    rows = v.page.inner_text("table.data")
    for i in (0, 4, 12):
        assert_shown(rows, place_name(i), "group table")
    groups: list[str] = v.page.evaluate("() => window.lineageView.groupIds()")
    wanted = [
        group_id((level, place_name(i)))
        for level, i in (("province", 1), ("district", 4), ("commune", 12), ("province", 18), ("commune", 19))
    ]
    assert set(wanted) <= set(groups)
    for n, gid in enumerate(wanted):
        tip = v.hover(gid)
        assert_shown(tip, node_info(v)[gid]["info"]["place"], f"tooltip of {gid}")
        x, y = v.point(gid)
        v.page.mouse.click(x, y)
        v.page.wait_for_function(
            f"() => window.lineageView.expanded >= {n + 1} && !window.lineageView.busy", timeout=10_000
        )
        v.interactions += 1
        v.check()
    plans = [nid for nid, n in node_info(v).items() if n["info"].get("kind") != "group" and nid != h.root]
    assert plans
    for nid in plans[:3]:
        summary = h.lin.summary(nid)
        assert_shown(v.hover(nid), summary["title"], f"tooltip of {nid}")
        assert_shown(v.click_plan(nid), summary["title"], f"details of {nid}")
    v.check()


def visit_home(v: Visit, h: Hostile) -> None:
    """Home page: roots table, overview graph, search results, live search, an overview click."""
    v.open("/")
    v.ready("lineageOverview")
    assert_shown(v.page.inner_text("main"), payload(1), "roots table")  # the root's title
    assert_shown(v.page.inner_text("main"), place_name(7), "overview table")  # a province
    v.check()
    # search results rendered by the server, for a payload and for a hostile province
    for i in (0, 1, 5, 11, 12):
        query = urllib.parse.urlencode({"q": payload(i)[:200]})
        v.open(f"/?{query}")
        v.check()
    v.open("/?" + urllib.parse.urlencode({"province": place_name(2), "level": "province"}))
    assert_shown(v.page.inner_text("#search-results"), payload(2), "search by province")
    v.check()
    # live search: typed text, results written by the page script
    v.open("/")
    v.page.fill("#search-q", "")
    v.page.type("#search-q", "alert(", delay=5)
    v.page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0", timeout=5000)
    v.interactions += 1
    shown = collapse(v.page.inner_text("#search-results"))
    assert any(collapse(payload(i)) in shown for i in range(len(PAYLOADS))), shown[:500]
    v.check()


def visit_json(v: Visit, h: Hostile) -> None:
    """The JSON the pages fetch, opened as documents: shown as text, nothing runs."""
    query = urllib.parse.urlencode({"group": group_id(("district", place_name(3)))})
    for path in (
        f"/view/plans/{h.root}/expand?{query}",
        f"/api/plans/{h.provinces[0]}",
        f"/api/plans/{h.provinces[4]}",
        f"/api/plans/{h.root}/descendants",
        "/api/plans?" + urllib.parse.urlencode({"q": "onerror"}),
    ):
        v.open(path)
        v.check()
        body = v.page.inner_text("body")
        json.loads(body)  # the whole answer, as text
        assert "alert(" in body, path


def visit_errors_and_docs(v: Visit, h: Hostile) -> None:
    """The HTML 404 with a hostile id in the URL, and the API docs (Swagger UI, local)."""
    for i in (1, 3, 6, 7):  # no "/" in them: the view's own 404 page, which quotes the id
        v.open("/view/plans/" + urllib.parse.quote(payload(i), safe=""), status=404)
        assert "Not found" in v.page.inner_text("h1")
        assert_shown(v.page.inner_text("main"), payload(i), "404 page")
        v.check()
    v.open("/view/plans/" + urllib.parse.quote(payload(0), safe=""), status=404)  # no route: JSON
    assert json.loads(v.page.inner_text("body"))["status"] == 404
    v.check()
    v.open("/docs")
    v.page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    v.page.click(".swagger-ui .opblock .opblock-summary")
    v.page.wait_for_selector(".swagger-ui .opblock-body", timeout=10_000)
    v.interactions += 1
    v.page.wait_for_load_state("networkidle")
    assert v.unexpected() == [] and v.dialogs == [], v.page.url  # Swagger UI: its own tags, no DOM check


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "csp"])
def test_every_view_is_inert_to_hostile_text(browser: Any, hostile: Hostile, bypass_csp: bool) -> None:
    """Without the policy (the escaping alone), every page and every payload's nodes; with it, the
    same kinds of pages and interactions on fewer plans (the same templates and scripts), for
    what the policy could break: no violation, every view still works."""
    full = bypass_csp
    v = Visit(browser, hostile.base, bypass_csp)
    try:
        visit_home(v, hostile)
        visit_grouped(v, hostile)
        # the root drawn plan by plan (one step) and with every plan (three steps)
        nodes = len(PAYLOADS) + 1 if full else 4
        visit_plan_page(v, hostile, hostile.root, nodes_to_try=nodes, query="?max_depth=1")
        click_edge(v)
        v.open(f"/view/plans/{hostile.root}?max_depth=3")
        v.ready()
        assert "Every plan within 3 steps" in v.page.inner_text("main")
        v.check()
        for pid in hostile.provinces if full else hostile.provinces[::8]:
            visit_plan_page(v, hostile, pid, nodes_to_try=0)  # their nodes: on the root's page
        others = hostile.below + hostile.read + hostile.stubs[::3]
        for pid in others if full else hostile.below[:2] + hostile.read[:1] + hostile.stubs[:2]:
            visit_plan_page(v, hostile, pid, nodes_to_try=1)
        visit_json(v, hostile)
        visit_errors_and_docs(v, hostile)
    finally:
        v.close()
    if full:
        tried = {collapse(text) for text in v.tried}  # the read model's summaries: U+2028 as a space
        assert all(collapse(payload(i)) in tried for i in range(len(PAYLOADS)))  # each hovered, clicked
    print(
        f"\n{'CSP bypassed' if bypass_csp else 'CSP enforced'}: {len(PAYLOADS)} payloads x {len(FIELDS)} "
        f"fields (+ {len(TEXTS)} documents read from text), {v.pages} pages, {v.interactions} "
        f"hovers/clicks/typing; executed: {len(v.dialogs)}"
    )


def test_the_policy_blocks_inline_script(browser: Any, hostile: Hostile) -> None:
    """With the header, script put into a page by any means other than /static does not run."""
    v = Visit(browser, hostile.base, bypass_csp=False)
    try:
        v.open(f"/view/plans/{hostile.provinces[0]}")
        v.ready()
        v.page.evaluate(
            """() => {
                window.__violations = 0;
                document.addEventListener("securitypolicyviolation", () => window.__violations++);
                const s = document.createElement("script");
                s.textContent = "window.__ran = 'script'";
                document.body.append(s);
                document.body.insertAdjacentHTML("beforeend", '<img src="/static/favicon.svg" onload="window.__ran = 1">');
                const a = document.createElement("a");
                a.href = "javascript:window.__ran = 'url'"; a.id = "js-link"; a.textContent = "x";
                document.body.append(a);
            }"""
        )
        v.page.click("#js-link")
        v.page.wait_for_function("() => window.__violations >= 3", timeout=5000)
        assert v.page.evaluate("() => window.__ran") is None
        assert all("Content Security Policy" in p for p in v.problems) and len(v.problems) >= 3
    finally:
        v.close()


def test_every_html_page_carries_the_policy(hostile: Hostile) -> None:
    """The header on the views, the 404 page, the docs (with their one script hash) and the API."""
    import urllib.request

    def headers(path: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(hostile.base + path) as r:
                return r.status, r.headers["content-type"], r.headers["content-security-policy"]
        except urllib.error.HTTPError as e:
            return e.code, e.headers["content-type"], e.headers["content-security-policy"]

    for path in ("/", f"/view/plans/{hostile.root}", "/view/plans/nope", "/api/stats", "/api/plans/nope"):
        status, kind, csp = headers(path)
        assert csp == POLICY, path
    assert "script-src 'self';" in POLICY and "unsafe" not in POLICY and "default-src 'none'" in POLICY
    status, kind, csp = headers("/docs")
    assert kind.startswith("text/html") and csp != POLICY
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]+';", csp) and "unsafe" not in csp
