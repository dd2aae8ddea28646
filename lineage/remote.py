"""Commands through a running server: ``lineage ingest|query|export|validate`` while ``lineage serve`` runs.

Reads: the :class:`lineage.discovery.ServerInfo` a server wrote beside its store,
the files to send, ``LINEAGE_TOKEN``. Talks HTTP (standard library only) to
``POST /api/documents``, ``GET /api/plans/{id}/...``, ``GET /api/resolve``,
``GET /api/export`` and ``GET /api/validate``. Returns: what the same command
finds in a store of its own (counts and failures, the query's JSON, the
export's bytes, the SHACL verdict), so ``lineage`` prints the same either way.

Why: the embedded store admits one process, and a server holds it for as long
as it runs; its API is then the one way in. Uploads are streamed from disk
(never a whole batch in memory) in batches that keep under the server's bounds,
with each file named as given on the command line: the server ingests it under
that name, so a document ingested through the server is the very graph a
command of its own would have written, and re-ingesting it changes nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlencode, urlsplit

from lineage.discovery import ServerInfo, read_server_file

__all__ = ["RemoteError", "Server", "UploadTotals", "find_server"]

# When a server file does not say (one written by an older server): api.uploads' defaults.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_FILES = 500
PART_OVERHEAD = 512  # bytes of multipart framing per file, generously
BUSY_RETRIES = 60  # 503 + Retry-After: how many times a command waits and asks again
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]{1,300}")


class RemoteError(Exception):
    """A failure talking to the server, as one line for the user."""


@dataclass(slots=True)
class UploadTotals:
    """What an ingest through the server did, summed over its batches."""

    ingested: int = 0
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)


class Server:
    """A running ``lineage serve`` (see module docstring)."""

    def __init__(self, info: ServerInfo, token: str | None = None, connect_timeout: float = 5.0) -> None:
        self.info = info
        self.token = token
        self.connect_timeout = connect_timeout
        u = urlsplit(info.url)
        if u.scheme != "http" or not u.hostname:
            raise RemoteError(f"the server file names {info.url!r}, not an http:// URL")
        self.host, self.port = u.hostname, u.port or 80

    def __str__(self) -> str:
        return f"lineage serve at {self.info.url} (pid {self.info.pid})"

    # ------------------------------------------------------------------ HTTP
    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = 120.0,
    ) -> http.client.HTTPResponse:
        """One request, asked again while the server says it is busy (503 with Retry-After) and,
        a few times, when the connection breaks (every request here is safe to repeat: an
        upload sent twice changes nothing the second time). ``body`` may be a callable
        making a fresh iterable of bytes for each attempt."""
        broken = 0
        for _ in range(BUSY_RETRIES):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
            try:
                conn.connect()
                conn.sock.settimeout(timeout)  # type: ignore[union-attr]
                conn.request(method, path, body=body() if callable(body) else body, headers=headers or {})
                resp = conn.getresponse()
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                broken += 1
                from graph.processes import pid_alive

                if not pid_alive(self.info.pid):
                    raise RemoteError(f"{self} has stopped") from e
                if broken >= 3:
                    raise RemoteError(f"{self} failed: {e}") from e
                time.sleep(broken)
                continue
            if resp.status == 503 and resp.getheader("Retry-After", "").isdigit():
                wait = min(int(resp.getheader("Retry-After", "1")), 30)
                resp.read()
                conn.close()
                time.sleep(max(wait, 1))
                continue
            return resp
        raise RemoteError(f"{self} stayed busy; try again later")

    def _json(self, resp: http.client.HTTPResponse) -> Any:
        data = resp.read()
        try:
            return json.loads(data)
        except ValueError as e:
            raise RemoteError(f"{self} answered {resp.status} with something that is not JSON") from e

    def _problem(self, resp: http.client.HTTPResponse) -> str:
        """The ``detail`` of an error answer (problem+json), else its status line."""
        try:
            detail = json.loads(resp.read()).get("detail")
        except (ValueError, AttributeError):
            detail = None
        return str(detail) if detail else f"HTTP {resp.status} {resp.reason}"

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        """``(status, JSON body)`` of a GET; the problem's detail string for an error."""
        resp = self._request("GET", path + (f"?{urlencode(params)}" if params else ""))
        if resp.status >= 400:
            return resp.status, self._problem(resp)
        return resp.status, self._json(resp)

    def probe(self, timeout: float = 10.0) -> bool:
        """Whether the server answers a cheap read, once and soon (a wedged server is not used)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=min(timeout, self.connect_timeout))
        try:
            conn.connect()
            conn.sock.settimeout(timeout)  # type: ignore[union-attr]
            conn.request("GET", "/api/stats")
            resp = conn.getresponse()
            resp.read()
            return resp.status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    # --------------------------------------------------------------- reads
    def query(self, relation: str, ident: str, max_depth: int | None) -> dict[str, Any]:
        """What ``lineage query`` prints: the relation of a plan id or a free-text reference."""
        params = {"max_depth": max_depth} if max_depth is not None and relation != "children" else None
        if _PLAIN_ID.fullmatch(ident):
            status, items = self.get_json(f"/api/plans/{quote(ident, safe='')}/{relation}", params)
            if status == 200:
                return {"id": ident, "relation": relation, "count": len(items), "items": items}
            if status != 404:
                raise RemoteError(str(items))
        status, found = self.get_json("/api/resolve", {"ref": ident, "limit": 1})
        if status != 200 or not found.get("ids"):
            raise RemoteError(f"no plan matches {ident!r}")
        pid = found["ids"][0]
        status, items = self.get_json(f"/api/plans/{quote(pid, safe='')}/{relation}", params)
        if status != 200:
            raise RemoteError(str(items))
        return {"id": pid, "relation": relation, "count": len(items), "items": items}

    def export(self, fmt: str, out: BinaryIO) -> int:
        """Stream ``GET /api/export?format=fmt`` into ``out``; the bytes written."""
        resp = self._request("GET", f"/api/export?{urlencode({'format': fmt})}", timeout=None)
        if resp.status != 200:
            raise RemoteError(f"{self}: export failed: {self._problem(resp)}")
        n = 0
        while chunk := resp.read(1 << 16):
            out.write(chunk)
            n += len(chunk)
        return n

    def validate(self) -> tuple[bool, str]:
        """``(conforms, report)`` of ``GET /api/validate``."""
        resp = self._request("GET", "/api/validate", timeout=None)
        if resp.status != 200:
            raise RemoteError(f"{self}: validate failed: {self._problem(resp)}")
        data = self._json(resp)
        return bool(data.get("conforms")), str(data.get("report") or "")

    # -------------------------------------------------------------- writes
    def ingest(
        self, files: Sequence[tuple[str, str]], progress: Callable[[int], None] | None = None
    ) -> UploadTotals:
        """Send ``(path on disk, name)`` files in batches; the totals and one line per failure."""
        if not self.token:
            raise RemoteError(
                f"the store is held by {self}; set LINEAGE_TOKEN to its token to ingest through it"
            )
        self.check_token()
        limit = self.info.upload_max_bytes or DEFAULT_MAX_BYTES
        totals = UploadTotals()
        sized = []
        for path, name in files:
            try:
                size = os.path.getsize(path)
            except OSError as e:
                totals.failures.append(f"{name}: cannot read: {e.strerror or e}")
                continue
            if size + PART_OVERHEAD + len(name.encode()) > limit:
                totals.failures.append(f"{name}: larger than the server's upload limit ({limit:,} bytes)")
                continue
            sized.append((path, name, size))
        for batch in _batches(sized, limit, self.info.upload_max_files or DEFAULT_MAX_FILES):
            answer = self._upload(batch)
            for d in answer.get("documents", []):
                if d.get("status") == "ingested":
                    totals.ingested += 1
                else:
                    totals.unchanged += 1
            totals.failures += [f"{f.get('file')}: {f.get('reason')}" for f in answer.get("failed", [])]
            if progress is not None:
                progress(len(batch))
        return totals

    def _upload(self, batch: Sequence[tuple[str, str, int]]) -> dict[str, Any]:
        boundary = "lineage-" + secrets.token_hex(12)
        heads = [_part_head(boundary, name) for _, name, _ in batch]
        tail = f"--{boundary}--\r\n".encode()
        length = sum(len(h) + size + 2 for h, (_, _, size) in zip(heads, batch, strict=True)) + len(tail)

        def body() -> Iterator[bytes]:
            for head, (path, name, size) in zip(heads, batch, strict=True):
                yield head
                sent = 0
                with open(path, "rb") as f:
                    while sent < size and (chunk := f.read(min(1 << 16, size - sent))):
                        sent += len(chunk)
                        yield chunk
                if sent != size:
                    raise RemoteError(f"{name}: changed while being sent")
                yield b"\r\n"
            yield tail

        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Authorization": f"Bearer {self.token}",
        }
        resp = self._request("POST", "/api/documents", body=body, headers=headers, timeout=3600)
        if resp.status != 201:
            raise RemoteError(f"{self} refused the upload: {self._problem(resp)}")
        return self._json(resp)

    def check_token(self) -> None:
        """Ask with an empty upload whether the server takes our writes (its answer: 422, no file),
        so a refusal comes before any file is sent."""
        boundary = "lineage-" + secrets.token_hex(12)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {self.token}",
        }
        resp = self._request("POST", "/api/documents", body=f"--{boundary}--\r\n".encode(), headers=headers)
        if resp.status in (401, 403):
            raise RemoteError(f"the store is held by {self}, which refused the upload: {self._problem(resp)}")
        resp.read()


def find_server(server_file: Path | None, token: str | None) -> Server | None:
    """The server a live ``lineage serve`` announced beside its store, when it answers."""
    info = read_server_file(server_file)
    if info is None:
        return None
    try:
        server = Server(info, token)
    except RemoteError:
        return None
    return server if server.probe() else None


def _part_head(boundary: str, name: str) -> bytes:
    """A ``file`` part's headers; the name escaped as browsers do (HTML's form encoding)."""
    safe = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def _batches(
    files: Sequence[tuple[str, str, int]], max_bytes: int, max_files: int
) -> Iterator[list[tuple[str, str, int]]]:
    """Consecutive runs of files that keep each request under the server's bounds."""
    batch: list[tuple[str, str, int]] = []
    used = 0
    for f in files:
        cost = f[2] + PART_OVERHEAD + len(f[1].encode())
        if batch and (used + cost > max_bytes or len(batch) >= max_files):
            yield batch
            batch, used = [], 0
        batch.append(f)
        used += cost
    if batch:
        yield batch
