"""One error shape for every error: RFC 9457 ``application/problem+json``.

Every failure a client can cause, and every one it cannot, answers with the
same object ``{type, title, status, detail, instance}`` (plus ``errors`` for
validation failures), so a client parses errors one way and never sees a
traceback. The handlers are installed by :func:`install_problem_handlers`:

- :class:`graph.errors.NotFound`         -> 404
- :class:`graph.errors.QueryError`       -> 400 (bad SPARQL, UPDATE attempts)
- :class:`graph.errors.StoreError`       -> 503 (the store is unavailable)
- :class:`graph.errors.LineageError`     -> 500 (any other library failure)
- :class:`ProblemError`                  -> its own status (raised by routes)
- Starlette ``HTTPException``            -> its status (unknown route 404, 405 ...)
- ``RequestValidationError``             -> 422 with the ``errors`` list
- anything else                          -> 500 with a generic detail

What a client sent comes back at most as a short prefix (:func:`echo`, ``instance``
and rejected ``input`` values included), so an error never mirrors a huge or
hostile request.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import LineageError, NotFound, QueryError, StoreError

PROBLEM_MEDIA_TYPE = "application/problem+json"
ECHO_CHARS = 60  # the most of a client's input an error repeats
MAX_DETAIL_CHARS = 500

log = logging.getLogger(__name__)


class ProblemError(Exception):
    """Raised by a route to answer with a problem of a given status."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def problem(
    status: int,
    detail: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build the one error response; ``type`` is ``about:blank`` so ``title`` is the HTTP phrase."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[: MAX_DETAIL_CHARS - 1] + "…"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = echo(instance, 2 * ECHO_CHARS)
    body.update(extra)
    if status in (204, 304) or status < 200:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def echo(value: str, limit: int = ECHO_CHARS) -> str:
    """At most ``limit`` characters of what a client sent, marked when cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _instance(request: Request) -> str:
    return request.url.path


def _safe_input(value: Any) -> Any:
    """Echo a rejected input only when it is plainly JSON, and then only a short prefix."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return echo(value)
    return None


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        item: dict[str, Any] = {
            "loc": [p if isinstance(p, int) else str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        if "input" in err:
            item["input"] = _safe_input(err["input"])
        out.append(item)
    return out


def _summarise(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(p) for p in e["loc"] if p not in ("query", "path", "body"))
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts) or "invalid request"


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem(exc.status, exc.detail, _instance(request), exc.headers)


async def _on_not_found(request: Request, exc: Exception) -> Response:
    return problem(404, echo(str(exc) or "not found", 2 * ECHO_CHARS), _instance(request))


async def _on_query_error(request: Request, exc: Exception) -> Response:
    return problem(400, str(exc) or "invalid SPARQL query", _instance(request))


async def _on_store_error(request: Request, exc: Exception) -> Response:
    log.error("store error on %s: %s", request.url.path, exc)
    return problem(503, "the graph store is unavailable", _instance(request))


async def _on_lineage_error(request: Request, exc: Exception) -> Response:
    log.exception("library error on %s", request.url.path, exc_info=exc)
    return problem(500, "the request could not be answered", _instance(request))


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail
    if status == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"no route {echo(request.url.path)}"
    elif status == 405 and detail == HTTPStatus.METHOD_NOT_ALLOWED.phrase:
        allow = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        detail = f"method {echo(request.method, 20)} not allowed on {echo(request.url.path)}"
        if allow:
            detail += f"; allowed: {allow}"
    return problem(status, str(detail), _instance(request), dict(exc.headers or {}))


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    return problem(422, _summarise(errors), _instance(request), errors=errors)


async def _on_anything(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details", _instance(request))


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error type to the one problem+json shape."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(QueryError, _on_query_error)
    app.add_exception_handler(StoreError, _on_store_error)
    app.add_exception_handler(LineageError, _on_lineage_error)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(Exception, _on_anything)
