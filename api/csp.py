"""The Content-Security-Policy header on every response: no inline script, nothing from elsewhere.

Reads: each response's start message. Returns: the same response with a
``content-security-policy`` header, :data:`POLICY` unless the route set its own
(``/docs`` allows its one inline script by hash, :func:`docs_policy`).

Why: the pages show text from documents anyone can write. The views escape it
(tests/test_browser_hostile.py), and the policy is the second wall: a browser
runs no inline script, event-handler attribute or ``javascript:`` URL, loads
scripts only from this server, and sends data nowhere else, whatever a page
turned out to contain. Script sources are ``'self'`` only; styles are
``'self'`` plus the hashes of the stylesheets vis-network injects
(:mod:`viz.csp_sources`), so no inline style either. It is set on every
response, JSON and static files included (a browser applies it when it renders
one, e.g. an SVG), as a pure ASGI wrapper: one header appended, no body touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viz.csp_sources import csp_hash, vis_style_hashes

__all__ = ["HEADER", "POLICY", "CSPMiddleware", "docs_policy", "install_csp", "policy"]

HEADER = b"content-security-policy"


def policy(scripts: Iterable[str] = (), styles: Iterable[str] = ()) -> str:
    """The policy with extra script and style sources (hash sources such as ``'sha256-...'``)."""
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *scripts],
        "style-src": ["'self'", *vis_style_hashes(), *styles],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


POLICY = policy()

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_policy(html: str) -> str:
    """The policy for Swagger UI's /docs page (made from constants): its inline script that sets
    up ``SwaggerUIBundle`` allowed by hash, nothing else. Never for a page that shows documents."""
    setup = [body for body in _INLINE_SCRIPT.findall(html) if "SwaggerUIBundle(" in body]
    return policy(scripts=map(csp_hash, setup))


class CSPMiddleware:
    """Adds ``content-security-policy: {policy}`` to every HTTP response that has none."""

    def __init__(self, app: ASGIApp, policy: str = POLICY) -> None:
        self.app = app
        self.value = policy.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                if not any(name.lower() == HEADER for name, _ in headers):
                    headers.append((HEADER, self.value))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)


def install_csp(app: FastAPI, value: str = POLICY) -> None:
    """Put :class:`CSPMiddleware` around ``app``'s routes and exception handlers (so a 404 page
    carries it too; only the last-resort 500, answered outside every middleware, does not)."""
    app.add_middleware(CSPMiddleware, policy=value)
