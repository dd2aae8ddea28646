"""Bulk ingest at scale: worker processes, the bulk load, the read model and its snapshot.

Each test compares the fast path with the plain one on real documents (the
test corpus), so speed never buys a different graph.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.parallel
from graph.readmodel import facts_from_store
from graph.service import Lineage
from graph.store import open_store
from ingest import extract_file
from ingest.parallel import extract_paths

CORPUS = Path(__file__).parent / "corpus"


def _files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def _answers(lin: Lineage) -> str:
    out = {
        "stats": lin.stats(),
        "edges": lin.index.edges(),
        "plans": {i: lin.summary(i) for i in lin.index.nodes()},
        "desc": {r["id"]: lin.descendants(r["id"]) for r in lin.roots()},
    }
    return json.dumps(out, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="module")
def records() -> list:
    return [extract_file(str(f)) for f in _files()]


def test_workers_extract_what_one_process_does(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    paths = [*_files()[:10], bad, *_files()[10:20]]
    got = list(extract_paths(paths, workers=2))
    assert [p for p, _, _ in got] == [Path(p) for p in paths]  # input order, whatever the workers
    for (_p, rec, err), want in zip(got, paths, strict=True):
        if want == bad:
            assert rec is None and err and "broken.docx" in err
        else:
            assert err is None and rec == extract_file(str(want))


def test_parallel_bulk_ingest_builds_the_same_graph(records: list, monkeypatch: pytest.MonkeyPatch) -> None:
    one = Lineage.open(open_store("memory:"))
    for rec in records:  # one at a time: every record its own batch
        one.ingest_records([rec])
    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    bulk = Lineage.open(open_store("memory:"))
    report = bulk.ingest_records(records, workers=2)
    assert report.ingested == len(records)
    assert sorted(one.store.dump("nq").splitlines()) == sorted(bulk.store.dump("nq").splitlines())
    assert _answers(one) == _answers(bulk)
    # the in-memory facts a bulk ingest extends are the store's facts
    assert bulk._live.facts is not None
    assert bulk._live.facts.digest() == facts_from_store(bulk._live.select).digest()
    again = bulk.ingest_records(records, workers=2)
    assert (again.ingested, again.unchanged) == (0, len(records))


def test_snapshot_starts_without_rebuilding_and_is_dropped_when_stale(records: list, tmp_path: Path) -> None:
    store_dir, snap = tmp_path / "store", tmp_path / "store.index"
    lin = Lineage.open(open_store(str(store_dir)), snapshot=snap)
    lin.ingest_records(records[:20])
    want = _answers(lin)
    lin.store.close()
    assert snap.exists()

    warm = Lineage.open(open_store(str(store_dir)), snapshot=snap)
    assert warm.from_snapshot and _answers(warm) == want
    warm.ingest_records(records[20:])  # a new generation: the snapshot follows it
    want_all = _answers(warm)
    warm.store.close()

    again = Lineage.open(open_store(str(store_dir)), snapshot=snap)
    assert again.from_snapshot and _answers(again) == want_all
    again.store.close()

    snap.write_bytes(b"not a pickle")  # unreadable: rebuilt from the store, same answers
    cold = Lineage.open(open_store(str(store_dir)), snapshot=snap)
    assert not cold.from_snapshot and _answers(cold) == want_all


def test_files_through_shards_build_the_same_graph(
    records: list, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``ingest_files``: records stay in the workers between the passes; same store, same answers."""
    plain = Lineage.open(open_store("memory:"))
    plain.ingest_records(records)
    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    files = _files()
    paths = [str(p) for p in (*files[:7], bad, *files[7:], files[0])]  # a broken file, a duplicate
    seen: dict[str, int] = {}
    lin = Lineage.open(open_store("memory:"))
    report, sources = lin.ingest_files(
        paths, workers=2, progress=lambda ph, n: seen.__setitem__(ph, seen.get(ph, 0) + n)
    )
    assert (report.ingested, report.unchanged) == (len(files), 1)
    assert [s.path for s in sources] == paths  # input order, whatever the workers
    assert [s.path for s in sources if s.error] == [str(bad)] and "broken.docx" in (sources[7].error or "")
    assert seen == {"extract": len(paths), "build": len(files)}
    assert {ph for ph, _ in report.phases} == {"extract", "build", "load", "settle"}
    assert sorted(plain.store.dump("nq").splitlines()) == sorted(lin.store.dump("nq").splitlines())
    assert _answers(plain) == _answers(lin)
    facts = lin._live.facts
    assert facts is not None and facts.digest() == facts_from_store(lin._live.select).digest()
    again, _ = lin.ingest_files(paths[:5], workers=2)
    assert (again.ingested, again.unchanged) == (0, 5)


def test_a_load_that_fails_alongside_the_model_is_raised_after_it() -> None:
    """The bulk load runs in a thread while the read model is built: its error is not lost."""
    from graph.writing import alongside

    done = []

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), alongside(fail):
        done.append("model")
    assert done == ["model"]


def test_extraction_and_build_leave_no_cyclic_garbage(tmp_path: Path) -> None:
    """Workers pause the collector and freeze what they keep: that is only safe while
    extracting and building make no reference cycles, which nothing else would free."""
    import gc

    from graph.bulk import Shard
    from graph.identity import Catalogue

    paths = sorted(str(p) for p in CORPUS.glob("*.txt"))
    shard = Shard("https://w3id.org/vn-lineage/")
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        sources = shard.extract(list(enumerate(paths)))
        assert gc.collect() == 0
        shard.catalogue = Catalogue(k for _, s in sources for k in s.keys)
        shard.build(sorted(shard.records), str(tmp_path / "out.nq"))
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
