"""Request dependencies: the Lineage facade injected from ``app.state``.

The app factory puts the one :class:`graph.service.Lineage` on
``app.state.lineage``; routes receive it through :data:`LineageDep`, so tests
build an app over any Lineage without globals or monkeypatching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Path, Request

from api.problems import ProblemError
from graph.errors import NotFound
from graph.service import Lineage

# Ids are URL-safe without slashes (docs/architecture.md); anything else cannot
# name a plan, so it is a 404 without reaching the store.
_ID = re.compile(r"[A-Za-z0-9._~-]{1,512}")


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
    """Turn a service NotFound (or an id that cannot exist) into a 404 naming the id."""
    if not _ID.fullmatch(ident):
        raise ProblemError(404, f"no {kind} with id {ident!r}")
    try:
        yield
    except NotFound as e:
        raise ProblemError(404, f"no {kind} with id {ident!r}") from e


def clean_text(text: str | None) -> str | None:
    """Drop control characters (NUL ...) a URL can smuggle in; blank becomes None."""
    if text is None:
        return None
    out = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    out = " ".join(out.split())
    return out or None
