"""Letters OCR reads in place of digits, put back inside numbers and dates.

Reads: one OCR'd word. Returns: the word, the same length, with a fraction or
division slash (which Tesseract gives for "/" in "31/01/2024") made "/", and a letter that
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

__all__ = ["fix_confusables", "fix_words"]

# Look-alikes Tesseract returns for the ASCII marks of numbers and dates: a fraction or division slash.
_MARKS = str.maketrans({"\u2044": "/", "\u2215": "/"})
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "l": "1", "I": "1", "|": "1"})
_PART = re.compile(r"[^/\-.,:]+")
_CONFUSABLE = frozenset("OoQlI|")


def _fix_part(m: re.Match[str]) -> str:
    part = m.group(0)
    digits = any(c.isdigit() for c in part) and any(c in _CONFUSABLE for c in part)
    if digits and all(c.isdigit() or c in _CONFUSABLE for c in part):
        return part.translate(_AS_DIGIT)
    return part


# A date written d/m/yyyy (or with dots or hyphens), as one OCR word.
_DATE = re.compile(r"^(\W*\d{1,2}([/.-])\d{1,2}\2)(2[1-9])(\d\d\W*)$")
# A year after the words that introduce one ("năm 2024", "giai đoạn 2021 - 2025", "đến 2030").
_YEAR = re.compile(r"^(\W*)(2[1-9])(\d\d\W*)$")
# A dot or comma glued before a word's first letter: a speck of dust, never Vietnamese punctuation.
_SPECK = re.compile(r"^[.,:;`]+(?=[^\W\d_])")
_BEFORE_YEAR = frozenset({"năm", "đoạn", "đến", "từ", "-", "–"})
# The header's number label read in capitals ("SỐ" for "Số": the tone mark's height misjudged),
# before a number or a symbol with a blank number ("- KH/HU").
_LABEL = re.compile(r"^SỐ(:?)$")
_NUMBERISH = re.compile(r"^[\d\-/.]")


def _year(head: str) -> str:
    """A year 29xx, 26xx or 28xx is 20xx: its 0 was read as 9, 6 or 8."""
    return "20" if head[1] in "689" else head


def fix_words(words: list[str]) -> list[str]:
    """A line's words with :func:`fix_confusables`, specks before a word dropped (".Căn cứ"),
    and impossible years in dates put back.

    No administrative document is dated, nor sets targets, past 2100: "12/9/2922"
    or "năm 2924" is a 0 read as 9, 6 or 8 (Tesseract's confusion on a dotted
    zero), so the year's second digit is made 0. A plausible year (2036 for 2030)
    is left: only the extraction can check it against the documents it names.
    The header's "SỐ" before a number or a symbol is its label "Số".
    """
    out: list[str] = []
    for i, word in enumerate(words):
        word = fix_confusables(_SPECK.sub("", word))
        label = _LABEL.match(word)
        if label and i + 1 < len(words) and _NUMBERISH.match(words[i + 1]):
            word = "Số" + label.group(1)
        m = _DATE.match(word)
        if m:
            word = m.group(1) + _year(m.group(3)) + m.group(4)
        elif i and words[i - 1].casefold() in _BEFORE_YEAR:
            y = _YEAR.match(word)
            if y:
                word = y.group(1) + _year(y.group(2)) + y.group(3)
        out.append(word)
    return out


def fix_confusables(word: str) -> str:
    """``word`` with digit look-alikes inside its numbers made digits (same length)."""
    word = word.translate(_MARKS)
    if not any(c.isdigit() for c in word):
        return word
    return _PART.sub(_fix_part, word)
