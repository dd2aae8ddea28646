"""A real ``lineage serve`` in a child process, for the tests that need the running program.

``serving(store, token, **env)`` starts ``python -m lineage.cli serve --store STORE --port 0``
(a free port), waits for the server file it writes beside the store (``STORE.server``:
its URL and pid) and for the server to answer, yields ``(url, process)``, and stops it
with SIGTERM, as a user's ``kill`` would. ``serve(store, tmp, **env)`` is the same with
the small SPARQL bounds the bound tests use, and the query processes warmed up.

Why a real server: what is under test (writes through a running server, processes
killed, SIGTERM, disconnects, URL limits, what schemathesis sees) belongs to the running
program, not to an app called in-process. The server's output goes to a file beside
the store, never to a pipe nobody reads (a full pipe would stop the server).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"
# The bound tests' SPARQL settings (LINEAGE_SPARQL_*), small so the tests are quick.
TIMEOUT_S = 2.0
MAX_ROWS = 2_000
CONCURRENCY = 2

__all__ = [
    "CONCURRENCY",
    "MAX_ROWS",
    "ROOT",
    "SEEDS",
    "TIMEOUT_S",
    "cli",
    "env_with",
    "ingest",
    "post",
    "serve",
    "server_file",
    "serving",
]


def server_file(store: Path) -> Path:
    return store.with_name(store.name + ".server")


def env_with(**extra: str | None) -> dict[str, str]:
    """This environment without any LINEAGE_* setting of the caller's, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}
    env |= {k: v for k, v in extra.items() if v is not None}
    return env


def cli(
    *args: str, store: Path | str | None = None, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``lineage ARGS [--store STORE]`` as a user runs it."""
    cmd = [sys.executable, "-m", "lineage.cli", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout, env=env or env_with()
    )


def ingest(store: str) -> None:
    """The seeds ingested into ``store`` by the command line."""
    p = cli("ingest", str(SEEDS), store=store, timeout=300)
    assert p.returncode == 0, p.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    store: Path | str, token: str | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A live server over ``store`` (see module docstring). An on-disk store is found through
    the server file the server writes; a remote one (``sparql+http://...``), which no server
    file describes, on a free port chosen here."""
    spec = str(store)
    remote = "://" in spec
    port = _free_port() if remote else 0
    logs = Path(tempfile.mkdtemp(prefix="lineage-serve-")) if remote else Path(spec).parent
    log_path = logs / f"serve-{time.monotonic_ns()}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lineage.cli", "serve", "--store", spec, "--port", str(port)],
            cwd=ROOT,
            env=env_with(LINEAGE_TOKEN=token, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            url = None
            while url is None:
                if proc.poll() is not None:
                    raise AssertionError(f"lineage serve stopped: {log_path.read_text(errors='replace')}")
                if time.monotonic() > deadline:
                    raise AssertionError("lineage serve did not start in 120 s")
                try:
                    if remote:
                        candidate = f"http://127.0.0.1:{port}"
                    else:
                        info = json.loads(server_file(Path(spec)).read_text(encoding="utf-8"))
                        candidate = info["url"] if info["pid"] == proc.pid else None
                    if candidate and httpx.get(candidate + "/api/stats", timeout=5).status_code == 200:
                        url = candidate
                except (OSError, ValueError, KeyError, httpx.HTTPError):
                    pass
                time.sleep(0.1)
            yield url, proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


@contextmanager
def serve(
    store: str, tmp: Path, token: str | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``serving`` with the bound tests' small SPARQL settings, every query process started and
    its store opened (so the timings the tests take are the queries')."""
    settings = {
        "LINEAGE_SPARQL_TIMEOUT": str(TIMEOUT_S),
        "LINEAGE_SPARQL_MAX_ROWS": str(MAX_ROWS),
        "LINEAGE_SPARQL_CONCURRENCY": str(CONCURRENCY),
        "LINEAGE_INDEX": str(tmp / f"index-{time.monotonic_ns()}"),
        **env,
    }
    with serving(store, token, **settings) as (base, proc):
        with ThreadPoolExecutor(CONCURRENCY) as ex:
            codes = {r.status_code for r, _ in ex.map(lambda _: post(base, "ASK {}"), range(CONCURRENCY))}
        assert codes == {200}
        yield base, proc


def post(base: str, query: str, timeout: float = 60) -> tuple[httpx.Response, float]:
    """A SPARQL query POSTed as a form: the answer and how long it took."""
    t = time.perf_counter()
    r = httpx.post(base + "/api/sparql", data={"query": query}, timeout=timeout)
    return r, time.perf_counter() - t
