"""The HTTP API over a real Lineage on an in-memory store (routes, errors, SPARQL)."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from api_fixtures import TestClient, id_of, make_app
from fastapi import FastAPI

from api.fastpath import TraversalRoute
from api.schemas import Level, System
from graph.errors import StoreError
from graph.service import Lineage
from ontology.vocab import LEVELS, SYSTEMS

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def ids(lin: Lineage) -> dict[str, str]:
    return {n: id_of(lin, n) for n in ("70-KL/TW", "241-KH/TU", "474/KH-MTTQ-BTT", "15-KH/HU")}


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    """The one error shape: RFC 9457 problem+json with type, title, status, detail."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body = r.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert isinstance(body["type"], str) and isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in r.text
    return body


# -- happy paths ---------------------------------------------------------------


def test_search_pages_and_filters(client: TestClient) -> None:
    r = client.get("/api/plans", params={"limit": 2, "offset": 0})
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"total", "limit", "offset", "items"}
    assert page["limit"] == 2 and page["offset"] == 0
    assert page["total"] >= 5 and len(page["items"]) == 2
    item = page["items"][0]
    assert {"id", "iri", "doc_type", "number", "date", "title", "issuer", "stub"} <= item.keys()

    r = client.get("/api/plans", params={"q": "241-KH/TU"})
    assert "241-KH/TU" in [i["number"] for i in r.json()["items"]]

    r = client.get("/api/plans", params={"level": "district"})
    assert [i["number"] for i in r.json()["items"]] == ["15-KH/HU"]

    r = client.get("/api/plans", params={"system": "front", "province": "Bắc Kạn", "year": 2024})
    assert [i["number"] for i in r.json()["items"]] == ["474/KH-MTTQ-BTT"]


def test_search_is_diacritics_insensitive(client: TestClient) -> None:
    r = client.get("/api/plans", params={"q": "cho don"})
    assert r.status_code == 200
    assert "15-KH/HU" in [i["number"] for i in r.json()["items"]]


