"""References: "Kế hoạch số 241-KH/TU, ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy ..." read one at a time.

Reads: normalised text. Returns: :class:`Mention` (one document named in the
text: type, number, date, issuer, title, offsets) from :func:`find_mentions`,
and the pieces other readings share (dates, numbers, the chain and basis
trigger words). How mentions nest into chains is :mod:`ingest.chains`.

Why regular expressions and not a model: the constructions are formulaic and
must be explained (offsets, method) and run at 500 documents a second; every
pattern tolerates the PDF line breaks, stray spaces and tone forms of real
documents because it works on normalised text with ``\\s+`` between tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.organs import OrganMatch, match_organ
from ingest.scan import Scanner
from ontology.vocab import DOC_TYPE_PREFIXES, DOC_TYPE_WORDS, suffix_of

_WS = re.compile(r"\s+")
_PARTS = re.compile(r"[-/]")

TYPE_ALT = "|".join(w.replace(" ", r"\s+") for w in sorted(DOC_TYPE_WORDS, key=len, reverse=True))
# Capitals even inside the case-insensitive pattern: "25 lao động" is no document number.
# "KL/TƯ": Ư printed for U by many Party texts; "QH15": a term's digits after the body.
_SYM_PART = r"(?-i:[A-ZĐ][A-Za-zĐđƯư]*(?:\d{1,2}(?![\d/]))?)"
# Around a separator: up to three spaces, or a PDF line break with a blank line
# ("Kế hoạch số 37-\n\nKH/ĐU", "số 63 \n\n /KH-UBND", "70-KL / \n\n TW"), tried only
# when the former fails.
_GAP = r"(?:\s{0,3}|[ \t]{0,3}\n[ \t]{0,3}(?:\n[ \t]{0,3})?)"
NUMBER_RE = (
    rf"(?P<num>\d{{1,5}}(?-i:[a-z])?){_GAP}(?P<sep>[-–/]{_GAP})?(?P<yr>(?:19|20)\d{{2}}\s{{0,2}}/\s{{0,2}})?"
    rf"(?P<sym>{_SYM_PART}(?:{_GAP}[-–/]{_GAP}{_SYM_PART})*)"
)
MENTION_RE = re.compile(
    rf"(?:(?P<type>{TYPE_ALT})(?:\s+(?:liên\s+tịch|hành\s+động))?\s+)?"
    rf"(?:(?P<so>số|s(?=\d))\s*(?::\s*)?)?{NUMBER_RE}(?![\w])",
    re.IGNORECASE,
)

# A date as documents print it: "02/4/2024", "02-4-2024", "02.4.2024", or in words,
# "02 tháng 4 năm 2024" with the day or month left blank ("tháng 5 năm 2024").
DATE_BODY = (
    r"(?:(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})\s*[/\-.]\s*(?P<y>\d{4})"
    r"|(?P<wd>\d{1,2})?\s*tháng\s*(?P<wm>\d{1,2})?\s*năm\s*(?P<wy>\d{4}))"
)
# Spaces around optional punctuation are written "\s*(?:,\s*)?", never "\s*,?\s*": the
# latter tries every split of a run of spaces (a header's 30-space gap cost half a ms).
_TAIL_DATE = re.compile(
    rf"\s*(?:[,;]\s*)?(?:\(\s*)?(?:ban\s+hành\s+)?ngày\s*{DATE_BODY}\s*\)?",
    re.IGNORECASE,
)


def date_of(m: re.Match[str]) -> str | None:
    """The ISO date of a match of :data:`DATE_BODY`, at the precision printed."""
    if m.group("y"):
        return iso_date(m.group("d"), m.group("m"), m.group("y"))
    return iso_date(m.group("wd"), m.group("wm"), m.group("wy"))


_TAIL_OF = re.compile(r"\s*(?:,\s*)?(?:của|do)\s+", re.IGNORECASE)
_TAIL_TITLE = re.compile(r"\s*(?:,\s*)?(?:về\s+việc|v/v|về)\s+", re.IGNORECASE)

# The words before a mention that make it implemented by the previous one.
CHAIN_END = re.compile(
    r"(?:(?:về|để|nhằm)\s+)?(?:việc\s+)?(?:tổ\s+chức\s+)?(?:triển\s+khai\s*,?\s*)?(?:tổ\s+chức\s+)?"
    r"(?:thực\s+hiện|triển\s+khai|cụ\s+thể\s+hóa|quán\s+triệt|thi\s+hành)"
    r"(?:\s+(?:các|nội\s+dung(?:\s+của)?|có\s+hiệu\s+quả))?\s*$",
    re.IGNORECASE,
)
# It ends with "$" but the engine tries it at every position of the text before it.
CHAIN_END_SCAN = Scanner(CHAIN_END)
# A chain sentence starts with one of these.
TRIGGER_RE = re.compile(
    r"(?:Để\s+)?(?:tiếp\s+tục\s+)?(?:Triển\s+khai\s*,?\s*)?(?:tổ\s+chức\s+)?"
    r"(?:Thực\s+hiện|Triển\s+khai|Cụ\s+thể\s+hóa|Quán\s+triệt|Thi\s+hành)\b",
    re.IGNORECASE,
)
BASIS_RE = re.compile(r"Căn\s+cứ\b", re.IGNORECASE)


def iso_date(d: str | None, m: str | None, y: str | None) -> str | None:
    """ISO date at the precision printed: "2024-04-02", "2024-05" or "2024"."""
    if not y:
        return None
    year = int(y)
    if not 1945 <= year <= 2100:
        return None
    if not m:
        return f"{year:04d}"
    month = int(m)
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if not d:
        return f"{year:04d}-{month:02d}"
    day = int(d)
    if not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean_number(num: str, sep: str | None, sym: str, year: str | None = None) -> str:
    """ "474 /KH-MTTQ-BTT" -> "474/KH-MTTQ-BTT", "70- KL/TW" -> "70-KL/TW",
    "15/ 2023/NQ-HĐND" -> "15/2023/NQ-HĐND"."""
    sep = (sep or "").strip().replace("–", "-")
    sym = _WS.sub("", sym).replace("–", "-")
    year = _WS.sub("", year or "")
    return f"{num}{sep}{year}{sym}"


def type_of_symbol(sym: str | None) -> str | None:
    """The document type the first letters of a symbol name ("KH/TU" -> "ke_hoach"), or None."""
    if not sym:
        return None
    head = _PARTS.split(sym.lstrip("-/"))[0].upper()
    found = DOC_TYPE_PREFIXES.get(head)
    if found is None:
        # a lost hyphen: "QĐBYT" is "QĐ-BYT" when the rest is a known issuer's code
        found = next(
            (t for p, t in DOC_TYPE_PREFIXES.items() if head.startswith(p) and suffix_of(head[len(p) :])),
            None,
        )
    return found


@dataclass
class Mention:
    """One document named in the text, and what the text says of it."""

    start: int
    end: int  # end of the parsed tail (number, date, issuer, title)
    num_end: int  # end of the number itself
    doc_type: str | None
    number: str
    date: str | None = None
    organ: OrganMatch | None = None
    title: str | None = None
    children: list[Mention] = field(default_factory=list)
    head_end: int = 0  # end of number, date and issuer: where a title ("về ...") would start
    title_start: int | None = None  # after "về", when the text gives a title


# Where a title ends: ";", "(", a sentence end, or a blank line before a capital
# (:func:`_title_stop`; the last is found run by run of blank space).
_TITLE_STOP = re.compile(r"[;(]|\.\s|\.$")
_NEWLINE_RUN = re.compile(r"\n\s*")
_CAPITAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")


def _title_stop(seg: str) -> int:
    r"""Where the title in ``seg`` ends: the start of the first match of
    ``[;(]|\.\s|\.$|\n\s*\n(?=\s*[A-ZĐ])``, or ``len(seg)``.

    Why not that pattern: tried at every line break of a run of blank lines, its last
    part reads the rest of the run each time (the square of the run's length). A run
    of blank space that holds two line breaks and ends before a capital stops the
    title at its first line break; no other of its line breaks can come first.
    """
    m = _TITLE_STOP.search(seg)
    stop = m.start() if m else len(seg)
    for run in _NEWLINE_RUN.finditer(seg, 0, stop):
        if run.group().count("\n") >= 2 and run.end() < len(seg) and seg[run.end()] in _CAPITAL:
            return run.start()
    return stop


def _valid_symbol(m: re.Match[str]) -> bool:
    sym = _WS.sub("", m.group("sym"))
    if m.group("type") or m.group("so"):
        return "/" in sym or "-" in sym or bool(m.group("sep")) or type_of_symbol(sym) is not None
    # Without "số" or a type word only a full Party ("KL/TW") or State ("/NQ-HĐND") style symbol counts.
    state_style = (m.group("sep") or "").strip() == "/" and "-" in sym
    return ("/" in sym or state_style) and type_of_symbol(sym) is not None


# What a mention is made of: letters, digits, spaces, "-", "–", "/" and ":". Any other
# character (".", ",", ";", brackets, quotes) ends the stretch a mention can lie in.
_MENTION_CUT = re.compile(r"[^\w\s\-–/:]")
# The end of a number and the start of its symbol ("70-K", "15/2023/N"): in every mention.
_NUMBER_ANCHOR = re.compile(rf"\d[a-z]?{_GAP}(?:[-–/]{_GAP})?(?:(?:19|20)\d{{2}}\s{{0,2}}/\s{{0,2}})?[A-ZĐ]")
# The same pattern, led by the letters a mention can start with (a type word, "số" or a
# digit), which the engine checks before it tries the nineteen type words.
_MENTION_SCAN = re.compile(
    "(?=[" + "".join(sorted({w[0] for w in DOC_TYPE_WORDS} | {"s"})) + r"\d])" + MENTION_RE.pattern,
    MENTION_RE.flags,
)


# Read backwards from a number's last digit: the longest run that could come before it
# inside a mention (up to four more digits, then spaces, a colon and up to six words:
# "số", and a type word with "liên tịch" / "hành động"). Over-long is safe, short is not.
_PREFIX_BACK = re.compile(r"\d{0,4}(?:[\s:]*[^\W\d_]+){0,6}")
_SPACES_ONLY = re.compile(r"[\s:]*")


def _mention_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of :data:`MENTION_RE` in ``text[start:end]``, as ``finditer`` gives them.

    Why not ``finditer`` over the whole range: the pattern may start at almost any
    letter, so a page costs a millisecond. Every match holds a number followed by its
    symbol (an anchor), and the first anchor after the scan position is the last digit
    of the number of any match that holds it, so no match starts before the words that
    may precede that digit: the search starts there. No match crosses a character it
    cannot hold, so the search ends at the next one (the pattern's final look-ahead
    sees the same non-word character, or the end, either way).

    Linear in the length of the range: anchors come in text order, so the next
    character a mention cannot hold is searched for again only once an anchor has
    passed the one found before (a line of 50,000 mentions without one was read
    50,000 times over); the text read backwards from an anchor is only the stretch
    since the scan position, which moves past the anchor each time.
    """
    pos = start
    cut = -1  # the next character no mention holds, at or after the last anchor (end: none)
    while pos < end:
        a = _NUMBER_ANCHOR.search(text, pos, end)
        if a is None:
            return
        anchor = a.start()
        from_ = anchor - _prefix_back(text, pos, anchor)
        if cut < anchor:
            ahead = _MENTION_CUT.search(text, anchor, end)
            cut = ahead.start() if ahead else end
        m = _MENTION_SCAN.search(text, from_, cut)
        if m is None:
            pos = cut + 1
            continue
        yield m
        pos = m.end()


def _prefix_back(text: str, pos: int, anchor: int) -> int:
    """How far before ``anchor`` (not before ``pos``) the words of a mention may start:
    :data:`_PREFIX_BACK` matched on the text read backwards, first on a short window."""
    lo = max(pos, anchor - 256)
    back = _PREFIX_BACK.match(text[lo:anchor][::-1])
    n = back.end() if back is not None else 0
    if lo > pos and _SPACES_ONLY.fullmatch(text, lo, anchor - n):
        # the match may go on past the window (it reached the window's start, or stopped in
        # spaces that a word before the window may follow): read the whole stretch
        back = _PREFIX_BACK.match(text[pos:anchor][::-1])
        n = back.end() if back is not None else 0
    return n


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Every numbered document named in ``text[start:end]``, with date and issuer."""
    end = len(text) if end is None else end
    found = bare_mentions(text, start, end)
    for i, mt in enumerate(found):
        read_tail(text, mt, found[i + 1].start if i + 1 < len(found) else end)
    return found


def bare_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """The mentions of :func:`find_mentions` before their tails are read (see :func:`read_tail`).

    Why apart: a caller that wants only some of them (the ones not met yet) reads
    only those tails; each tail depends on its mention and the next one's start only.
    """
    return list(iter_mentions(text, start, end))


def iter_mentions(text: str, start: int = 0, end: int | None = None) -> Iterator[Mention]:
    """:func:`bare_mentions` one at a time (a text of a million mentions need not hold them all)."""
    end = len(text) if end is None else end
    for m in _mention_matches(text, start, end):
        if not _valid_symbol(m):
            continue
        sym = _WS.sub("", m.group("sym"))
        word = m.group("type")
        doc_type = DOC_TYPE_WORDS.get(_WS.sub(" ", word.lower())) if word else None
        doc_type = doc_type or type_of_symbol(sym) or "other"
        number = clean_number(m.group("num"), m.group("sep"), m.group("sym"), m.group("yr"))
        yield Mention(m.start(), m.end(), m.end(), doc_type, number)


def read_tail(text: str, mt: Mention, limit: int) -> None:
    """Read the date, issuer and title that follow a number, up to ``limit``."""
    pos = mt.num_end
    dm = _TAIL_DATE.match(text, pos, limit)
    if dm:
        mt.date = date_of(dm)
        pos = dm.end()
    om = _TAIL_OF.match(text, pos, limit)
    if om:
        organ = match_organ(text, om.end(), limit)
        if organ:
            mt.organ = organ
            pos = organ.end
    if mt.date is None:  # "... của UBND tỉnh, ngày 02/4/2024"
        dm = _TAIL_DATE.match(text, pos, limit)
        if dm and dm.group("y"):
            mt.date = date_of(dm)
            pos = dm.end()
    mt.head_end = pos
    tm = _TAIL_TITLE.match(text, pos, limit)
    if tm:
        mt.title_start = tm.end()
        seg = text[tm.end() : limit]
        stop = _title_stop(seg)
        title = seg[:stop]
        title = _WS.sub(" ", title).strip(" ,.;:-")
        # a chained mention follows: cut its lead-in words off the title
        title = CHAIN_END_SCAN.sub("", title).strip(" ,")
        if title:
            mt.title = title
        pos = tm.end() + stop
    mt.end = max(mt.num_end, pos)


@lru_cache(maxsize=8192)
def norm_key(number: str) -> str:
    """Compare numbers as the same document: case, spaces and the hyphen after the digits ignored.

    Cached: a document compares each of its numbers dozens of times."""
    s = re.sub(r"\s+", "", number).upper().replace("–", "-")
    return re.sub(r"^(\d+)-", r"\1", s)
