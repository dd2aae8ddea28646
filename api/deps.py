"""Request dependencies: the Lineage facade injected from ``app.state``.

The app factory puts the one :class:`graph.service.Lineage` on
``app.state.lineage``; routes receive it through :data:`LineageDep`, so tests
build an app over any Lineage without globals or monkeypatching.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Path, Request

from api.problems import ProblemError, echo
from graph.errors import NotFound
from graph.inputs import plausible_id
from graph.service import Lineage

__all__ = ["BodyId", "CampaignId", "LineageDep", "PlanId", "get_lineage", "unknown_is_404"]


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
