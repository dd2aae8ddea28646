"""What the analytics routes share: the :class:`graph.analytics.Analytics` of the app, CSV answers.

The app factory puts one ``Analytics`` (the answers cached per read-model
generation) on ``app.state.analytics``; routes receive it through
:data:`AnalyticsDep`. :func:`csv_response` sends a table as a UTF-8 CSV download
(with a byte-order mark, so a spreadsheet reads Vietnamese right);
:func:`answering` turns the analyses' errors into problems (404 unknown id, 422
a parameter the analysis refuses).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from api.deps import unknown_is_404
from api.problems import ProblemError
from graph.analytics import Analytics
from graph.analytics.units import BadParameter

__all__ = ["CSV_RESPONSE", "AnalyticsDep", "answering", "csv_response", "get_analytics"]

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "the table as CSV"}
}


def get_analytics(request: Request) -> Analytics:
    """The app's Analytics (made over its Lineage by the app factory)."""
    analytics: Analytics = request.app.state.analytics
    return analytics


AnalyticsDep = Annotated[Analytics, Depends(get_analytics)]


@contextmanager
def answering(pid: str) -> Iterator[None]:
    """An unknown or impossible plan id is a 404, a refused parameter a 422."""
    with unknown_is_404("plan", pid):
        try:
            yield
        except BadParameter as e:
            raise ProblemError(422, str(e)) from e


def csv_response(text: str, filename: str) -> Response:
    """``text`` as a CSV download named ``filename`` (ASCII, made from an id)."""
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
