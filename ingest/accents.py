"""Text that lost its marks: how good a text's Vietnamese is, and the marks put back.

Reads: the normalised text of one document. Returns: :func:`text_quality`, ``"ok"``,
``"accentless"`` (Vietnamese written without diacritics: "Thuc hien Ke hoach so ...")
or ``"mojibake"`` (UTF-8 read as a one-byte code page: "Káº¿ hoáº¡ch"); and
:func:`restore`, the text with the marks of the words every reading relies on put
back (the vocabulary's header, preamble and organ words, the type words and the
gazetteer's province and district names, where the unmarked spelling names one of
them only), *the same length*, so every offset into it still points at the same
character of the original.

Why a module of its own: the readings of the header, the preamble and the issuer are
written for marked text ("Số:", "ngày ... tháng ... năm", "Thực hiện", "Ủy ban nhân
dân"); an unmarked text is brought to them rather than every pattern learning a
second spelling. Numbers, symbols and dates carry no marks and come through as they
are; names the vocabulary does not know stay unmarked, and the record says so.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ingest.places import gazetteer
from ontology.vocab import DOC_TYPE_WORDS, SUFFIXES, WORDS_WITH_MARKS

# Markers of Vietnamese written without marks (as whole words, folded)
_VIET_MARKERS = re.compile(r"\b(?:cua|va|thuc hien|ke hoach|ngay|thang|nam|uy ban|tinh|huyen|can cu)\b")
# UTF-8 read as Windows-1252 / Latin-1: "áº¿", "Æ°", "Ä‘", "Ã¡"
_MOJIBAKE = re.compile(r"á[º»]|Æ[°¯]|Ä[‘'\x91\x90]|Ã[\x80-\xbf¡-¿]")
_MIN_LETTERS = 200


def _strip(s: str) -> str:
    """``s`` without its marks, character for character ("Đắk" -> "Dak"): NFC length kept."""
    out = []
    for c in s:
        base = unicodedata.normalize("NFD", c)[0]
        out.append({"đ": "d", "Đ": "D"}.get(c, base))
    return "".join(out)


def text_quality(text: str) -> str:
    """ "mojibake", "accentless" or "ok" (see the module docstring)."""
    sample = text[:20_000]
    if len(_MOJIBAKE.findall(sample)) >= 5:
        return "mojibake"
    # (cheap first: marked Vietnamese has a marked letter in every few words, each a
    # character of two or three bytes in UTF-8)
    if len(sample.encode("utf-8")) - len(sample) >= 0.02 * len(sample):
        return "ok"
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < _MIN_LETTERS:
        return "ok"
    marked = sum(1 for c in letters if not c.isascii())
    if marked / len(letters) >= 0.01:
        return "ok"
    return "accentless" if len(_VIET_MARKERS.findall(sample.lower())) >= 5 else "ok"


@cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """Unmarked phrase (lower case) -> its marked spelling, for the phrases whose unmarked
    spelling names one marked spelling only; and the pattern that finds them, longest first."""
    g = gazetteer()
    marked: set[str] = set(WORDS_WITH_MARKS) | set(DOC_TYPE_WORDS)
    marked |= {s.name.lower() for s in SUFFIXES.values()}
    marked |= {p.name.lower() for p in g.provinces.values()}
    marked |= {d.name.lower() for ds in g.districts.values() for d in ds if "(" not in d.name}
    by_plain: dict[str, set[str]] = {}
    for m in marked:
        m = unicodedata.normalize("NFC", m)
        plain = _strip(m)
        if len(plain) == len(m) and plain != m and plain.isascii():
            by_plain.setdefault(plain, set()).add(m)
    table = {p: next(iter(ms)) for p, ms in by_plain.items() if len(ms) == 1}
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w/-])(?:{alts})(?![\w/])", re.IGNORECASE), table


# Unit words that are also syllables of people's names: restored in lower case or capitals only.
_UNIT_WORDS = frozenset({"tinh", "huyen", "xa", "phuong", "quan", "thi tran", "thi xa", "thanh pho"})
# Words too short to restore out of context: "so" before a number is "số", "nam" before a year "năm".
_IN_CONTEXT = (
    (re.compile(r"(?<![\w/-])so(?=\s*:|\s*\d)", re.IGNORECASE), "số"),
    (re.compile(r"(?<![\w/-])nam(?=\s+\d{4}\b)", re.IGNORECASE), "năm"),
)


def restore(text: str) -> str:
    """``text`` with the marks of known words put back, the same length (see the module docstring)."""
    pattern, table = _table()
    out = list(text)

    def put(start: int, printed: str, marked: str) -> None:
        j = 0
        for i, c in enumerate(printed):
            if c.isspace():
                continue
            while marked[j].isspace():
                j += 1
            m = marked[j]
            out[start + i] = m.upper() if c.isupper() else m
            j += 1

    for m in pattern.finditer(text):
        printed = m.group(0)
        key = re.sub(r"\s+", " ", printed.lower())
        if key not in table or not printed.isascii():
            continue
        if key in _UNIT_WORDS and printed[:1].isupper() and not printed.isupper():
            continue  # "Mau Thai Phuong": a person's name, not "phường"
        put(m.start(), printed, table[key])
    for rx, marked in _IN_CONTEXT:
        for m in rx.finditer(text):
            put(m.start(), m.group(0), marked)
    return "".join(out)
