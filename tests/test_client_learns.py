"""What a client learns from the API: no path of the ingesting machine, short echoes, bounded requests."""

from __future__ import annotations

import dataclasses
import json

from api_fixtures import TestClient, id_of, records

from api import create_app
from graph import rdf
from graph.service import Lineage
from graph.store import open_store

SECRET = "/home/ingest-operator/private/folder"


def _lineage_with_paths() -> Lineage:
    lin = Lineage.open(open_store("memory:"))
    recs = [dataclasses.replace(r, source=f"{SECRET}/{r.source}") for r in records()]
    lin.ingest_records(recs)
    return lin


def test_source_is_the_file_name_in_the_store_and_in_answers() -> None:
    lin = _lineage_with_paths()
    with TestClient(create_app(lin)) as c:
        pid = id_of(lin, "241-KH/TU")
        plan = c.get(f"/api/plans/{pid}").json()
        assert plan["source"] == "241-KH-TU.txt"
        assert SECRET not in c.get(f"/api/plans/{pid}").text
        # nor through SPARQL: the stored record JSON holds the name only
        query = "SELECT ?j WHERE { ?s <https://w3id.org/vn-lineage/ontology#recordJson> ?j }"
        r = c.get("/api/sparql", params={"query": query})
        assert r.status_code == 200 and "241-KH-TU.txt" in r.text and SECRET not in r.text
    assert SECRET.encode() not in lin.store.dump("nq")


def test_a_store_written_with_paths_is_served_without_them() -> None:
    """A store from before: its record JSON kept the absolute path; the API still answers the name."""
    lin = Lineage.open(open_store("memory:"))
    rec = dataclasses.replace(records()[0], source=f"{SECRET}/241-KH-TU.txt")
    old_json = json.dumps(rec.to_json(), ensure_ascii=False)  # as the writer stored it before
    assert SECRET in old_json
    graph = rdf.build(rec, lin.base, record_json=old_json)
    lin.store.replace_graph(graph.graph, graph.triples)
    lin.refresh(changed=True)
    with TestClient(create_app(lin)) as c:
        pid = id_of(lin, "241-KH/TU")
        r = c.get(f"/api/plans/{pid}")
        assert r.status_code == 200 and r.json()["source"] == "241-KH-TU.txt" and SECRET not in r.text


def test_errors_echo_only_a_short_prefix(client: TestClient) -> None:
    marker = "Z" * 5000
    for path in (f"/api/plans/{marker}", f"/api/plans/a{marker}/children", f"/nowhere/{marker}"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
        assert len(r.text) < 600 and "Z" * 200 not in r.text, r.text
    r = client.get("/api/plans", params={"level": marker})
    assert r.status_code == 422 and "Z" * 100 not in r.text
    r = client.delete(f"/api/stats/{marker}")
    assert r.status_code in (404, 405) and "Z" * 200 not in r.text


def test_over_long_requests_get_414_and_431_problems(client: TestClient) -> None:
    r = client.get("/api/plans?q=" + "a" * 17000)
    assert r.status_code == 414 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 414 and "a" * 100 not in r.text
    r = client.get("/api/stats", headers={"X-Big": "b" * 9000})
    assert r.status_code == 431 and r.headers["content-type"].startswith("application/problem+json")
    r = client.get("/api/stats", headers={f"X-H{i}": "c" * 4000 for i in range(10)})
    assert r.status_code == 431
    assert client.get("/api/stats", headers={"X-Fine": "d" * 1000}).status_code == 200
