"""Headless Chromium and a live server for the browser tests (imported by name, like api_fixtures).

Chromium is the system's (``/usr/bin/chromium``, installed by ``.ci/run`` in
CI), driven by Playwright's Python client; no browser is ever downloaded.
Without Chromium or Playwright the tests skip, and fail under ``CI=true``
where a skip would hide a missing dependency. The server is a real uvicorn on
127.0.0.1 (a free port) in a thread of the test process.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI

__all__ = ["CHROMIUM_ARGS", "browser", "chromium_path", "free_socket", "serve", "unavailable", "watch"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    """Skip, or fail under ``CI=true`` where the browser tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """The system Chromium: $LINEAGE_CHROMIUM, else Debian's or Ubuntu's binary on PATH."""
    for candidate in (os.environ.get("LINEAGE_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        unavailable("no Chromium: install Debian's `chromium` package (see .ci/run)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def free_socket() -> socket.socket:
    """A socket bound to a free local port (bind first, when the port must be known before the app)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(app: FastAPI, sock: socket.socket | None = None) -> Iterator[str]:
    """``app`` served by uvicorn on a free local port (or on ``sock``); yields the base URL."""
    import uvicorn

    sock = sock or free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def watch(page: Any, base: str) -> list[str]:
    """Collect on ``page.problems`` its script errors, console errors (CSP violations
    included) and requests to another host; returns the list."""
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico")  # asked for a bare image
            and page.problems.append(f"console: {m.text} ({m.location.get('url')})")
        ),
    )
    page.on("request", lambda r: r.url.startswith(base) or page.problems.append(f"offsite request: {r.url}"))
    return page.problems  # type: ignore[no-any-return]
