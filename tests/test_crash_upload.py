"""``kill -9`` of a running server in the middle of an upload loses nothing and half-writes nothing.

What it guards (issue 13, "Crash-safe ingest, proven at every phase ... and the same for a
crash during an upload to a running server"): a ``lineage serve`` taking
``POST /api/documents`` is killed (SIGKILL, through the ``LINEAGE_FAULT`` seam of
:mod:`ingest.faults`) while it loads the batch, while it settles it, and while it writes its
snapshot. Then the server starts again on the same store (which repairs the interrupted
batch as it opens), the client sends the same files again, and the store must equal that of
one clean upload: the sorted N-Triples of ``lineage export`` and ``/api/stats``.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from live_server import ROOT, serving

from graph.service import Lineage
from graph.store import open_store

TOKEN = "crash-upload-token-0123456789abcdef"
# Documents the server does not hold yet (a new server ingests the bundled seeds itself).
FILES = sorted((ROOT / "tests" / "corpus").glob("c0*.txt"))


def upload(url: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/documents",
        files=[("file", (f.name, f.read_bytes(), "text/plain")) for f in FILES],
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=300,
    )


def state(store: Path) -> tuple[list[bytes], dict[str, int]]:
    lin = Lineage.open(open_store(str(store)))
    try:
        return sorted(lin.export("nt").splitlines()), lin.stats()
    finally:
        lin.store.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], dict[str, int]]:
    store = tmp_path_factory.mktemp("clean-upload") / "store"
    with serving(store, TOKEN) as (url, _proc):
        r = upload(url)
        assert r.status_code == 201, r.text
        assert len(r.json()["ingested"]) == len(FILES)
    return state(store)


@pytest.mark.parametrize("point", ["load", "settle", "snapshot"])
def test_a_server_killed_during_an_upload_is_whole_after_a_restart(
    point: str, clean: tuple[list[bytes], dict[str, int]], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    with serving(store, TOKEN):  # a new store: the server ingests the bundled seeds as it starts
        pass
    with serving(store, TOKEN, LINEAGE_FAULT=f"kill@{point}") as (url, proc):
        with pytest.raises(httpx.HTTPError):  # the server dies under the request
            upload(url)
        assert proc.wait(30) == -9
    with serving(store, TOKEN) as (url, _proc):  # opening repairs the interrupted batch
        stats = httpx.get(f"{url}/api/stats", timeout=30).json()
        assert stats.get("plans", 0) in (0, clean[1]["plans"])  # the batch undone or completed, never a part
        r = upload(url)
        assert r.status_code == 201, r.text
        body = r.json()
        assert not body["failed"] and len(body["ingested"]) + len(body["unchanged"]) == len(FILES)
    assert state(store) == clean
    assert not list(store.parent.glob("*.tmp")), json.dumps([p.name for p in store.parent.iterdir()])
