"""The hottest read, served before the framework: a plan's descendants or ancestors.

Reads: ``GET /api/plans/{id}/descendants`` and ``.../ancestors`` with no query
string, for an id the service knows. Returns: the same bytes the FastAPI route
sends (:meth:`graph.service.Lineage.traversal_json`), without routing,
dependency injection and validation, which cost more than the answer itself once
it is prepared. Everything else, unknown ids included, goes on to the app
unchanged, so errors keep their problem+json shape and OpenAPI still documents
the route; a test checks that both paths send identical responses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PREFIX = "/api/plans/"
_RELATIONS = {"descendants": True, "ancestors": False}


class TraversalFastPath:
    """ASGI middleware: prepared traversal answers for plain GETs (see module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("query_string"):
            path: str = scope["path"]
            if path.startswith(_PREFIX):
                pid, _, rel = path[len(_PREFIX) :].rpartition("/")
                down = _RELATIONS.get(rel)
                lin = getattr(scope["app"].state, "lineage", None) if "app" in scope else None
                if down is not None and lin is not None and lin.knows(pid):
                    body = lin.traversal_json(pid, down, None)
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [
                                (b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode("ascii")),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
