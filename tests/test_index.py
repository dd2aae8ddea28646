"""The lineage index: per-node transitive reduction, depths, roots, paths, cycles."""

from __future__ import annotations

from graph.index import LineageIndex

# child -> implemented (as the texts say)
EDGES = [
    ("city", "474"),
    ("city", "224"),
    ("474", "241"),
    ("241", "kl70"),
    ("224", "kl70"),
    ("tuson", "kl70"),
    ("tuson", "154"),
    ("154", "kl70"),
]


def test_parents_are_the_transitive_reduction():
    ix = LineageIndex(EDGES)
    assert ix.parents("tuson") == ["154"]  # kl70 is an ancestor of 154
    assert ix.parents("city") == ["224", "474"]  # a DAG: two parents
    assert ix.parents("kl70") == []
    assert ix.children("kl70") == ["154", "224", "241"]
    assert ix.parents("unknown") == [] and ix.children("unknown") == []


def test_depths_are_minimal():
    ix = LineageIndex(EDGES)
    d = dict(ix.descendants("kl70"))
    assert d == {"154": 1, "224": 1, "241": 1, "tuson": 2, "city": 2, "474": 2}
    assert dict(ix.descendants("kl70", max_depth=1)) == {"154": 1, "224": 1, "241": 1}
    a = dict(ix.ancestors("city"))
    assert a == {"224": 1, "474": 1, "241": 2, "kl70": 2}
    assert dict(ix.ancestors("city", max_depth=1)) == {"224": 1, "474": 1}


def test_roots_and_paths():
    ix = LineageIndex(EDGES)
    assert ix.roots("city") == ["kl70"]
    assert ix.roots("kl70") == []
    assert ix.global_roots() == ["kl70"]
    assert ix.path("city", "kl70") in (["city", "224", "kl70"], ["city", "474", "241", "kl70"])
    assert ix.path("city", "kl70") == ["city", "224", "kl70"]  # shortest
    assert ix.path("kl70", "city") == ["kl70", "224", "city"]
    assert ix.path("tuson", "city") is None
    assert ix.path("nope", "city") is None


def test_cycles_terminate():
    ix = LineageIndex([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("d", "b"), ("a", "a")])
    assert set(ix.parents("d")) == {"a", "b"}  # a and b are mutually above each other: both kept
    assert {n for n, _ in ix.ancestors("d")} == {"a", "b", "c"}
    assert {n for n, _ in ix.descendants("a")} == {"b", "c", "d"}
    ix.roots("d")
    assert ix.path("d", "c") is not None


def test_isolated_nodes_are_known():
    ix = LineageIndex([], nodes=["lonely"])
    assert "lonely" in ix and ix.nodes() == ["lonely"] and ix.edges() == []
