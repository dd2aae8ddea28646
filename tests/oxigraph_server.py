"""A real Oxigraph SPARQL server for the tests: start on 127.0.0.1, yield its spec, stop.

Why a real server and not a mock: the point of the remote store is that the
same lineage answers come out of an actual SPARQL 1.1 Protocol exchange
(content negotiation, error statuses, transactions), which a mock would assume.

The binary ships with ``pip install oxigraph`` (into the venv's ``bin``). When it
is missing the tests skip with the reason, except on CI (``CI=true``) where a
missing server is a failure, so the remote store cannot silently go untested.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.sparql_store import SparqlStore

START_TIMEOUT_S = 10.0


def find_oxigraph() -> str | None:
    """The ``oxigraph`` binary: beside the running Python (the venv) first, then PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(base: str) -> bool:
    req = urllib.request.Request(f"{base}/query?query=ASK%7B%7D", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=1) as r:
            r.read()
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def oxigraph_server(location: Path, binary: str | None = None) -> Iterator[str]:
    """Run ``oxigraph serve`` on a free port with its data in ``location``; yield the store spec.

    Started with ``--union-default-graph`` so users' own SPARQL sees the union of
    the named graphs, as on the embedded store. Raises RuntimeError (with the
    server's log) if it does not answer within ~10 s.
    """
    exe = binary or find_oxigraph()
    if exe is None:
        raise FileNotFoundError("the oxigraph binary is not installed (pip install oxigraph)")
    location.mkdir(parents=True, exist_ok=True)
    log_path = location.parent / f"{location.name}.log"
    last_error = "not started"
    for _attempt in range(3):  # the free port may be taken between probe and bind
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [
                    exe,
                    "serve",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--union-default-graph",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline and proc.poll() is None and not _answers(base):
                time.sleep(0.05)
            if proc.poll() is None and _answers(base):
                yield f"sparql+{base}"
                return
            last_error = log_path.read_text(errors="replace").strip()[-2000:] or "no output"
        finally:
            _stop(proc)
    raise RuntimeError(f"oxigraph serve did not start: {last_error}")


def require_oxigraph() -> str:
    """The binary, or skip (locally) / fail (on CI) with the reason."""
    exe = find_oxigraph()
    if exe is None:
        reason = "the oxigraph server binary is missing: pip install oxigraph (dev extra)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="module")
def oxigraph_spec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server per test module (starting takes ~0.1 s, but per test would add up)."""
    exe = require_oxigraph()
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db", exe) as spec:
        yield spec


@pytest.fixture
def remote_store(oxigraph_spec: str) -> Iterator[SparqlStore]:
    """An empty remote store: the module's server, wiped before each test."""
    s = SparqlStore(oxigraph_spec)
    for g in s.graphs():
        s.remove_graph(g)
    yield s
    s.close()
