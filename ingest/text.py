"""Vietnamese text normalisation that remembers where every character came from.

Reads: raw document text. Returns: :class:`NormalizedText` (the cleaned text
plus a map from each of its characters back to an offset in the original), and
small string helpers (:func:`normalize`, :func:`fold`, :func:`slugify`).

Why a map: matching needs one spelling (NFC, modern tone placement ``ủy``,
``hóa``, no Word bookmarks or markdown emphasis), but every extracted fact must
point at the original text a researcher can open. So the cleaning never edits
in place; it rebuilds the text character by character and records, for each
output character, the original offset it stands for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from unidecode import unidecode

# Old ("classic") tone placement -> modern, only at the end of a syllable:
# "hoá" -> "hóa", "uỷ" -> "ủy"; "hoàng" and "quý" are left alone.
_TONE_SWAP: dict[str, str] = {}
for _old_v, _new_v in (("o", "a"), ("o", "e"), ("u", "y")):
    for _mark in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
        # lower case, capitals, and a capital first letter ("Uỷ ban", "Hoá")
        for v1, v2 in ((_old_v, _new_v), (_old_v.upper(), _new_v.upper()), (_old_v.upper(), _new_v)):
            old = v1 + unicodedata.normalize("NFC", v2 + _mark)
            new = unicodedata.normalize("NFC", v1 + _mark) + v2
            _TONE_SWAP[old] = new
_TONE_RE = re.compile(r"(?<![qQ])(" + "|".join(sorted(_TONE_SWAP, key=len, reverse=True)) + r")(?![^\W\d_])")

# Word and markdown artefacts that carry no text: bookmarks, emphasis, heading marks.
_ARTEFACT_RE = re.compile(
    r"\[bookmark:[^\]]*\]"  # [bookmark: _Hlk161663991]
    r"|\*{1,3}"  # **bold**, *italic*
    r"|^[ \t]*#{1,6}[ \t]+"  # ### heading
    r"|(?<=\S)[ \t]*\\$"  # markdown hard break written as a backslash
    r"|\u00ad|\u200b|\u200c|\u200d|\ufeff"  # soft hyphen, zero-width characters
    # a line that is only a page number: "3", "- 3 -", "Trang 3", "Trang 3/7"
    r"|^[ \t]*(?:-[ \t]*\d{1,3}[ \t]*-|\d{1,3}|Trang[ \t]+\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?)[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Cleaned text and, for each of its characters, the offset in ``original``."""

    text: str
    original: str
    offsets: tuple[int, ...]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of :attr:`text` back to the span of :attr:`original` it covers."""
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _nfc_with_offsets(raw: str) -> tuple[str, list[int]]:
    """NFC-compose ``raw``, keeping for each output char the offset of its base char."""
    out: list[str] = []
    offs: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(raw[j]):
            j += 1
        composed = unicodedata.normalize("NFC", raw[i:j])
        out.append(composed)
        offs.extend([i] * len(composed))
        i = j
    return "".join(out), offs


def _apply(text: str, offs: list[int], pattern: re.Pattern[str], repl) -> tuple[str, list[int]]:
    """Substitute ``pattern`` in ``text`` while carrying the offset map along."""
    out: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        new_offs.extend(offs[pos : m.start()])
        rep = repl(m)
        out.append(rep)
        # Replacement characters stand for the start of what they replace.
        base = offs[m.start()] if m.start() < len(offs) else (offs[-1] + 1 if offs else 0)
        if len(rep) == m.end() - m.start():
            new_offs.extend(offs[m.start() : m.end()])
        else:
            new_offs.extend([base] * len(rep))
        pos = m.end()
    out.append(text[pos:])
    new_offs.extend(offs[pos:])
    return "".join(out), new_offs


def normalize_document(raw: str) -> NormalizedText:
    """Clean a whole document: NFC, modern tones, no artefacts, unified spaces."""
    text, offs = _nfc_with_offsets(raw)
    if "\r" in text:
        text, offs = _apply(text, offs, re.compile(r"\r\n?"), lambda m: "\n")
    text, offs = _apply(text, offs, _ARTEFACT_RE, lambda m: "")
    text, offs = _apply(text, offs, _TONE_RE, lambda m: _TONE_SWAP[m.group(1)])
    text, offs = _apply(text, offs, re.compile(r"[\u00a0\u2007\u202f\t]"), lambda m: " ")
    text, offs = _apply(text, offs, re.compile(r"[\u2010\u2011\u2012]"), lambda m: "-")
    return NormalizedText(text=text, original=raw, offsets=tuple(offs))


def normalize(s: str) -> str:
    """NFC plus modern tone placement, whitespace collapsed: the form we match and store."""
    s = unicodedata.normalize("NFC", s)
    s = _TONE_RE.sub(lambda m: _TONE_SWAP[m.group(1)], s)
    return re.sub(r"\s+", " ", s).strip()


def fold(s: str) -> str:
    """Diacritics-insensitive key for search: "Thể thao Bắc Kạn" -> "the thao bac kan"."""
    s = unicodedata.normalize("NFC", s).replace("đ", "d").replace("Đ", "D")
    s = unidecode(s).casefold()
    return re.sub(r"[^0-9a-z]+", " ", s).strip()


def slugify(s: str) -> str:
    """URL-safe slug without slashes or dots: "241-KH/TU" -> "241-kh-tu"."""
    return fold(s).replace(" ", "-") or "x"
