"""What users send, checked and tidied before any look-up: ids from URLs, text they type.

Reads: strings from a request (a path segment, a query parameter). Returns:
whether a string can be a plan id at all (:func:`plausible_id`); the typed text
without the characters that do not print (:func:`clean_text`).

Why one place: the API and the HTML views both take ids and search text from
URLs, and once checked them each their own way. Ids are URL-safe, without
slashes, at most 512 characters (see docs/architecture.md and
:func:`graph.identity.plan_id`); anything else names no plan, so the answer is
"not found" without reaching the graph.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ID_LENGTH", "MAX_TEXT_LENGTH", "clean_text", "plausible_id"]

MAX_ID_LENGTH = 512
MAX_TEXT_LENGTH = 1000
_ID = re.compile(rf"[A-Za-z0-9._~-]{{1,{MAX_ID_LENGTH}}}")


def plausible_id(ident: str) -> bool:
    """Whether ``ident`` has the shape of a plan id (ASCII letters, digits and ``._~-``)."""
    return _ID.fullmatch(ident) is not None


def clean_text(text: str | None, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """Text a user typed, tidied: every character that does not print (NUL and other
    controls a URL can smuggle in, format marks) becomes a space, runs of spaces one,
    at most ``limit`` characters; blank becomes None."""
    if text is None:
        return None
    out = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return out[:limit] or None
