"""Campaigns: the cuộc vận động / phong trào a plan calls on, by canonical name.

Reads: normalised text and the SKOS campaign scheme of ``ontology/campaigns.ttl``.
Returns: canonical campaign names, deduplicated, in order of first mention.

Known campaigns are recognised wherever they are named, quoted or not, and
whatever the tone marks ("theo gương Bắc Hồ" is the Bác Hồ campaign: names are
compared folded, then fuzzily). A quoted name that the scheme does not know yet
counts only right after "cuộc vận động" or "phong trào" (or in a list that
follows one), so slogans and scheme titles in quotes are not taken for
campaigns.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from ingest.scan import Scanner
from ingest.text import fold
from ontology import Campaign, campaign_scheme

# A quoted name may wrap onto the next line (with one blank line between, as PDF text has).
_QUOTED = re.compile(r"[“\"«]\s*((?:[^”\"»\n]|\n(?:[ \t]*\n)?(?![ \t]*\n)){4,200}?)\s*[”\"»]")
_KEYWORD = re.compile(
    r"(cuộc\s+vận\s+động|phong\s+trào(?:\s+thi\s+đua(?:\s+yêu\s+nước)?)?|khẩu\s+hiệu|đề\s+án|chương\s+trình|mục\s+tiêu|chủ\s+đề|giải|"
    r"kế\s+hoạch|chiến\s+lược|quyết\s+định|dự\s+án|hướng\s+tới)\s*$",
    re.IGNORECASE,
)
_KEYWORD_SCAN = Scanner(_KEYWORD)  # ends with "$": tried only where a keyword starts
_LIST_GAP = re.compile(r"^[\s,;]*(?:(?:và|cùng|với|gắn\s+với)\s*)?[\s,;]*$", re.IGNORECASE)


@cache
def _labels() -> tuple[dict[str, str], list[str]]:
    """Folded label -> preferred label, and the folded labels long enough to search unquoted."""
    table: dict[str, str] = {}
    for c in campaign_scheme():
        for label in (c.pref_label, *c.alt_labels):
            table[fold(label)] = c.pref_label
    searchable = sorted((k for k in table if len(k.split()) >= 5), key=len, reverse=True)
    return table, searchable


@cache
def _campaign_by_fold() -> dict[str, Campaign]:
    return {fold(label): c for c in campaign_scheme() for label in (c.pref_label, *c.alt_labels)}


def match_campaign(name: str) -> Campaign | None:
    """The known campaign a name denotes exactly (diacritics- and tone-insensitive), or None."""
    return _campaign_by_fold().get(fold(name))


@lru_cache(maxsize=4096)  # the same quotes (campaigns, slogans) come back document after document
def canonical(name: str) -> str | None:
    """The preferred label of a known campaign that ``name`` names, or None."""
    table, _ = _labels()
    key = fold(name)
    if key in table:
        return table[key]
    best = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=92)
    return table[best[0]] if best else None


def find_campaigns(text: str) -> list[str]:
    table, searchable = _labels()
    found: list[tuple[int, str]] = []
    # 1. quoted names: known ones anywhere, new ones after a campaign keyword
    quotes = list(_QUOTED.finditer(text))
    for i, q in enumerate(quotes):
        name = re.sub(r"\s+", " ", q.group(1)).strip(" ,.;")
        known = canonical(name)
        if known:
            found.append((q.start(), known))
            continue
        if _campaign_context(text, quotes, i):
            found.append((q.start(), name[:1].upper() + name[1:]))
    # 2. known names without quotes
    folded = fold(text)
    for key in searchable:
        idx = folded.find(key)
        if idx >= 0:
            found.append((_approx_pos(text, folded, idx), table[key]))
    out: list[str] = []
    for _pos, name in sorted(found, key=lambda x: x[0]):
        if name not in out:
            out.append(name)
    return out


def _campaign_context(text: str, quotes: list[re.Match[str]], i: int) -> bool:
    """Is quote ``i`` introduced by "cuộc vận động"/"phong trào", directly or through a list?"""
    j = i
    while j >= 0:
        q = quotes[j]
        lead_start = quotes[j - 1].end() if j > 0 else max(0, q.start() - 80)
        lead = text[max(lead_start, q.start() - 80) : q.start()]
        km = _KEYWORD_SCAN.search(lead)
        if km:
            return km.group(1).lower().startswith(("cuộc", "phong"))
        if j > 0 and _LIST_GAP.match(text[quotes[j - 1].end() : q.start()]):
            j -= 1
            continue
        return False
    return False


def _approx_pos(text: str, folded: str, idx: int) -> int:
    """A position in ``text`` near folded offset ``idx`` (only used to order campaigns)."""
    return int(idx * len(text) / max(1, len(folded)))
