"""A real ``lineage serve`` in a child process, for the tests of writes while serving.

``serving(store, token)`` starts ``python -m lineage.cli serve --store STORE --port 0``
(a free port), waits for the server file it writes beside the store
(``STORE.server``: its URL and pid) and for the server to answer, yields
``(url, process)``, and stops it with SIGTERM, as a user's ``kill`` would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def server_file(store: Path) -> Path:
    return store.with_name(store.name + ".server")


def env_with(**extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}
    env |= {k: v for k, v in extra.items() if v is not None}
    return env


def cli(
    *args: str, store: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``lineage ARGS [--store STORE]`` as a user runs it."""
    cmd = [sys.executable, "-m", "lineage.cli", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout, env=env or env_with()
    )


@contextmanager
def serving(store: Path, token: str | None = None, **env: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A live server over ``store`` (see module docstring)."""
    info_path = server_file(store)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lineage.cli", "serve", "--store", str(store), "--port", "0"],
        cwd=ROOT,
        env=env_with(LINEAGE_TOKEN=token, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None:
            if proc.poll() is not None:
                raise AssertionError(f"lineage serve stopped: {proc.stderr.read() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise AssertionError("lineage serve did not start in 120 s")
            try:
                info = json.loads(info_path.read_text(encoding="utf-8"))
                if info["pid"] == proc.pid:
                    with urllib.request.urlopen(info["url"] + "/api/stats", timeout=5) as r:
                        url = info["url"] if r.status == 200 else None
            except (OSError, ValueError, KeyError):
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
        if proc.stderr is not None:
            proc.stderr.close()
