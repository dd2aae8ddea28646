"""Letters OCR reads in place of digits, put back inside numbers and dates.

Reads: one OCR'd word. Returns: the word, the same length, with a letter that
Tesseract confuses with a digit (O/o/Q for 0, l/I/| for 1) turned into that digit
where it stands among digits: in a part of the word (between ``/ - . , :``) made
only of digits and such letters, with at least one real digit.

Why: "3l/0l/2024" and "2O24" are dates and years a person reads at once, but the
extractor would not; a word without a digit ("II", "Ông", "lo") is never touched,
so Roman numerals and words are safe. The same length keeps OCR boxes and
offsets aligned. A digit read as another digit (160 as 166) cannot be told here:
that is the render resolution's job, and the OCR-aware extraction's (a number
checked against the documents it may name).
"""

from __future__ import annotations

import re

__all__ = ["fix_confusables"]

_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "l": "1", "I": "1", "|": "1"})
_PART = re.compile(r"[^/\-.,:]+")
_CONFUSABLE = frozenset("OoQlI|")


def _fix_part(m: re.Match[str]) -> str:
    part = m.group(0)
    digits = any(c.isdigit() for c in part) and any(c in _CONFUSABLE for c in part)
    if digits and all(c.isdigit() or c in _CONFUSABLE for c in part):
        return part.translate(_AS_DIGIT)
    return part


def fix_confusables(word: str) -> str:
    """``word`` with digit look-alikes inside its numbers made digits (same length)."""
    if not any(c.isdigit() for c in word):
        return word
    return _PART.sub(_fix_part, word)