def test_plan_detail(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get(f"/api/plans/{ids['241-KH/TU']}")
    assert r.status_code == 200
    plan = r.json()
    assert plan["id"] == ids["241-KH/TU"]
    assert plan["number"] == "241-KH/TU" and plan["stub"] is False
    assert plan["issuer"]["province"] == "Bắc Kạn"
    assert plan["parents"] == [ids["70-KL/TW"]]
    assert ids["474/KH-MTTQ-BTT"] in plan["children"]
    assert plan["root"] == [ids["70-KL/TW"]]
    assert plan["iri"].startswith("http")
    link = next(link for link in plan["links"] if link["target"] == ids["70-KL/TW"])
    assert link["relation"] == "implements"
    assert "70-KL/TW" in link["evidence"]["text"]
    for key in (
        "source",
        "doc_type",
        "symbol",
        "date",
        "title",
        "implements",
        "based_on",
        "cites",
        "campaigns",
    ):
        assert key in plan


def test_stub_detail(client: TestClient, ids: dict[str, str]) -> None:
    plan = client.get(f"/api/plans/{ids['70-KL/TW']}").json()
    assert plan["stub"] is True
    assert plan["parents"] == []


def test_children(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get(f"/api/plans/{ids['241-KH/TU']}/children")
    assert r.status_code == 200
    assert "474/KH-MTTQ-BTT" in {c["number"] for c in r.json()}


def test_descendants_with_depth(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get(f"/api/plans/{ids['70-KL/TW']}/descendants")
    assert r.status_code == 200
    depth = {d["number"]: d["depth"] for d in r.json()}
    assert depth["241-KH/TU"] == 1 and depth["474/KH-MTTQ-BTT"] == 2 and depth["15-KH/HU"] == 3
    r = client.get(f"/api/plans/{ids['70-KL/TW']}/descendants", params={"max_depth": 1})
    assert {d["depth"] for d in r.json()} == {1}


def test_ancestors_with_depth(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get(f"/api/plans/{ids['15-KH/HU']}/ancestors")
    assert r.status_code == 200
    depth = {d["number"]: d["depth"] for d in r.json()}
    assert depth["70-KL/TW"] == max(depth.values())
    assert "241-KH/TU" in depth and "474/KH-MTTQ-BTT" in depth


def test_resolve(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get("/api/resolve", params={"ref": "241-KH/TU Bắc Kạn"})
    assert r.status_code == 200
    body = r.json()
    assert body["ids"][0] == ids["241-KH/TU"]
    assert body["items"][0]["number"] == "241-KH/TU"


def test_campaigns(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get("/api/campaigns")
    assert r.status_code == 200
    campaigns = r.json()
    assert campaigns and {"id", "label", "alt_labels", "plan_count"} <= campaigns[0].keys()
    cited = [c for c in campaigns if c["plan_count"] > 0]
    r = client.get(f"/api/campaigns/{cited[0]['id']}/plans")
    assert r.status_code == 200
    assert ids["241-KH/TU"] in [p["id"] for p in r.json()]


def test_bodies(client: TestClient) -> None:
    r = client.get("/api/bodies")
    assert r.status_code == 200
    bodies = r.json()
    assert {"id", "name", "system", "level", "province", "district", "plan_count"} <= bodies[0].keys()
    body = next(b for b in bodies if b["plan_count"] > 0)
    r = client.get(f"/api/bodies/{body['id']}/plans")
    assert r.status_code == 200 and len(r.json()) == body["plan_count"]


def test_stats(client: TestClient) -> None:
    r = client.get("/api/stats")
    assert r.status_code == 200
    stats = r.json()
    assert set(stats) == {"plans", "stubs", "edges", "bodies", "campaigns", "provinces"}
    assert stats["stubs"] >= 1 and stats["edges"] >= 4


def test_openapi_and_docs_are_local(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/plans", "/api/plans/{id}", "/api/plans/{id}/descendants", "/api/sparql", "/api/stats"):
        assert path in spec["paths"]
    assert spec["paths"]["/api/stats"]["get"]["summary"].startswith("Counts of plans")
    r = client.get("/docs")
    assert r.status_code == 200
    assert "https://" not in r.text and "http://" not in r.text
    for src in _asset_urls(r.text):
        assert client.get(src).status_code == 200, src


def test_docs_fallback_without_swagger_assets(monkeypatch: pytest.MonkeyPatch, lin: Lineage) -> None:
    import api.docs
    from api import create_app

    monkeypatch.setattr(api.docs, "_swagger_assets", lambda: None)
    with TestClient(create_app(lin)) as c:
        r = c.get("/docs")
    assert r.status_code == 200
    assert "/api/plans/{id}/descendants" in r.text and "http" not in r.text


def _asset_urls(html: str) -> list[str]:
    import re

    return re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css|png))"', html) + re.findall(
        r"(?:src|href)='(/[^']+\.(?:js|css|png))'", html
    )


def test_enums_match_the_record_model() -> None:
    assert typing.get_args(Level) == LEVELS
    assert typing.get_args(System) == SYSTEMS


# -- SPARQL --------------------------------------------------------------------

SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


def test_sparql_get_select(client: TestClient) -> None:
    r = client.get(
        "/api/sparql", params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert "bindings" in r.json()["results"]


def test_sparql_content_negotiation(client: TestClient) -> None:
    r = client.get("/api/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    r = client.get("/api/sparql", params={"query": SELECT})  # no Accept: JSON results
    assert r.status_code == 200 and "json" in r.headers["content-type"]
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
    r = client.get("/api/sparql", params={"query": construct}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_sparql_post_form_and_direct(client: TestClient) -> None:
    r = client.post(
        "/api/sparql", data={"query": SELECT}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200, r.text
    assert "results" in r.json()
    r = client.post(
        "/api/sparql",
        content=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "insert data { <urn:a> <urn:b> <urn:c> }",
    "# a comment first\n  DrOp ALL",
    "PREFIX ex: <http://example.org/> BASE <http://b/> DELETE WHERE { ?s ?p ?o }",
    "#x\nCLEAR ALL",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "CREATE GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
]


@pytest.mark.parametrize("update", UPDATES)
def test_sparql_refuses_updates_in_every_form(client: TestClient, update: str) -> None:
    """403 whether the update comes as query= (URL or form), update=, or application/sparql-update."""
    assert_problem(client.get("/api/sparql", params={"query": update}), 403)
    assert_problem(client.post("/api/sparql", data={"query": update}), 403)
    r = client.post(
        "/api/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert_problem(r, 403)
    assert_problem(client.post("/api/sparql", data={"update": update}), 403)
    r = client.post("/api/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    assert_problem(r, 403)
    # an update beside a harmless query is refused too, not ignored
    assert_problem(client.get("/api/sparql", params={"query": "ASK {}", "update": update}), 403)
    assert_problem(client.post("/api/sparql", data={"query": "ASK {}", "update": update}), 403)
    r = client.post("/api/sparql?update=DROP%20ALL", data={"query": "ASK {}"})
    assert_problem(r, 403)
    # nothing was written
    r = client.get("/api/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert r.status_code == 200 and b"true" not in r.content


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * { sErViCe SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "# SERVICE in a comment is harmless, this one is not\nSELECT * {SERVICE<http://x/>{}}",
        "SELECT * WHERE { ?s ?p ?o FILTER(?s<?o) SERVICE ?svc { ?a ?b ?c } }",
        "PREFIX s: <http://x/> ASK { service s:e { } }",
    ],
)
def test_sparql_refuses_service(client: TestClient, query: str) -> None:
    body = assert_problem(client.get("/api/sparql", params={"query": query}), 403)
    assert "SERVICE" in body["detail"]


def test_sparql_keywords_inside_strings_iris_and_names_are_data(client: TestClient) -> None:
    for q in (
        'SELECT ("SERVICE <http://x/> {}" AS ?x) WHERE {}',
        "SELECT ('''DROP ALL''' AS ?x) WHERE {}",
        "SELECT ?service ?drop WHERE { ?service <http://x/INSERT> ?drop }",
        "PREFIX load: <http://x/> SELECT * WHERE { ?s load:SERVICE ?o }",
        'SELECT * WHERE { ?s ?p "x"@add }',
    ):
        r = client.get("/api/sparql", params={"query": q})
        assert r.status_code == 200, (q, r.text)


def test_sparql_options_lists_the_methods_served(client: TestClient) -> None:
    r = client.options("/api/sparql")
    assert r.status_code == 204
    assert {m.strip() for m in r.headers["allow"].split(",")} >= {"GET", "POST"}


def test_sparql_bad_requests(client: TestClient) -> None:
    assert_problem(client.get("/api/sparql", params={"query": "SELEKT nonsense"}), 400)
    assert_problem(client.get("/api/sparql"), 422)  # the schema's required parameter
    assert_problem(client.get("/api/sparql?query="), 422)
    assert_problem(client.get("/api/sparql?query=%20%0A"), 422)
    assert_problem(client.post("/api/sparql", data={"query": ""}), 400)
    r = client.post("/api/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert_problem(r, 415)
    r = client.post("/api/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"})
    assert_problem(r, 400)


# -- errors: one shape everywhere -------------------------------------------------

ID_ROUTES = [
    "/api/plans/{}",
    "/api/plans/{}/children",
    "/api/plans/{}/descendants",
    "/api/plans/{}/ancestors",
    "/api/campaigns/{}/plans",
    "/api/bodies/{}/plans",
]


@pytest.mark.parametrize("route", ID_ROUTES)
def test_unknown_id_is_404_naming_it(client: TestClient, route: str) -> None:
    body = assert_problem(client.get(route.format("no-such.id")), 404)
    assert "no-such.id" in body["detail"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/plans?limit=0", "limit"),
        ("/api/plans?limit=501", "limit"),
        ("/api/plans?offset=-1", "offset"),
        ("/api/plans?level=xyz", "level"),
        ("/api/plans?system=army", "system"),
        ("/api/plans?year=abc", "year"),
        ("/api/resolve", "ref"),
        ("/api/resolve?ref=", "ref"),
        ("/api/plans/{id}/descendants?max_depth=-1", "max_depth"),
        ("/api/plans/{id}/descendants?max_depth=0", "max_depth"),
        ("/api/plans/{id}/ancestors?max_depth=x", "max_depth"),
    ],
)
def test_bad_params_are_422(client: TestClient, ids: dict[str, str], url: str, param: str) -> None:
    body = assert_problem(client.get(url.replace("{id}", ids["241-KH/TU"])), 422)
    assert body["errors"] and any(param in e["loc"] for e in body["errors"])
    assert param in body["detail"]


def test_empty_ref_is_422(client: TestClient) -> None:
    assert_problem(client.get("/api/resolve", params={"ref": ""}), 422)


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing-here"), 404)
    assert_problem(client.get("/static/no-such-file.js"), 404)
    r = client.post("/api/plans")
    body = assert_problem(r, 405)
    assert "GET" in r.headers["allow"] and "POST" in body["detail"]
    r = client.delete("/api/stats")
    assert_problem(r, 405)
    r = client.head("/api/stats")
    assert r.status_code == 405 and r.headers["content-type"].startswith(PROBLEM)


def test_every_error_path_has_the_one_shape(client: TestClient, ids: dict[str, str]) -> None:
    """Walk each way a request can fail and check the same problem+json fields."""
    cases = [
        (client.get("/api/plans/unknown"), 404),
        (client.get("/api/campaigns/unknown/plans"), 404),
        (client.get("/api/plans?limit=0"), 422),
        (client.get("/api/plans?level=xyz"), 422),
        (client.get("/api/sparql?query=nonsense"), 400),
        (client.post("/api/sparql", data={"update": "CLEAR ALL"}), 403),
        (client.post("/api/sparql", content=b"q", headers={"Content-Type": "image/png"}), 415),
        (client.put("/api/plans"), 405),
        (client.get("/nowhere"), 404),
    ]
    keys = None
    for r, status in cases:
        body = assert_problem(r, status)
        shape = set(body) - {"errors"}
        keys = keys or shape
        assert shape == keys, (r.url, body)


def test_internal_failure_is_a_problem_not_a_traceback(built: tuple[FastAPI, Lineage]) -> None:
    app, lin = built

    class Broken:
        def stats(self) -> dict[str, int]:
            raise RuntimeError("secret internals")

    app.state.lineage = Broken()
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            r = c.get("/api/stats")
    finally:
        app.state.lineage = lin
    assert_problem(r, 500)
    assert "secret internals" not in r.text


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "a" * 5000,
        "q=" + "Kế hoạch " * 100,
        "q=%00",
        "q=a%00b",
        "q=%F0%9F%98%80",
        "q=%FF%FE",
        "province=%00&q=%0A%0D",
        "q=" + "%22'%3C%3E%7B%7D%5C" * 20,
        "q=SELECT%20*%20WHERE%20%7B%7D",
        "year=99999999999999999999999",
        "limit=1e3",
    ],
)
def test_odd_input_never_500(client: TestClient, query: str) -> None:
    r = client.get("/api/plans?" + query)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert_problem(r, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/api/plans/%00",
        "/api/plans/%F0%9F%98%80",
        "/api/plans/" + "x" * 5000,
        "/api/plans/..%2F..%2Fetc",
        "/api/plans/a%20b/children",
        "/api/resolve?ref=%00",
        "/api/resolve?ref=" + "241-KH/TU " * 90,
        "/api/campaigns/%00/plans",
        "/api/bodies/'%3B--/plans",
        "/api/sparql?query=%00",
    ],
)
def test_odd_paths_never_500(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert_problem(r, r.status_code)


def test_traversals_send_what_the_service_and_the_schema_say(client: TestClient, lin: Lineage) -> None:
    """The prepared bytes (Lineage.traversal_json) are the service's answer, in the documented shape."""
    from pydantic import TypeAdapter

    from api.schemas import PlanAtDepth

    shape = TypeAdapter(list[PlanAtDepth])
    for pid in lin.index.nodes():
        for rel, items in (("descendants", lin.descendants(pid)), ("ancestors", lin.ancestors(pid))):
            r = client.get(f"/api/plans/{pid}/{rel}")
            assert r.status_code == 200 and r.headers["content-type"] == "application/json"
            assert r.json() == items
            assert shape.validate_python(r.json()) is not None
            assert client.get(f"/api/plans/{pid}/{rel}").content == r.content  # the cached answer
        r = client.get(f"/api/plans/{pid}/descendants", params={"max_depth": 1})
        assert r.json() == lin.descendants(pid, max_depth=1)


def test_the_fast_route_answers_as_the_documented_route_does(built: tuple[FastAPI, Lineage]) -> None:
    """api.fastpath serves plain GETs (with the in-memory index); the documented route
    serves the rest. Same bytes, and the fast route's own count proves which one served."""
    app, lin = built
    fast_route = next(r for r in app.router.routes if isinstance(r, TraversalRoute))
    nodes = lin.index.nodes()
    with TestClient(app) as c:
        before = fast_route.served
        for pid in nodes:
            for rel in ("descendants", "ancestors"):
                fast = c.get(f"/api/plans/{pid}/{rel}")
                routed = c.get(f"/api/plans/{pid}/{rel}", params={"max_depth": 1000})
                assert fast.status_code == routed.status_code == 200
                assert fast.content == routed.content
                assert fast.headers["content-type"] == routed.headers["content-type"]
        # only the plain GETs, and only when the traversals walk the in-memory index
        assert fast_route.served - before == (2 * len(nodes) if lin.traversal == "index" else 0)
        served = fast_route.served
        missing = c.get("/api/plans/no.such.plan/descendants")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert c.get("/api/plans/<script>/ancestors").status_code == 404
        assert c.head(f"/api/plans/{nodes[0]}/descendants").status_code == 405  # GET only, as documented
        assert fast_route.served == served  # none of these was its to answer


def test_the_fast_route_fails_as_any_route_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside the framework, a failure while the fast route makes its answer is the
    problem+json of the exception handlers (a store error: 503), not a bare 500."""
    app, lin = make_app()
    if lin.traversal != "index":
        pytest.skip("the fast route serves only the in-memory index")

    def unavailable(*args: object) -> bytes:
        raise StoreError("the store went away")

    monkeypatch.setattr(lin, "traversal_json", unavailable)
    pid = lin.index.nodes()[0]
    with TestClient(app, raise_server_exceptions=False) as c:
        body = assert_problem(c.get(f"/api/plans/{pid}/descendants"), 503)
    assert "unavailable" in body["detail"]
    assert next(r for r in app.router.routes if isinstance(r, TraversalRoute)).served == 0


# -- every list is paged ------------------------------------------------------------


def test_traversal_pages_cover_the_whole_list(client: TestClient, ids: dict[str, str]) -> None:
    root = ids["70-KL/TW"]
    whole = client.get(f"/api/plans/{root}/descendants")
    assert whole.status_code == 200 and whole.headers["x-total-count"] == str(len(whole.json()))
    assert "link" not in whole.headers
    items, offset, pages = [], 0, 0
    url = f"/api/plans/{root}/descendants?limit=2"
    while url:
        r = client.get(url)
        assert r.status_code == 200 and len(r.json()) <= 2
        items += r.json()
        pages += 1
        link = r.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
        offset += 2
    assert items == whole.json() and pages == (len(items) + 1) // 2
    r = client.get(f"/api/plans/{root}/descendants", params={"limit": 1, "offset": 1, "max_depth": 1})
    assert r.json() == client.get(f"/api/plans/{root}/descendants?max_depth=1").json()[1:2]
    r = client.get(f"/api/plans/{root}/descendants", params={"offset": 1000})
    assert r.status_code == 200 and r.json() == []


@pytest.mark.parametrize(
    "path",
    ["/api/plans/{}/children", "/api/plans/{}/ancestors", "/api/bodies", "/api/campaigns"],
)
def test_lists_are_paged_with_a_total(client: TestClient, ids: dict[str, str], path: str) -> None:
    url = path.format(ids["15-KH/HU"] if "ancestors" in path else ids["241-KH/TU"])
    whole = client.get(url).json()
    r = client.get(url, params={"limit": 1, "offset": 1})
    assert r.status_code == 200 and r.json() == whole[1:2]
    assert r.headers["x-total-count"] == str(len(whole))
    assert ("link" in r.headers) == (len(whole) > 2)


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=10001", "offset=-1", "offset=1000000001", "limit=x", "max_depth=0"]
)
def test_page_parameters_out_of_range_are_422(client: TestClient, ids: dict[str, str], query: str) -> None:
    for path in (f"/api/plans/{ids['70-KL/TW']}/descendants", "/api/bodies"):
        if "max_depth" in query and "bodies" in path:
            continue
        assert_problem(client.get(f"{path}?{query}"), 422)


def test_a_reference_of_no_text_names_nothing(client: TestClient) -> None:
    for ref in (" ", "\x01\x02", "\u200b", "\t\n"):
        r = client.get("/api/resolve", params={"ref": ref})
        assert r.status_code == 200 and r.json()["ids"] == []
