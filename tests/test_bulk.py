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
    one = Lineage(open_store("memory:"))
    for rec in records:  # one at a time: every record its own batch
        one.ingest_records([rec])
    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    bulk = Lineage(open_store("memory:"))
    report = bulk.ingest_records(records, workers=2)
    assert report.ingested == len(records)
    assert sorted(one.store.dump("nq").splitlines()) == sorted(bulk.store.dump("nq").splitlines())
    assert _answers(one) == _answers(bulk)
    # the in-memory facts a bulk ingest extends are the store's facts
    assert bulk._facts is not None
    assert bulk._facts.digest() == facts_from_store(bulk._select).digest()
    again = bulk.ingest_records(records, workers=2)
    assert (again.ingested, again.unchanged) == (0, len(records))


def test_snapshot_starts_without_rebuilding_and_is_dropped_when_stale(records: list, tmp_path: Path) -> None:
    store_dir, snap = tmp_path / "store", tmp_path / "store.index"
    lin = Lineage(open_store(str(store_dir)), snapshot=snap)
    lin.ingest_records(records[:20])
    want = _answers(lin)
    lin.store.close()
    assert snap.exists()

    warm = Lineage(open_store(str(store_dir)), snapshot=snap)
    assert warm.from_snapshot and _answers(warm) == want
    warm.ingest_records(records[20:])  # a new generation: the snapshot follows it
    want_all = _answers(warm)
    warm.store.close()

    again = Lineage(open_store(str(store_dir)), snapshot=snap)
    assert again.from_snapshot and _answers(again) == want_all
    again.store.close()

    snap.write_bytes(b"not a pickle")  # unreadable: rebuilt from the store, same answers
    cold = Lineage(open_store(str(store_dir)), snapshot=snap)
    assert not cold.from_snapshot and _answers(cold) == want_all


def test_files_through_shards_build_the_same_graph(
    records: list, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``ingest_files``: records stay in the workers between the passes; same store, same answers."""
    plain = Lineage(open_store("memory:"))
    plain.ingest_records(records)
    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    files = _files()
    paths = [str(p) for p in (*files[:7], bad, *files[7:], files[0])]  # a broken file, a duplicate
    seen: dict[str, int] = {}
    lin = Lineage(open_store("memory:"))
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
    assert lin._facts is not None and lin._facts.digest() == facts_from_store(lin._select).digest()
    again, _ = lin.ingest_files(paths[:5], workers=2)
    assert (again.ingested, again.unchanged) == (0, 5)


def test_a_load_that_fails_alongside_the_model_is_raised_after_it() -> None:
    """The bulk load runs in a thread while the read model is built: its error is not lost."""
    from graph.service import _alongside

    done = []

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), _alongside(fail):
        done.append("model")
    assert done == ["model"]


def _parts(folder: Path, n: int, lines: int = 20_000) -> list[tuple[Path, bytes]]:
    """``n`` files, each larger than a pipe's buffer, and their bytes."""
    out = []
    for i in range(n):
        body = f"<urn:s{i}> <urn:p> <urn:o> <urn:g{i}> .\n".encode() * lines
        path = folder / f"part-{i}.nq"
        path.write_bytes(body)
        out.append((path, body))
    return out


def test_a_streamed_load_reads_every_file_whole_and_in_order(tmp_path: Path) -> None:
    """One call of the loader reads the files end to end, as they are added; each is
    deleted once fed."""
    from graph.bulk import StreamedLoad

    got: list[bytes] = []
    parts = _parts(tmp_path, 4)
    with StreamedLoad(lambda path: got.append(Path(path).read_bytes())) as stream:
        for path, _ in parts:
            stream.add(str(path))
    assert got == [b"".join(body for _, body in parts)]
    assert stream.fed == 4 and not any(path.exists() for path, _ in parts)


@pytest.mark.parametrize("reads", [0, 100])
def test_a_streamed_load_that_fails_is_raised_and_never_hangs(tmp_path: Path, reads: int) -> None:
    """A loader that stops (before it opens the pipe, or part way) leaves the feeder
    with no reader: it fails at once rather than waiting on a full pipe."""
    from graph.bulk import StreamedLoad
    from graph.errors import StoreError

    def load(path: str) -> None:
        if reads:
            with open(path, "rb") as f:
                f.read(reads)
        raise StoreError("disk full")

    parts = _parts(tmp_path, 3)
    with pytest.raises(StoreError, match="disk full"), StreamedLoad(load) as stream:
        for path, _ in parts:
            stream.add(str(path))
    assert not any(path.exists() for path, _ in parts)


def test_a_block_that_fails_ends_the_streamed_load_at_a_file_boundary(tmp_path: Path) -> None:
    """The block's error wins; the loader has read whole files only, as many as were fed."""
    from graph.bulk import StreamedLoad

    got: list[bytes] = []
    parts = _parts(tmp_path, 3)
    stream = StreamedLoad(lambda path: got.append(Path(path).read_bytes()))
    with pytest.raises(RuntimeError, match="worker died"), stream:
        for path, _ in parts:
            stream.add(str(path))
        raise RuntimeError("worker died")
    assert got == [b"".join(body for _, body in parts[: stream.fed])]


def test_an_ingest_whose_load_fails_reads_the_store_again(
    records: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphs that reached the store before the load failed are not lost to the read model."""
    from graph.errors import StoreError
    from graph.store import OxigraphStore

    class FailsAfterLoading(OxigraphStore):
        def load_nquads(self, source: object) -> None:
            super().load_nquads(source)  # type: ignore[arg-type]
            if isinstance(source, str) and source.startswith("/dev/fd/"):
                raise StoreError("disk full")

    monkeypatch.setattr(ingest.parallel, "MIN_PARALLEL", 1)
    lin = Lineage(FailsAfterLoading(None))
    with pytest.raises(StoreError, match="disk full"):
        lin.ingest_files([str(p) for p in _files()], workers=2)
    assert lin.stats()["plans"] > 0
    assert lin._facts is not None and lin._facts.digest() == facts_from_store(lin._select).digest()


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
