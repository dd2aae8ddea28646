"""The store interface over a real Oxigraph SPARQL server, and the same lineage answers on both stores.

Why both halves: the contract tests pin what the service relies on (replace in
one request, union default graph, pyoxigraph result types, error types); the
lineage tests prove the service gives identical JSON whichever store is behind it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from oxigraph_server import (  # noqa: F401  (fixtures)
    _free_port,
    oxigraph_server,
    oxigraph_spec,
    remote_store,
    require_oxigraph,
)
from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple
from rdflib import Graph
from rdflib.compare import isomorphic

from api.routes.sparql import negotiate
from graph.errors import QueryError, StoreError
from graph.service import Lineage
from graph.sparql_store import SparqlStore, parse_spec
from graph.store import OxigraphStore, Store, open_store
from ingest import extract_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
G1 = "https://w3id.org/vn-lineage/graph/1"
G2 = "https://w3id.org/vn-lineage/graph/2"


def t(s: str, o: str) -> Triple:
    return Triple(NamedNode("http://ex/" + s), NamedNode("http://ex/p"), Literal(o, language="vi"))


# ------------------------------------------------------------------ contract
def test_protocol(remote_store: SparqlStore) -> None:  # noqa: F811
    assert isinstance(remote_store, Store)


def test_replace_graph_replaces(remote_store: SparqlStore) -> None:  # noqa: F811
    s = remote_store
    s.replace_graph(G1, [t("a", "một"), t("b", "hai")])
    s.replace_graph(G2, [t("a", "ba")])
    s.replace_graph(G1, [t("c", 'bốn "quoted"\nline')])
    assert s.graph_triples(G1) == {t("c", 'bốn "quoted"\nline')}
    assert s.graph_triples("http://nowhere/g") == set()
    assert s.graphs() == [G1, G2]
    res = s.query("SELECT ?o WHERE { <http://ex/a> ?p ?o }")  # default graph = union
    assert isinstance(res, QuerySolutions)
    assert [r["o"].value for r in res] == ["ba"]
    assert bool(s.query("ASK { <http://ex/c> ?p ?o }")) is True
    s.remove_graph(G2)
    s.remove_graph(G2)  # absent: no error
    assert s.graphs() == [G1]
    assert isinstance(s.query("ASK { <http://ex/a> ?p ?o }"), QueryBoolean)
    constructed = s.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(constructed, QueryTriples)
    assert set(constructed) == {t("c", 'bốn "quoted"\nline')}


def test_same_results_as_the_embedded_store(remote_store: SparqlStore) -> None:  # noqa: F811
    """Typed literals, language tags, unbound variables: the same values either way."""
    local = OxigraphStore()
    rows = [
        Triple(
            NamedNode("http://ex/a"),
            NamedNode("http://ex/n"),
            Literal("42", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        Triple(
            NamedNode("http://ex/a"),
            NamedNode("http://ex/d"),
            Literal("2024-04-02", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        t("b", "Bắc Kạn"),
    ]
    for st in (local, remote_store):
        st.replace_graph(G1, rows)
    q = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://ex/none> ?x } } ORDER BY ?s ?p"
    assert [tuple(r) for r in remote_store.query(q)] == [tuple(r) for r in local.query(q)]
    assert remote_store.graph_triples(G1) == local.graph_triples(G1)


def test_dump_formats(remote_store: SparqlStore) -> None:  # noqa: F811
    remote_store.replace_graph(G1, [t("a", "một")])
    assert G1.encode() in remote_store.dump("nq")
    assert G1.encode() in remote_store.dump("trig")
    assert b"http://ex/a" in remote_store.dump("nt")
    assert b"http://ex/a" in remote_store.dump("ttl")
    assert b"http://ex/a" in remote_store.dump("jsonld")
    with pytest.raises(ValueError):
        remote_store.dump("xls")


def test_query_syntax_error_is_a_query_error(remote_store: SparqlStore) -> None:  # noqa: F811
    with pytest.raises(QueryError, match="expected"):
        remote_store.query("SELEKT nothing")
    with pytest.raises(QueryError):  # an update sent as a query: the server refuses it too
        remote_store.query("INSERT DATA { <http://a> <http://b> <http://c> }")
    assert remote_store.graphs() == []


def test_explicit_endpoints_without_graph_store_protocol(oxigraph_spec: str) -> None:  # noqa: F811
    """The generic form: query path given, reads by CONSTRUCT, union from the server flag."""
    s = SparqlStore(f"{oxigraph_spec}/query?update=/update&store=&timeout=5")
    assert s.endpoints.store is None and s.endpoints.update.endswith("/update")
    s.replace_graph(G1, [t("x", "một")])
    assert s.graph_triples(G1) == {t("x", "một")}
    assert [r["o"].value for r in s.query("SELECT ?o WHERE { <http://ex/x> ?p ?o }")] == ["một"]
    s.remove_graph(G1)
    assert G1 not in s.graphs()


def test_server_store_persists_across_restart(tmp_path: Path) -> None:
    exe = require_oxigraph()
    with oxigraph_server(tmp_path / "db", exe) as spec:
        open_store(spec).replace_graph(G1, [t("a", "một")])
    with oxigraph_server(tmp_path / "db", exe) as spec:
        assert open_store(spec).graph_triples(G1) == {t("a", "một")}


def test_open_store_specs() -> None:
    assert isinstance(open_store("sparql+http://127.0.0.1:7878"), SparqlStore)
    assert isinstance(open_store("sparql+https://example.org/sparql"), SparqlStore)
    with pytest.raises(StoreError):
        open_store("ftp://nowhere")


def test_parse_spec_forms() -> None:
    ox = parse_spec("sparql+http://127.0.0.1:7878")
    assert (ox.query, ox.update, ox.store) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    assert ("union-default-graph", "") in ox.query_params
    fuseki = parse_spec("sparql+http://h:3030/ds/query?store=/ds/data")
    assert (fuseki.update, fuseki.store) == ("http://h:3030/ds/update", "http://h:3030/ds/data")
    virt = parse_spec(
        "sparql+http://h:8890/sparql?store=/sparql-graph-crud&graphs=https://w3id.org/vn-lineage/graph/"
    )
    assert virt.query == virt.update == "http://h:8890/sparql"
    assert (
        virt.store == "http://h:8890/sparql-graph-crud"
        and virt.graph_prefix == "https://w3id.org/vn-lineage/graph/"
    )
    gdb = parse_spec(
        "sparql+https://u:p%40ss@h/repositories/r?update=/repositories/r/statements&infer=false&timeout=5"
    )
    assert gdb.query == "https://h/repositories/r" and gdb.update == "https://h/repositories/r/statements"
    assert gdb.query_params == (("infer", "false"),) and gdb.timeout == 5.0
    assert gdb.auth == "Basic dTpwQHNz" and "p@ss" not in repr(gdb)  # u:p@ss, never printed
    with pytest.raises(StoreError):
        parse_spec("sparql+http:///nohost")
    with pytest.raises(StoreError):
        parse_spec("sparql+http://h/sparql?timeout=soon")
    with pytest.raises(StoreError, match="bad port"):
        parse_spec("sparql+http://h:port/sparql")


# -------------------------------------------------------------------- errors
def test_connection_refused_names_the_endpoint() -> None:
    port = _free_port()
    s = open_store(f"sparql+http://127.0.0.1:{port}")
    with pytest.raises(StoreError, match=rf"cannot reach SPARQL server at http://127\.0\.0\.1:{port}/query"):
        s.query("ASK {}")
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}/update"):
        s.replace_graph(G1, [t("a", "một")])
    with pytest.raises(StoreError):  # the service's first refresh reports it, not a traceback
        Lineage.open(s)


class _Broken(BaseHTTPRequestHandler):
    """Answers every request with the status/body the path names."""

    answers = {
        "/fail/query": (500, "text/plain", b"internal error\nsecond line"),
        "/html/query": (200, "text/html", b"<html>proxy login</html>"),
        "/garbled/query": (200, "application/sparql-results+json", b'{"head": {"vars": ['),
    }

    def _answer(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        status, ctype, body = self.answers.get(self.path.split("?")[0], (500, "text/plain", b"?"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def broken_server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    try:
        yield f"sparql+http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        th.join(5)


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("/fail/query", r"failed \(HTTP 500\): internal error second line$"),
        ("/html/query", "unexpected answer .*text/html"),
        ("/garbled/query", "bad SPARQL results from"),
    ],
)
def test_bad_server_answers_are_store_errors(broken_server: str, path: str, match: str) -> None:
    s = SparqlStore(broken_server + path)
    with pytest.raises(StoreError, match=match) as e:
        s.query("SELECT * WHERE { ?s ?p ?o }")
    assert "\n" not in str(e.value) and broken_server.removeprefix("sparql+") in str(e.value)


# ------------------------------------------- lineage answers on both stores
@pytest.fixture(scope="module")
def seed_records() -> list[Any]:
    return [extract_file(str(p)) for p in SEEDS]


@pytest.fixture(
    scope="module",
    params=["memory", "oxigraph-server", "memory/sparql-paths", "oxigraph-server/sparql-paths"],
)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seed_records: list[Any]
) -> Iterator[Lineage]:
    """The five real seeds ingested into each store (its own server: contract tests wipe theirs),
    answering traversals from the in-memory index or with property paths on the store."""
    store, _, paths = request.param.partition("/")
    traversal = "sparql" if paths else "index"
    if store == "memory":
        lin = Lineage.open(open_store("memory:"), traversal=traversal)
        lin.ingest_records(seed_records)
        yield lin
        return
    exe = require_oxigraph()
    with oxigraph_server(tmp_path_factory.mktemp("seeded") / "db", exe) as spec:
        lin = Lineage.open(open_store(spec), traversal=traversal)
        lin.ingest_records(seed_records)
        yield lin


def kl70(lin: Lineage) -> str:
    ids = lin.resolve("70-KL/TW")
    assert ids, "Kết luận 70 is not in the graph"
    return ids[0]


def seed_ids(lin: Lineage) -> dict[str, str]:
    """Seed file name -> plan id."""
    out = {}
    for d in lin.search(limit=500)[1]:
        src = (lin.plan(d["id"]) or {}).get("source") or ""
        if not d["stub"] and src:
            out[Path(src).name] = d["id"]
    return out


def answers(lin: Lineage) -> dict[str, Any]:
    """The key lineage answers as JSON-ready data (compared between stores)."""
    root = kl70(lin)
    seeds = seed_ids(lin)
    body, mt = negotiate(
        lin.sparql(
            "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
            "SELECT ?d ?n WHERE { ?d a eli:LegalResource OPTIONAL { ?d eli:id_local ?n } } ORDER BY ?d ?n"
        ),
        None,
    )
    return {
        "descendants": lin.descendants(root),
        "parents": {name: lin.plan(pid)["parents"] for name, pid in sorted(seeds.items())},
        "plans": {name: lin.plan(pid) for name, pid in sorted(seeds.items())},
        "resolve_241_bac_kan": lin.resolve("241-KH/TU Bắc Kạn"),
        "cascade": lin.cascade(root),
        "stats": lin.stats(),
        "sparql": [mt, json.loads(body)],
        "csv": lin.export("csv").decode(),
    }


def test_descendants_of_kl70_with_depths(seeded: Lineage) -> None:
    desc = seeded.descendants(kl70(seeded))
    depth = {d["number"]: d["depth"] for d in desc if d["number"]}
    assert depth["241-KH/TU"] == 1 and depth["474/KH-MTTQ-BTT"] == 2
    assert len([d for d in desc if not d["stub"]]) == len(SEEDS)


def test_parents_of_each_seed(seeded: Lineage) -> None:
    seeds = seed_ids(seeded)
    assert sorted(seeds) == [p.name for p in SEEDS]
    for pid in seeds.values():
        assert seeded.plan(pid)["parents"], pid


def test_resolve_a_free_text_reference(seeded: Lineage) -> None:
    (pid, *_) = seeded.resolve("241-KH/TU Bắc Kạn")
    assert seeded.summary(pid)["issuer"]["province"] == "Bắc Kạn"


def test_reingest_changes_nothing(seeded: Lineage, seed_records: list[Any]) -> None:
    before = sorted(seeded.store.dump("nq").splitlines())
    report = seeded.ingest_records(seed_records)
    assert report.ingested == 0 and report.unchanged == len(SEEDS)
    assert sorted(seeded.store.dump("nq").splitlines()) == before


def test_sparql_select_works_and_updates_are_refused(seeded: Lineage) -> None:
    body, mt = negotiate(seeded.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), None)
    assert (
        mt == "application/sparql-results+json"
        and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100
    )
    body, mt = negotiate(
        seeded.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"), "application/n-triples"
    )
    assert mt == "application/n-triples" and len(Graph().parse(data=body, format="nt")) == 3
    for q in ("INSERT DATA { <http://a> <http://b> <http://c> }", "DROP ALL", "SELECT WHERE nonsense"):
        with pytest.raises(QueryError):
            seeded.sparql(q)


def test_export_ttl_and_validate(seeded: Lineage) -> None:
    assert len(Graph().parse(data=seeded.export("ttl"), format="turtle")) > 100
    ok, text = seeded.validate()
    assert ok, text


def test_answers_are_identical_on_both_stores(seed_records: list[Any], tmp_path: Path) -> None:
    exe = require_oxigraph()
    local = Lineage.open(open_store("memory:"))
    local.ingest_records(seed_records)
    with oxigraph_server(tmp_path / "db", exe) as spec:
        remote = Lineage.open(open_store(spec))
        remote.ingest_records(seed_records)
        paths = Lineage.open(open_store(spec), traversal="sparql")  # property paths on the server
        a, b, c = answers(local), answers(remote), answers(paths)
        assert json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(
            b, sort_keys=True, ensure_ascii=False
        )
        assert json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(
            c, sort_keys=True, ensure_ascii=False
        )
        g_local = Graph().parse(data=local.export("ttl"), format="turtle")
        g_remote = Graph().parse(data=remote.export("ttl"), format="turtle")
        assert isomorphic(g_local, g_remote)
        assert sorted(local.store.dump("nq").splitlines()) == sorted(remote.store.dump("nq").splitlines())
