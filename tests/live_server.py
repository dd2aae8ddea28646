"""A live ``lineage serve`` for the tests that need a real server: on a free port, stopped after.

Why a real server: the bounds under test (processes killed, SIGTERM, disconnects,
URL limits, what schemathesis sees) belong to the running program, not to an app
called in-process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"
# The test server's SPARQL bounds (LINEAGE_SPARQL_*), small so the tests are quick.
TIMEOUT_S = 2.0
MAX_ROWS = 2_000
CONCURRENCY = 2

__all__ = ["CONCURRENCY", "MAX_ROWS", "ROOT", "SEEDS", "TIMEOUT_S", "free_port", "ingest", "post", "serve"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ingest(store: str) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "lineage.cli", "ingest", str(SEEDS), "--store", store],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr


@contextmanager
def serve(store: str, tmp: Path, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``lineage serve`` on a free port with the given LINEAGE_* settings; stopped after."""
    port = free_port()
    full = {
        **os.environ,
        "LINEAGE_SPARQL_TIMEOUT": str(TIMEOUT_S),
        "LINEAGE_SPARQL_MAX_ROWS": str(MAX_ROWS),
        "LINEAGE_SPARQL_CONCURRENCY": str(CONCURRENCY),
        "LINEAGE_INDEX": str(tmp / f"index-{port}"),
        **env,
    }
    log = open(tmp / f"serve-{port}.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lineage.cli", "serve", "--store", store, "--port", str(port)],
        cwd=ROOT,
        env=full,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp / f"serve-{port}.log").read_text()
            try:
                if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        # every query process started and its store opened: the timings below are the queries'
        with ThreadPoolExecutor(CONCURRENCY) as ex:
            assert {r.status_code for r, _ in ex.map(lambda _: post(base, "ASK {}"), range(CONCURRENCY))} == {
                200
            }
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def post(base: str, query: str, timeout: float = 60) -> tuple[httpx.Response, float]:
    """A SPARQL query POSTed as a form: the answer and how long it took."""
    t = time.perf_counter()
    r = httpx.post(base + "/api/sparql", data={"query": query}, timeout=timeout)
    return r, time.perf_counter() - t
