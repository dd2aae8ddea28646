"""The streamed SPARQL writers: pyoxigraph's bytes when uncapped, a well-formed document when capped."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from api_fixtures import make_lineage
from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse

from graph.sparql_results import Outcome, stream
from graph.store import OxigraphStore

RESULTS = [QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.CSV, QueryResultsFormat.TSV]
ODD = r"""SELECT ?a ?b ?c ?d ?e WHERE { VALUES (?a ?b ?c ?d ?e) {
  (<http://x/y> "a\"b,c\nd\te\u0001\u001f\u007f\b\f/" "x"@vi-VN 12 "z")
  (UNDEF "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> true "2"^^<http://www.w3.org/2001/XMLSchema#double> "<&>'\r")
  (<http://q> 1e3 "t"^^<http://ex/t> -3 "ü\u2028")
  ("01"^^<http://www.w3.org/2001/XMLSchema#integer> "1."^^<http://www.w3.org/2001/XMLSchema#decimal> "True"^^<http://www.w3.org/2001/XMLSchema#boolean> "" UNDEF) } }"""


@pytest.fixture(scope="module")
def store() -> Store:
    st = make_lineage().store
    assert isinstance(st, OxigraphStore)
    ox = Store()
    ox.load(st.dump("nq"), format=RdfFormat.N_QUADS)
    return ox


def written(
    result: object, fmt: object, rows: int = 10**9, size: int = 10**12, chunk: int = 64
) -> tuple[bytes, Outcome]:
    out = Outcome()
    return b"".join(stream(result, fmt, rows, size, out, chunk)), out


@pytest.mark.parametrize("fmt", RESULTS)
@pytest.mark.parametrize(
    "query",
    [
        ODD,
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE {}",
        "SELECT ?x WHERE {}",
        "ASK { ?s ?p ?o }",
    ],
)
def test_uncapped_answers_are_pyoxigraphs_bytes(store: Store, query: str, fmt: QueryResultsFormat) -> None:
    body, out = written(store.query(query), fmt)
    assert body == store.query(query).serialize(format=fmt)
    assert out.truncated is None


@pytest.mark.parametrize("fmt", [RdfFormat.N_TRIPLES, RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.RDF_XML])
def test_graph_answers_hold_the_same_triples(store: Store, fmt: RdfFormat) -> None:
    q = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    body, out = written(store.query(q), fmt)
    assert set(parse(body, format=fmt)) == set(parse(store.query(q).serialize(format=fmt), format=fmt))
    assert out.rows > 100 and out.truncated is None


@pytest.mark.parametrize("fmt", RESULTS)
def test_capped_answers_are_complete_documents(store: Store, fmt: QueryResultsFormat) -> None:
    q = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    body, out = written(store.query(q), fmt, rows=7)
    assert out.rows == 7 and out.truncated == "rows"
    assert _rows(body, fmt) == 7
    body, out = written(store.query(q), fmt, size=2000)
    assert len(body) <= 2000 and out.truncated == "bytes" and _rows(body, fmt) == out.rows > 0


@pytest.mark.parametrize("fmt", [RdfFormat.N_TRIPLES, RdfFormat.TURTLE, RdfFormat.JSON_LD])
def test_capped_graph_answers_parse(store: Store, fmt: RdfFormat) -> None:
    q = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    body, out = written(store.query(q), fmt, rows=5)
    assert out.truncated == "rows" and len(list(parse(body, format=fmt))) == 5


def _rows(body: bytes, fmt: QueryResultsFormat) -> int:
    if fmt == QueryResultsFormat.JSON:
        return len(json.loads(body)["results"]["bindings"])
    if fmt == QueryResultsFormat.XML:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return len(ET.fromstring(body).findall(f"{ns}results/{ns}result"))
    if fmt == QueryResultsFormat.CSV:
        return len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1
    return len(body.decode().split("\n")) - 2
