"""Place names in OCR'd lines put right by the gazetteer: "tỉnh Bắc Kạm" -> "tỉnh Bắc Kạn".

Reads: one OCR'd line as words. Returns: the words, where a run of capitalised words
after a unit word ("tỉnh", "huyện", "quận", "thị xã", "thành phố", "Tỉnh ủy", "Huyện
ủy" ...) is not a known province or district but is one edit (a letter, a tone mark)
away from exactly one known name with as many words, replaced by that name (in the
line's capitals when it was printed in capitals).

Why: a place name is what places an issuer (and so a document's identity); Tesseract
misreads a tone mark or a letter of it ("Kạm", "Bảc"), and the gazetteer then finds
nothing. A name already known (whatever its tone marks: the gazetteer folds them) is
never touched, nor one that two known names are equally near: only a unique nearest
name is taken. Provinces and districts only: commune names repeat too often for one
edit to single one out.
"""

from __future__ import annotations

from functools import cache

from ingest.places import gazetteer
from ingest.text import fold, normalize

__all__ = ["fix_places", "one_edit"]

# Words after which a place name is printed ("tỉnh", "huyện"; "Tỉnh ủy", "Huyện ủy": the organ's own name).
_UNIT = frozenset({"tỉnh", "huyện", "quận", "xã", "phố", "tp", "tp."})
_ORGAN = frozenset({"tỉnh", "huyện", "quận", "thành", "thị"})
_MAX_WORDS = 3


@cache
def _names() -> dict[int, tuple[str, ...]]:
    """Known province and district names (NFC, lower case), by their number of words."""
    g = gazetteer()
    names = {normalize(p.name).lower() for p in g.provinces.values()}
    names |= {normalize(d.name).lower() for ds in g.districts.values() for d in ds if "(" not in d.name}
    out: dict[int, list[str]] = {}
    for n in sorted(names):
        out.setdefault(len(n.split()), []).append(n)
    return {k: tuple(v) for k, v in out.items()}


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one letter substituted, inserted or deleted."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _known(name: str) -> bool:
    g = gazetteer()
    return g.province(name) is not None or bool(g.districts_named(name))


def _nearest(name: str, words: int) -> str | None:
    """The one known name of ``words`` words one edit from ``name``; None when none or several."""
    key = normalize(name).lower()
    found = [n for n in _names().get(words, ()) if one_edit(key, n)]
    return found[0] if len(found) == 1 else None


def _after_unit(words: list[str], i: int) -> bool:
    """Whether words[i] is where a place name starts (after "tỉnh", "Huyện ủy" ...)."""
    prev = words[i - 1].casefold() if i else ""
    if prev in _UNIT:
        return True
    return prev in ("ủy", "uỷ") and i >= 2 and words[i - 2].casefold() in _ORGAN


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def fix_places(words: list[str]) -> list[str]:
    """A line's words with misread place names put right (see the module docstring)."""
    out = list(words)
    i = 1
    while i < len(out):
        if out[i].casefold() in ("ủy", "uỷ") or not (_after_unit(out, i) and _capitalised(out[i])):
            i += 1
            continue
        run = 0
        while run < _MAX_WORDS and i + run < len(out) and _capitalised(out[i + run]):
            run += 1
        for n in range(run, 0, -1):  # the longest name first: "Bắc Ninh", not "Bắc"
            printed = out[i : i + n]
            tail = printed[-1].rstrip(",.;:)")
            name = " ".join([*printed[:-1], tail])
            if _known(name):
                break
            if not fold(name).replace(" ", "").isalpha():
                continue
            near = _nearest(name, n)
            if near is None:
                continue
            upper = all(w.isupper() for w in printed)
            for k, new in enumerate(near.split()):
                new = new.upper() if upper else new[:1].upper() + new[1:]
                out[i + k] = new + (printed[-1][len(tail) :] if k == n - 1 else "")
            break
        i += max(run, 1)
    return out
