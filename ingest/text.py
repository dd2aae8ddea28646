"""Vietnamese text normalisation that remembers where every character came from.

Reads: raw document text. Returns: :class:`NormalizedText` (the cleaned text
plus a map from each of its characters back to an offset in the original), and
small string helpers (:func:`normalize`, :func:`fold`, :func:`slugify`).

Why a map: matching needs one spelling (NFC, modern tone placement ``ủy``,
``hóa``, no Word bookmarks or markdown emphasis), but every extracted fact must
point at the original text a researcher can open. So the cleaning never edits
in place; it rebuilds the text and records, for each output character, the
original offset it stands for (one to one, without a copy, where nothing changes:
the usual case, so that 500 documents a second stay within reach).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from unidecode import unidecode

# Offsets as unsigned machine integers of at least four bytes (texts of up to 4 G characters).
_OFFSET_CODE = "I" if array("I").itemsize >= 4 else "L"

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
# One character class per position instead of 45 alternatives: the scan runs at C speed
# (a pattern that starts with a class is searched for by the class). It also matches a
# few pairs that are not in the table ("oÁ"), which :func:`_swap_tone` leaves as they are.
_TONE_RE = re.compile(
    r"([oOuU])(?<![qQ][oOuU])([" + "".join(sorted({k[1] for k in _TONE_SWAP})) + r"])(?![^\W\d_])"
)


def _swap_tone(m: re.Match[str]) -> str:
    return _TONE_SWAP.get(m.group(0), m.group(0))


# Word and markdown artefacts that carry no text: bookmarks, emphasis, heading marks.
# Each alternative with the character it needs (None: may match any text). A document
# is scanned only with the alternatives whose character it holds (one that is absent
# cannot match), in this order, which keeps the result of the whole pattern.
_ARTEFACT_PARTS: tuple[tuple[str | None, str], ...] = (
    # [bookmark: _Hlk161663991] (Word's names have at most 40 characters: a bound keeps every
    # unclosed "[bookmark:" from reading the rest of the text)
    ("[", r"\[bookmark:[^\]]{0,100}\]"),
    ("*", r"\*{1,3}"),  # **bold**, *italic*
    ("#", r"^[ \t]*#{1,6}[ \t]+"),  # ### heading
    ("\\", r"(?<=\S)[ \t]*\\$"),  # markdown hard break written as a backslash
    # soft hyphen, zero-width characters
    ("\u00ad", "\u00ad"),
    ("\u200b", "\u200b"),
    ("\u200c", "\u200c"),
    ("\u200d", "\u200d"),
    ("\ufeff", "\ufeff"),
    # a line that is only a page number: "3", "- 3 -", "Trang 3", "Trang 3/7"
    (None, r"^[ \t]*(?:-[ \t]*\d{1,3}[ \t]*-|\d{1,3}|Trang[ \t]+\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?)[ \t]*$"),
)


@lru_cache(maxsize=64)
def _artefact_re(present: tuple[bool, ...]) -> re.Pattern[str]:
    """The artefact pattern without the alternatives whose character a text lacks."""
    parts = [p for (_c, p), here in zip(_ARTEFACT_PARTS, present, strict=True) if here]
    return re.compile("|".join(parts), re.MULTILINE)


def _artefacts_for(text: str) -> re.Pattern[str]:
    return _artefact_re(tuple(c is None or c in text for c, _p in _ARTEFACT_PARTS))


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Cleaned text and, for each of its characters, the offset in ``original``."""

    text: str
    original: str
    # A range when the cleaning changed nothing (most texts), else an array of machine
    # integers (a tuple of Python ints took some 40 bytes a character): same indexing.
    offsets: Sequence[int]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of :attr:`text` back to the span of :attr:`original` it covers."""
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _nfc_with_offsets(raw: str) -> tuple[str, Sequence[int]]:
    """NFC-compose ``raw``, keeping for each output char the offset of its base char.

    Composing cluster by cluster (a character and the combining marks after it) in
    Python costs milliseconds a page, and most documents are NFC already: a stretch
    that is NFC and holds no combining mark maps one to one, so only the other
    stretches (cut at line breaks that no mark follows, which are cluster bounds) are
    composed cluster by cluster.
    """
    if _plain_nfc(raw):
        return raw, range(len(raw))
    out: list[str] = []
    offs = array(_OFFSET_CODE)
    start, n = 0, len(raw)
    while start < n:
        end = raw.find("\n", start) + 1 or n
        while end < n and unicodedata.combining(raw[end]):  # the marks stay with their base
            end = raw.find("\n", end) + 1 or n
        piece = raw[start:end]
        if _plain_nfc(piece):
            out.append(piece)
            offs.extend(range(start, end))
        else:
            _nfc_clusters(raw, start, end, out, offs)
        start = end
    return "".join(out), offs


# Characters outside the blocks Vietnamese text is written in (Latin, Latin Extended
# Additional, general punctuation and currency), none of which holds a combining mark.
_BEYOND_PLAIN = re.compile(r"[^\x00-\u02ff\u1e00-\u1eff\u2000-\u20cf]")


def _plain_nfc(s: str) -> bool:
    """NFC and without combining marks (each distinct character is looked at once, and
    only when the text has characters beyond the blocks that hold none)."""
    if not unicodedata.is_normalized("NFC", s):
        return False
    return not _BEYOND_PLAIN.search(s) or not any(map(unicodedata.combining, set(s)))


def _nfc_clusters(raw: str, i: int, n: int, out: list[str], offs: array) -> None:
    """NFC of ``raw[i:n]`` one cluster (a character and its combining marks) at a time."""
    combining = unicodedata.combining
    nfc = unicodedata.normalize
    while i < n:
        j = i + 1
        while j < n and combining(raw[j]):
            j += 1
        composed = nfc("NFC", raw[i:j])
        out.append(composed)
        offs.extend([i] * len(composed))
        i = j


def _apply(
    text: str,
    offs: Sequence[int],
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str],
    same_length: bool = False,
) -> tuple[str, Sequence[int]]:
    """Substitute ``pattern`` in ``text`` while carrying the offset map along.

    ``same_length``: every replacement is as long as what it replaces, so the map stays
    as it is. The matches are taken one at a time (a list of them held a text's worth)."""
    matches = pattern.finditer(text)
    first = next(matches, None)
    if first is None:  # the usual case for most passes: nothing to rebuild
        return text, offs
    out: list[str] = []
    new_offs = None if same_length else array(_OFFSET_CODE)
    pos = 0
    for m in chain((first,), matches):
        out.append(text[pos : m.start()])
        rep = repl(m)
        out.append(rep)
        if new_offs is not None:
            new_offs.extend(offs[pos : m.start()])
            # Replacement characters stand for the start of what they replace.
            base = offs[m.start()] if m.start() < len(offs) else (offs[-1] + 1 if offs else 0)
            if len(rep) == m.end() - m.start():
                new_offs.extend(offs[m.start() : m.end()])
            else:
                new_offs.extend([base] * len(rep))
        pos = m.end()
    out.append(text[pos:])
    if new_offs is None:
        return "".join(out), offs
    new_offs.extend(offs[pos:])
    return "".join(out), new_offs


_CR = re.compile(r"\r\n?")
_SPACE_LIKE = re.compile(r"[\u00a0\u2007\u202f\t]")
_HYPHEN_LIKE = re.compile(r"[\u2010\u2011\u2012]")


def normalize_document(raw: str) -> NormalizedText:
    """Clean a whole document: NFC, modern tones, no artefacts, unified spaces."""
    text, offs = _nfc_with_offsets(raw)
    if "\r" in text:
        text, offs = _apply(text, offs, _CR, lambda m: "\n")
    text, offs = _apply(text, offs, _artefacts_for(text), lambda m: "")
    text, offs = _apply(text, offs, _TONE_RE, _swap_tone, same_length=True)
    text, offs = _apply(text, offs, _SPACE_LIKE, lambda m: " ", same_length=True)
    text, offs = _apply(text, offs, _HYPHEN_LIKE, lambda m: "-", same_length=True)
    return NormalizedText(text=text, original=raw, offsets=offs)


def normalize(s: str) -> str:
    """NFC plus modern tone placement, whitespace collapsed: the form we match and store."""
    s = unicodedata.normalize("NFC", s)
    s = _TONE_RE.sub(_swap_tone, s)
    return re.sub(r"\s+", " ", s).strip()


def _fold_table() -> dict[int, str]:
    """Character -> its folded form: unidecode's ASCII, lower case, anything else a space.

    unidecode works character by character, so a table of its answers over the
    scripts documents use gives the same result as calling it, without a Python
    loop per character; :func:`fold` sends text with other characters to unidecode.
    """
    table: dict[int, str] = {}
    for lo, hi in _FOLD_RANGES:
        for cp in range(lo, hi + 1):
            ascii_ = unidecode(chr(cp)).casefold()
            table[cp] = re.sub(r"[^0-9a-z]", " ", ascii_)
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


# Latin, IPA, combining marks, Greek, Cyrillic, Vietnamese, general punctuation.
_FOLD_RANGES = ((0x0000, 0x058F), (0x1E00, 0x1EFF), (0x2000, 0x206F))
_FOLD_TABLE = _fold_table()
_OUTSIDE_TABLE = re.compile(r"[^\u0000-\u058f\u1e00-\u1eff\u2000-\u206f]")


def fold(s: str) -> str:
    """Diacritics-insensitive key for search: "Thể thao Bắc Kạn" -> "the thao bac kan"."""
    if len(s) <= 80:  # organ, place and campaign names come back again and again
        return _fold_short(s)
    if len(s) <= _FOLD_PIECE:
        return _fold(s)
    # A long text piece by piece, cut after a space (a whole text decomposed at once held
    # a dozen copies of it): each space folds to a space between words either way.
    return " ".join(f for f in map(_fold, _pieces(s)) if f)


_FOLD_PIECE = 1 << 20
_SPACE = re.compile(r"[ \n]")  # (not any \s: a few of them fold to nothing)


def _pieces(s: str) -> Iterator[str]:
    """``s`` in pieces of about :data:`_FOLD_PIECE` characters, each cut after a space or a
    line break."""
    start = 0
    while len(s) - start > _FOLD_PIECE:
        cut = _SPACE.search(s, start + _FOLD_PIECE)
        if cut is None:
            break
        yield s[start : cut.end()]
        start = cut.end()
    yield s[start:]


@lru_cache(maxsize=16384)
def _fold_short(s: str) -> str:
    return _fold(s)


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    if not _NOT_PLAIN.search(d):
        # Vietnamese text decomposes to ASCII and marks that fold to nothing: drop the
        # marks with the ASCII codec and fold the rest byte by byte (C speed throughout).
        d = _SPACE_PUNCT.sub(" ", d.replace("đ", "d").replace("Đ", "d"))
        return " ".join(d.encode("ascii", "ignore").translate(_ASCII_FOLD).decode("ascii").split())
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if _OUTSIDE_TABLE.search(s):
        s = unidecode(s.replace("đ", "d").replace("Đ", "D")).casefold()
        return re.sub(r"[^0-9a-z]+", " ", s).strip()
    return " ".join(s.translate(_FOLD_TABLE).split())


def _class(chars: list[str]) -> str:
    return "".join(re.escape(c) for c in chars)


# The plain route of :func:`_fold`: characters that fold to nothing (marks, zero-width
# characters), punctuation that folds to spaces, and a byte table for ASCII. Left out:
# the parts of the few characters whose decomposition folds otherwise than they do
# ("≠" is "=" + U+0338, "΅" is "¨" + U+0301; tests/test_parsers.py checks them all).
_NOT_PARTS = "\u00a8\u0338"
_DROPPED = [
    chr(c) for c, v in _FOLD_TABLE.items() if c > 0x7F and v == "" and chr(c) not in "đĐ" + _NOT_PARTS
]
_SPACES = [
    chr(c) for c, v in _FOLD_TABLE.items() if c > 0x7F and v and not v.strip() and chr(c) not in _NOT_PARTS
]
_NOT_PLAIN = re.compile("[^\x00-\x7f\u0110\u0111" + _class(_DROPPED) + _class(_SPACES) + "]")
_SPACE_PUNCT = re.compile("[" + _class(_SPACES) + "]")
_ASCII_FOLD = bytes(
    c if chr(c).isdigit() or chr(c).islower() else c + 32 if chr(c).isupper() else 32 for c in range(128)
) + bytes(range(128, 256))


def slugify(s: str) -> str:
    """URL-safe slug without slashes or dots: "241-KH/TU" -> "241-kh-tu"."""
    return fold(s).replace(" ", "-") or "x"
