"""Which indicator a numeric target measures: its text matched to a key of the vocabulary.

Reads: a target's indicator text as extracted ("Số người tham gia luyện tập thể dục,
thể thao thường xuyên"), and its unit. Returns: the key of
:data:`ontology.vocab.INDICATORS` it names ("people_exercising"), or None.

A target names an indicator when its text holds every word of one of the
indicator's phrasings, in any order ("luyện tập" and "tập luyện" are one practice),
after NFC, modern tone placement and case folding; among several, the longest
phrasing found wins (the officials' phrasing holds the words of the people's, and is
the more specific). A unit that contradicts the indicator's ("người" for a share in
"%") rules it out.

Why at ingest's side of the graph: matching text is extraction work; the analyses
over the graph compare the keys it gives.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ingest.text import normalize
from ontology.vocab import INDICATORS, Indicator

__all__ = ["indicator_key", "words"]

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text``: normalised, case-folded, punctuation dropped."""
    return _WORD.findall(normalize(text).casefold())


@cache
def _phrasings() -> tuple[tuple[Indicator, Counter[str], int], ...]:
    out = []
    for ind in INDICATORS:
        for p in ind.phrasings:
            w = words(p)
            out.append((ind, Counter(w), len(w)))
    return tuple(out)


def indicator_key(text: str | None, unit: str | None = None) -> str | None:
    """The indicator key ``text`` names (see the module docstring), or None."""
    if not text:
        return None
    have = Counter(words(text))
    best: Indicator | None = None
    best_len = 0
    for ind, need, n in _phrasings():
        if n <= best_len or (unit and ind.unit and unit.strip() != ind.unit):
            continue
        if all(have[w] >= k for w, k in need.items()):
            best, best_len = ind, n
    return best.key if best else None
