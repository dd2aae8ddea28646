"""Search and resolve: plans by text and filters, and the ids a free-text reference names.

Reads: a :class:`graph.readview.ReadView` (documents with their folded text,
bodies, the number catalogue). Returns: ``(total, page of summaries)`` for a
search; the best-first ids for a reference such as "241-KH/TU Bắc Kạn" or
"Kết luận 70".

Why in memory: a search scans every document's folded text, which the read
model already holds; the store would need one regex filter per token. The
words that name a document type are the shared vocabulary's
(:data:`ontology.vocab.DOC_TYPE_WORDS`), folded as the text they are looked for in.
"""

from __future__ import annotations

import re
from typing import Any

from graph.identity import UNKNOWN, DocKey, key_of_id, number_slug, organ_of
from graph.readmodel import Doc
from graph.readview import ReadView
from ingest.model import Issuer
from ingest.text import fold, normalize, slugify
from ontology.vocab import DOC_TYPE_WORDS

__all__ = ["resolve", "search"]

# folded words ("ke hoach") -> document type, in the vocabulary's order
_TYPE_WORDS = {fold(w): t for w, t in DOC_TYPE_WORDS.items()}
_NUMBER_RE = re.compile(
    r"(?<![\d/])(\d+)\s*[-/]?\s*((?:[A-ZĐ][A-ZĐa-z]*)(?:\s*[-/]\s*[A-ZĐ][A-ZĐa-z]*)*)(?![\w])"
)
_BARE_NUMBER_RE = re.compile(r"(?:^|\s)(?:số\s+)?(\d+)(?=$|[\s,;.])")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_WEIGHT = {"type": 4, "province": 3, "year": 2, "body": 2}


def search(
    v: ReadView,
    q: str | None = None,
    province: str | None = None,
    level: str | None = None,
    system: str | None = None,
    year: int | str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Filtered, diacritics-insensitive search; exact-tone matches rank first."""
    qn = normalize(q).casefold() if q and q.strip() else None
    tokens = fold(q).split() if qn else []
    pf = fold(province) if province else None
    hits: list[tuple[int, bool, str, Doc]] = []
    for d in v.docs.values():
        b = v.bodies.get(d.body or "")
        if pf and not (b and pf in {fold(b.province or ""), fold(b.province_current or "")}):
            continue
        if level and (b is None or b.level != level):
            continue
        if system and (b is None or b.system != system):
            continue
        if year is not None and str(year) and (d.date or "")[:4] != str(year):
            continue
        exact = 0
        if qn:
            padded = f" {d.folded} "
            if not all(f" {t}" in padded for t in tokens):
                continue
            exact = 0 if qn in d.haystack else 1
        hits.append((exact, d.stub, d.id, d))
    hits.sort(key=lambda h: h[:3])
    page = hits[max(0, offset) : max(0, offset) + max(0, limit)]
    return len(hits), [dict(v.summary(h[3])) for h in page]


def resolve(v: ReadView, text: str, limit: int = 10) -> list[str]:
    """The ids a free-text reference names, best first ("241-KH/TU Bắc Kạn", "Kết luận 70")."""
    t = normalize(text or "")
    if not t:
        return []
    if t in v.docs:
        return [t]
    ft = f" {fold(t)} "
    by_number = v.model.by_number
    m = _NUMBER_RE.search(t)
    rest = t
    if m:
        cands = list(by_number.get(number_slug(m.group(0)), ()))
        rest = t[: m.start()] + " " + t[m.end() :]
    else:
        bm = _BARE_NUMBER_RE.search(t)
        if not bm:
            total, hits = search(v, q=t, limit=limit)
            return [h["id"] for h in hits]
        digits = bm.group(1)
        cands = [i for n, ids in by_number.items() if n == digits or n.startswith(digits + "-") for i in ids]
        rest = t[: bm.start()] + " " + t[bm.end() :]
    if not cands:
        return []
    doc_type = next((ty for w, ty in _TYPE_WORDS.items() if f" {w} " in ft), None)
    years = _YEAR_RE.findall(rest)
    year = years[-1] if years else None
    provinces = {
        slugify(b.province)
        for b in v.bodies.values()
        if b.province and f" {fold(b.province)} " in f" {fold(rest)} "
    }
    body = None
    issuer_text = re.split(r"\bcủa\b", rest, maxsplit=1, flags=re.IGNORECASE)
    if len(issuer_text) == 2 and issuer_text[1].strip():
        body = organ_of(Issuer(name=issuer_text[1].strip()))

    def checks(pid: str) -> dict[str, bool | None]:
        k: DocKey = key_of_id(pid)
        return {
            "type": None if doc_type is None else slugify(doc_type) == k.doc_type,
            "province": None if not provinces else k.jurisdiction.split(".")[0] in provinces,
            "year": None if year is None else k.year == year,
            "body": None if body in (None, UNKNOWN) else k.body == body,
        }

    scored = {pid: checks(pid) for pid in cands}
    # Drop candidates contradicting a stated fact, when some candidate agrees with it.
    for fact in ("type", "province", "year", "body"):
        if any(c[fact] for c in scored.values()):
            scored = {p: c for p, c in scored.items() if c[fact] is not False}

    def score(pid: str) -> tuple[int, int, str]:
        c = scored[pid]
        s = sum(_WEIGHT[f] for f, ok in c.items() if ok)
        return (-s, 1 if v.docs[pid].stub else 0, pid)

    return sorted(scored, key=score)[:limit]
