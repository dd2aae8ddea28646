"""Property-path traversals on the store give the in-memory index's answers, exactly.

Why a synthetic cascade: it has every level (central, province, district,
commune), several systems and citations several hops long, so depths, order,
roots and paths are all exercised; every plan is compared, not a sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Triple

from bench.synth import generate
from graph.identity import DEFAULT_BASE, iri_of
from graph.index import LineageIndex
from graph.paths import SparqlIndex
from graph.service import Lineage
from graph.store import Store, open_store
from ontology.ns import LIN


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[LineageIndex, SparqlIndex, Lineage]:
    folder: Path = tmp_path_factory.mktemp("cascade")
    generate(300, 5, folder, plant=False)  # the plain cascade: 300 files, no planted faults
    lin = Lineage.open(open_store("memory:"))
    report, _ = lin.ingest_files(sorted(str(p) for p in folder.glob("*.txt")), workers=1)
    assert report.ingested == 300
    assert isinstance(lin.index, LineageIndex)
    return lin.index, SparqlIndex(lin.store, lin.base, f"{lin.base}graph/derived"), lin


def test_every_traversal_matches(both: tuple[LineageIndex, SparqlIndex, Lineage]) -> None:
    mem, paths, _ = both
    nodes = mem.nodes()
    assert paths.nodes() == nodes and len(paths) == len(mem)
    assert paths.edges() == mem.edges() and len(mem.edges()) >= 290
    assert paths.global_roots() == mem.global_roots()
    for n in nodes:
        assert paths.descendants(n) == mem.descendants(n), n
        assert paths.ancestors(n) == mem.ancestors(n), n
        assert paths.parents(n) == mem.parents(n), n
        assert paths.children(n) == mem.children(n), n
        assert paths.child_count(n) == mem.child_count(n), n
        assert paths.roots(n) == mem.roots(n), n
        assert paths.implemented(n) == mem.implemented(n), n
        for depth in (None, 1, 2):
            assert paths.subgraph(n, depth) == mem.subgraph(n, depth), (n, depth)
    deepest = max(nodes, key=lambda n: len(mem.ancestors(n)))
    assert len(mem.ancestors(deepest)) >= 3  # a commune plan: three levels up
    top = mem.ancestors(deepest)[-1][0]
    assert paths.descendants(top, max_depth=2) == mem.descendants(top, max_depth=2)
    assert paths.path(deepest, top) == mem.path(deepest, top) and mem.path(deepest, top)
    assert paths.path(top, deepest) == mem.path(top, deepest)
    assert paths.path(deepest, "no.such.plan") is None and "no.such.plan" not in paths
    assert paths.descendants("no.such.plan") == [] and paths.parents("no.such.plan") == []


def test_lineage_in_sparql_mode_answers_the_same(both: tuple[LineageIndex, SparqlIndex, Lineage]) -> None:
    mem, _, lin = both
    remote = Lineage.open(lin.store, traversal="sparql")
    assert isinstance(remote.index, SparqlIndex)
    top = mem.global_roots()[0]
    assert remote.descendants(top) == lin.descendants(top)
    assert remote.traversal_json(top) == lin.traversal_json(top)
    assert remote.cascade(top, max_depth=2) == lin.cascade(top, max_depth=2)
    assert remote.subgraph(top, max_depth=2) == lin.subgraph(top, max_depth=2)
    assert remote.cascade(top) == lin.cascade(top)
    assert remote.stats() == lin.stats()
    child = mem.children(top)[0]
    assert remote.plan(child) == lin.plan(child)
    with pytest.raises(ValueError):
        Lineage.open(lin.store, traversal="graphdb")


class _Counting:
    """A real store that counts the queries sent to it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries = 0

    def query(self, sparql: str) -> object:
        self.queries += 1
        return self.store.query(sparql)


def test_a_subgraph_is_one_query(both: tuple[LineageIndex, SparqlIndex, Lineage]) -> None:
    """What a view draws costs one property-path query, however large the cascade."""
    mem, _, lin = both
    top = max(mem.global_roots(), key=lambda n: len(mem.descendants(n)))
    counting = _Counting(lin.store)
    paths = SparqlIndex(counting, lin.base, f"{lin.base}graph/derived")  # type: ignore[arg-type]
    sub = paths.subgraph(top)
    assert counting.queries == 1 and len(sub.descendants) >= 50
    assert sub == mem.subgraph(top)
    assert sub.depth[top] == 0 and all(d > 0 for p, d in sub.depth.items() if p != top)


def test_subgraphs_agree_on_cycles_and_shortcuts() -> None:
    """Bad data (a cycle, an edge that skips a level) walks the same in memory and on the store."""
    base = DEFAULT_BASE
    ids = [f"x.body.2024.ke-hoach.{i}-kh" for i in range(7)]
    a, b, c, d, e, f, g = ids
    # b and c form a cycle; e implements c directly and through d; f hangs below e; g is alone
    implements = [(b, a), (c, b), (b, c), (d, c), (e, d), (e, c), (f, e), (g, g)]
    mem = LineageIndex(implements, nodes=ids)
    store = open_store("memory:")
    derived = f"{base}graph/derived"
    parent = NamedNode(str(LIN.parent))
    node = {i: NamedNode(iri_of(i, base)) for i in ids}
    store.replace_graph(derived, [Triple(node[x], parent, node[y]) for x, y in mem.edges()])
    paths = SparqlIndex(store, base, derived)
    for n in ids:
        for depth in (None, 1, 2):
            assert paths.subgraph(n, depth) == mem.subgraph(n, depth), (n, depth)
    sub = mem.subgraph(b)
    assert sub.depth[b] == 0 and sub.depth[c] < 0  # above and below: counted above
    assert (c, b) in sub.edges and (b, c) in sub.edges
