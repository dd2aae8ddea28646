"""Errors of the graph layer: callers (API, CLI) map them to 404/422/one-line messages."""

from __future__ import annotations


class LineageError(Exception):
    """Base of every error the graph layer raises on purpose."""


class NotFound(LineageError, KeyError):
    """An id (plan, campaign, body) that the graph does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class QueryError(LineageError, ValueError):
    """A SPARQL query that is malformed, or an update (the endpoint is read-only)."""


class StoreError(LineageError):
    """The store cannot be opened or written (bad spec, locked directory, I/O)."""
