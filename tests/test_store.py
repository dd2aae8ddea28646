"""The store interface on real pyoxigraph stores (on disk and in memory)."""

from __future__ import annotations

import pytest
from graph_fixtures import store  # noqa: F401  (fixture)
from pyoxigraph import Literal, NamedNode, QueryBoolean, Triple

from graph.errors import QueryError, StoreError
from graph.store import OxigraphStore, Store, open_store

G1 = "https://w3id.org/vn-lineage/graph/1"
G2 = "https://w3id.org/vn-lineage/graph/2"


def t(s: str, o: str) -> Triple:
    return Triple(NamedNode("http://ex/" + s), NamedNode("http://ex/p"), Literal(o, language="vi"))


def test_protocol(store):  # noqa: F811
    assert isinstance(store, Store)


def test_replace_graph_replaces(store):  # noqa: F811
    store.replace_graph(G1, [t("a", "một"), t("b", "hai")])
    store.replace_graph(G2, [t("a", "ba")])
    store.replace_graph(G1, [t("c", 'bốn "quoted"\nline')])
    assert store.graph_triples(G1) == {t("c", 'bốn "quoted"\nline')}
    assert store.graphs() == [G1, G2]
    res = store.query("SELECT ?o WHERE { <http://ex/a> ?p ?o }")  # default graph = union
    assert [r["o"].value for r in res] == ["ba"]
    assert bool(store.query("ASK { <http://ex/c> ?p ?o }")) is True
    store.remove_graph(G2)
    store.remove_graph(G2)  # absent: no error
    assert store.graphs() == [G1]
    assert isinstance(store.query("ASK { <http://ex/a> ?p ?o }"), QueryBoolean)


def test_dump_formats(store):  # noqa: F811
    store.replace_graph(G1, [t("a", "một")])
    assert G1.encode() in store.dump("nq")
    assert b"http://ex/a" in store.dump("nt")
    assert b"http://ex/a" in store.dump("ttl")
    assert b"http://ex/a" in store.dump("jsonld")
    with pytest.raises(ValueError):
        store.dump("xls")


def test_query_syntax_error(store):  # noqa: F811
    with pytest.raises(QueryError):
        store.query("SELEKT nothing")


def test_on_disk_store_persists(tmp_path):
    path = tmp_path / "db"
    s = open_store(path)
    assert isinstance(s, OxigraphStore)
    s.replace_graph(G1, [t("a", "một")])
    s.close()
    s2 = open_store(str(path))
    assert s2.graph_triples(G1) == {t("a", "một")}
    s2.close()


def test_open_store_specs():
    assert isinstance(open_store("memory:"), OxigraphStore)
    # a remote spec opens lazily (no request): its contract is in test_remote_store.py
    assert not isinstance(open_store("sparql+http://localhost:7878/query"), OxigraphStore)
    with pytest.raises(StoreError):
        open_store("ftp://nowhere")
