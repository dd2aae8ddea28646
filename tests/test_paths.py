"""Property-path traversals on the store give the in-memory index's answers, exactly.

Why a synthetic cascade: it has every level (central, province, district,
commune), several systems and citations several hops long, so depths, order,
roots and paths are all exercised; every plan is compared, not a sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synth import generate
from graph.index import LineageIndex
from graph.paths import SparqlIndex
from graph.service import Lineage
from graph.store import open_store


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[LineageIndex, SparqlIndex, Lineage]:
    folder: Path = tmp_path_factory.mktemp("cascade")
    generate(300, 5, folder, plant=False)  # the plain cascade: 300 files, no planted faults
    lin = Lineage(open_store("memory:"))
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
    remote = Lineage(lin.store, traversal="sparql")
    assert isinstance(remote.index, SparqlIndex)
    top = mem.global_roots()[0]
    assert remote.descendants(top) == lin.descendants(top)
    assert remote.traversal_json(top) == lin.traversal_json(top)
    assert remote.cascade(top, max_depth=2) == lin.cascade(top, max_depth=2)
    assert remote.stats() == lin.stats()
    child = mem.children(top)[0]
    assert remote.plan(child) == lin.plan(child)
    with pytest.raises(ValueError):
        Lineage(lin.store, traversal="graphdb")
