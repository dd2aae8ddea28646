"""Request dependencies: the Lineage facade injected from ``app.state``, and the write token.

The app factory puts the one :class:`graph.service.Lineage` on
``app.state.lineage``; routes receive it through :data:`LineageDep`, so tests
build an app over any Lineage without globals or monkeypatching.

Write routes depend on :func:`require_token`: the token is the settings' ``token``
(``LINEAGE_TOKEN``); without one the write routes are off (403) and reads stay
open. It runs before a body is read, so a refused client never costs an upload.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ProblemError, echo
from graph.errors import NotFound
from graph.inputs import plausible_id
from graph.service import Lineage

__all__ = [
    "BodyId",
    "CampaignId",
    "LineageDep",
    "PlanId",
    "get_lineage",
    "require_token",
    "unknown_is_404",
    "write_token",
    "writes_on",
]


def get_lineage(request: Request) -> Lineage:
    """The Lineage the app was built over."""
    lineage: Lineage = request.app.state.lineage
    return lineage


LineageDep = Annotated[Lineage, Depends(get_lineage)]

PlanId = Annotated[str, Path(description="plan id, e.g. bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu")]
CampaignId = Annotated[str, Path(description="campaign id, as listed by GET /api/campaigns")]
BodyId = Annotated[str, Path(description="issuing body id, as listed by GET /api/bodies")]


@contextmanager
def unknown_is_404(kind: str, ident: str) -> Iterator[None]:
    """Turn a service NotFound (or an id that cannot exist, :func:`graph.inputs.plausible_id`)
    into a 404 naming the id, without reaching the store."""
    if not plausible_id(ident):
        raise ProblemError(404, f"no {kind} with id {echo(ident)!r}")
    try:
        yield
    except NotFound as e:
        raise ProblemError(404, f"no {kind} with id {echo(ident)!r}") from e


# Documents the scheme in OpenAPI (/docs gets an "Authorize" button); the check is ours.
_bearer = HTTPBearer(auto_error=False, description="LINEAGE_TOKEN of the server")


def write_token(settings: Any) -> str | None:
    """The token write routes ask for (``settings.token``), or None: writes are off."""
    token = getattr(settings, "token", None)
    return token if isinstance(token, str) and token else None


def writes_on(request: Request) -> bool:
    """Whether this server takes writes at all (a token is configured)."""
    return write_token(request.app.state.settings) is not None


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> None:
    """Let a write through only with ``Authorization: Bearer <LINEAGE_TOKEN>``.

    403 when writes are off (no token configured) or the token is wrong; 401 when
    none is sent. The comparison takes the same time wherever the tokens differ."""
    token = write_token(request.app.state.settings)
    if token is None:
        raise ProblemError(403, "writes are off on this server: it was started without LINEAGE_TOKEN")
    if credentials is None or not credentials.credentials:
        raise ProblemError(
            401,
            "this route needs the header Authorization: Bearer <LINEAGE_TOKEN>",
            headers={"WWW-Authenticate": 'Bearer realm="lineage"'},
        )
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), token.encode("utf-8")):
        raise ProblemError(403, "the token does not match this server's LINEAGE_TOKEN")
