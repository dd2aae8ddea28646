"""Bounds on what a request may be before any route sees it: URL and header sizes.

Reads: each HTTP request's scope (path, query string, headers). Returns: a
problem+json 414 (URL too long) or 431 (a header, or all of them, too large)
in the one error shape; every other request goes on unchanged.

Why in the app and not the server: uvicorn's parser takes URLs and headers of
any size, and a 100 kB URL would otherwise reach a route (and be echoed back in
an error); answering here gives the same problem+json as every other error,
whatever server runs the app.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import problem

__all__ = ["MAX_HEADER_BYTES", "MAX_HEADERS_BYTES", "MAX_URL_BYTES", "RequestLimits", "document_limits"]

MAX_URL_BYTES = 16384  # path and query string: 1,000 characters of any text, percent-encoded, fit
MAX_HEADER_BYTES = 8192  # one header, name and value
MAX_HEADERS_BYTES = 32768  # all of them


class RequestLimits:
    """ASGI middleware: 414 past :data:`MAX_URL_BYTES`, 431 past the header limits."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if len(path) + len(scope.get("query_string") or b"") > MAX_URL_BYTES:
                answer = problem(414, f"the URL is longer than {MAX_URL_BYTES} bytes")
                return await answer(scope, receive, send)
            sizes = [len(k) + len(v) for k, v in scope.get("headers") or ()]
            if sizes and (max(sizes) > MAX_HEADER_BYTES or sum(sizes) > MAX_HEADERS_BYTES):
                detail = (
                    f"request headers too large: at most {MAX_HEADER_BYTES} bytes each, "
                    f"{MAX_HEADERS_BYTES} in all"
                )
                return await problem(431, detail)(scope, receive, send)
        await self.app(scope, receive, send)


def document_limits(spec: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI ``spec`` with 414 and 431 on every operation: any request may get them."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for item in spec.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status, text in (
                ("414", f"URL longer than {MAX_URL_BYTES} bytes"),
                ("431", f"a header over {MAX_HEADER_BYTES} bytes, or all over {MAX_HEADERS_BYTES}"),
            ):
                op["responses"].setdefault(
                    status,
                    {"description": text, "content": {"application/problem+json": {"schema": problem_ref}}},
                )
    return spec
