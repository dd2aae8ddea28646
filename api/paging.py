"""Pages of the lists the API answers: ``limit`` / ``offset`` on every list that can grow.

Reads: a list (of dicts, or the JSON bytes the service prepared for a traversal),
the page asked for, and where the request came. Returns: the page, and the
headers that tell a client the whole: ``X-Total-Count`` always, and a
``Link: <...>; rel="next"`` while pages remain.

Why one module: the national directive has 100,000 plans below it and a
campaign or a body can have thousands; every such list answers at most
:data:`MAX_PAGE` items (the default page is the whole list up to that), in
the contract's shape (a JSON array), so a client that never pages gets the
same bytes as before whenever the list fits in a page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import Query, Request, Response

__all__ = ["MAX_OFFSET", "MAX_PAGE", "Limit", "Offset", "json_page", "page", "page_headers", "traversal_page"]

MAX_PAGE = 10_000
MAX_OFFSET = 1_000_000_000

Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE, description=f"at most this many items (at most {MAX_PAGE}, the default)"),
]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="skip this many items first (X-Total-Count has the total)")
]
_DEPTH = b'"depth":'  # once per item of a traversal answer (a key: never inside a JSON string)


def page_headers(path: str, params: dict[str, Any], total: int, limit: int, offset: int) -> dict[str, str]:
    """``X-Total-Count``, and ``Link`` to the next page when there is one."""
    headers = {"X-Total-Count": str(total)}
    if offset + limit < total:
        query = urlencode({**params, "limit": limit, "offset": offset + limit})
        headers["Link"] = f'<{path}?{query}>; rel="next"'
    return headers


def _headers(request: Request, total: int, limit: int, offset: int) -> dict[str, str]:
    params = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}
    return page_headers(request.url.path, params, total, limit, offset)


def page(request: Request, response: Response, items: list[Any], limit: int, offset: int) -> list[Any]:
    """The items of the page; the paging headers set on ``response``."""
    response.headers.update(_headers(request, len(items), limit, offset))
    return items[offset : offset + limit]


def traversal_page(request: Request, body: bytes, limit: int, offset: int) -> Response:
    """The answer of a traversal route: a page of its prepared JSON, with the paging headers."""
    data, total = json_page(body, limit, offset)
    return Response(data, media_type="application/json", headers=_headers(request, total, limit, offset))


def json_page(body: bytes, limit: int, offset: int) -> tuple[bytes, int]:
    """A page of a prepared JSON array of traversal items, and the total: the very bytes
    when the whole list is the page (no parse), else the slice written again."""
    total = body.count(_DEPTH)
    if offset == 0 and total <= limit:
        return body, total
    return orjson.dumps(orjson.loads(body)[offset : offset + limit]), total
