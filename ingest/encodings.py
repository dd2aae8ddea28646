"""Text files' bytes to text: Unicode with or without a BOM, and the legacy Vietnamese encodings.

Reads: the bytes of a .txt/.md file. Returns: the text (NFC). Raises
:class:`~ingest.errors.DocumentError` with a one-line reason naming what the
bytes are when they are not text we can read. Also :func:`vietnamese_ratio`
and :func:`garbled`, the measure of "is this Vietnamese text" the PDF reader
uses to tell a text layer that is garbage.

Why not try codecs until one does not fail: invalid UTF-8 of even length
decodes "successfully" as UTF-16 into CJK-looking garbage, and any byte string
decodes as Windows-1258. So an encoding is taken only on evidence:

- a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
- UTF-16 without a mark only when every other byte is mostly zero (ASCII in
  UTF-16), and the text then reads as text;
- UTF-8 when it decodes;
- else the legacy Vietnamese encodings of office files before Unicode: TCVN3
  (ABC, TCVN 5712, the .VnTime fonts), Windows-1258 (CP1258, tone marks
  combining) and VNI (VNI-Times: two bytes per toned letter), each decoded and
  scored by how much of it reads as Vietnamese syllables; the best, if it reads
  well, is taken (TCVN3 and CP1258 converted) or named in the refusal (VNI,
  whose letters are pairs of Latin-1 characters we do not convert).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ingest.errors import DocumentError

__all__ = ["decode_text", "garbled", "tcvn3_font_text", "vietnamese_ratio"]

# TCVN 5712:1993 (VN1, whose lower half is TCVN3/ABC) byte -> character, as glibc's iconv maps it.
_TCVN3 = (
    "\u0000\u00da\u1ee4\u0003\u1eea\u1eec\u1eee\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f"
    "\u0010\u1ee8\u1ef0\u1ef2\u1ef6\u1ef8\u00dd\u1ef4\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"
    " !\u0022#$%&'()*+,-./"
    "0123456789:;<=>?"
    "@ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZ[\u005c]^_"
    "`abcdefghijklmno"
    "pqrstuvwxyz{|}~\u007f"
    "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128"
    "\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"
    "\u00a0\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0"
    "\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd"
    "\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2"
    "\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9"
    "\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
)
assert len(_TCVN3) == 256

# A Vietnamese syllable with its marks taken off: initial consonants, a vowel group, final consonants.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_WORD = re.compile(r"[^\W\d_]+")
# Marks a Vietnamese letter may carry: five tones, circumflex, breve, horn.
_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
# Characters a Vietnamese text is made of besides letters and digits.
_PLAIN = frozenset(
    " \t\n\r\f\v!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u00b0\u00ab\u00bb"
)
# VNI: a vowel followed by the Latin-1 character VNI uses for its tone or hat.
# VNI: a vowel followed by the Latin-1 letter VNI draws its grave, hook or dot tone with;
# no Vietnamese letter is an ø, û or ï, so Unicode and the other encodings never show these pairs.
_VNI = re.compile("[aeiouyAEIOUYôÔöÖ][øûïØÛÏ]")


def _is_syllable(word: str) -> bool:
    bare = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _MARKS:
            continue
        if unicodedata.combining(ch):
            return False
        bare.append(ch)
    return _SYLLABLE.fullmatch("".join(bare)) is not None


def vietnamese_ratio(text: str) -> tuple[float, float]:
    """(share of words that are Vietnamese syllables, share of characters no Vietnamese text has)."""
    sample = unicodedata.normalize("NFC", text[:200_000])
    words = _WORD.findall(sample)
    ratio = sum(map(_is_syllable, words)) / len(words) if words else 0.0
    odd = sum(1 for ch in sample if not (ch.isalnum() or ch in _PLAIN))
    return ratio, odd / max(len(sample), 1)


def garbled(text: str) -> bool:
    """True when text is not language: few syllables or many stray symbols (a bad text layer)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text[:200_000]))
    if len(words) < 20:
        return False  # too little to judge
    ratio, odd = vietnamese_ratio(text)
    return ratio < 0.45 or odd > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the bytes look like ASCII-rich UTF-16, else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# Control characters (Unicode category Cc) other than the whitespace ones: a text holding many
# is a binary file decoded by chance. One regex pass (a per-character loop cost ~1 ms a document).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_heavy(text: str) -> bool:
    head = text[:100_000]
    return len(_CONTROL.findall(head)) > 0.01 * max(len(head), 1)


def _legacy(data: bytes) -> tuple[str, str] | None:
    """(name, text) of the legacy Vietnamese encoding the bytes read best in, or None."""
    best: tuple[float, str, str] | None = None
    for name, text in (
        ("TCVN3", unicodedata.normalize("NFC", "".join(_TCVN3[b] for b in data))),
        ("Windows-1258", unicodedata.normalize("NFC", data.decode("cp1258", "replace"))),
    ):
        ratio, odd = vietnamese_ratio(text)
        if odd < 0.01 and "\ufffd" not in text and (best is None or ratio > best[0]):
            best = (ratio, name, text)
    latin = data.decode("cp1252", "replace")
    words = _WORD.findall(latin[:200_000])
    if words and len(_VNI.findall(latin[:200_000])) > 0.05 * len(words):
        return "VNI", latin
    if best is not None and best[0] >= 0.6:
        return best[1], best[2]
    return None


def decode_text(data: bytes, path: str) -> str:
    """The text of a text file's bytes, or DocumentError with the reason (see the module's docstring)."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                raise DocumentError(path, f"not valid {enc.upper()} text despite its byte-order mark") from e
            if _control_heavy(text):
                raise DocumentError(path, "binary file, not text")
            return unicodedata.normalize("NFC", text)
    enc = _utf16_without_bom(data)
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            text = ""
        if text and not _control_heavy(text) and vietnamese_ratio(text)[1] < 0.05:
            return unicodedata.normalize("NFC", text)
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _control_heavy(text):
            raise DocumentError(path, "binary file, not text")
        return text
    found = _legacy(data)
    if found is None:
        raise DocumentError(path, "not valid UTF-8 text (nor TCVN3, VNI or Windows-1258 Vietnamese)")
    name, text = found
    if name == "VNI":
        raise DocumentError(path, "legacy Vietnamese encoding VNI (VNI-Times) is not read: save it as UTF-8")
    if _control_heavy(text):
        raise DocumentError(path, "binary file, not text")
    return text


def tcvn3_font_text(text: str) -> str | None:
    """A text drawn in a TCVN3 font (.VnTime) but read as Windows-1252 ("KÕ ho¹ch"), in Unicode.

    Old PDFs and office files set Vietnamese in fonts whose byte codes are TCVN3
    letters; their text layer then reads as Latin-1 junk. When the same codes
    read as TCVN3 give Vietnamese (and the text as it is does not), that is the
    text; otherwise None.
    """
    data = bytearray()
    for ch in text:
        try:
            data += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 255:
                return None  # a character no single-byte font code gives: not this case
            data.append(ord(ch))
    fixed = unicodedata.normalize("NFC", "".join(_TCVN3[b] for b in data))
    ratio, odd = vietnamese_ratio(fixed)
    return fixed if ratio >= 0.6 and odd < 0.01 and not garbled(fixed) else None
