"""The document a news page announces: "ngày 13/5/2011, UBND huyện ban hành Kế hoạch số 42/KH-UBND".

Reads: the normalised text of one document without a header number. Returns:
:class:`Announced` (type, number, symbol and date of the document the page is about,
and the span of its number), or None.

Why a module of its own: a portal's news item or a newspaper article carries no header
block; it tells in prose who issued which document and when ("... đã ban hành Kế hoạch
số 726/KH-UBND", "... đã ký hướng dẫn số 1510/UBND-GDĐT ngày 27/8/2021"). The page's
own stamps (post, print and update dates) come first on the page and are not the
document's date; the date of the announcing sentence is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.refs import DATE_BODY, NUMBER_RE, clean_number, date_of
from ontology.vocab import DOC_TYPE_WORDS

_TYPE = "|".join(w.replace(" ", r"\s+") for w in sorted(DOC_TYPE_WORDS, key=len, reverse=True))
# "ban hành Kế hoạch số 42/KH-UBND", "đã ký hướng dẫn số 1510/UBND-GDĐT ngày 27/8/2021"
_ANNOUNCE = re.compile(
    rf"(?:ban\s+hành|(?<!\w)ký(?:\s+ban\s+hành)?)\s+(?P<type>{_TYPE})\s+số\s*:?\s*{NUMBER_RE}(?![\w])"
    rf"(?P<tail>\s*(?:,\s*)?ngày\s*(?:{DATE_BODY}))?",
    re.IGNORECASE,
)
# the date that opens the announcing sentence: "Ngày 15/10/2018, UBMTTQVN Huyện ban hành ..."
_LEAD_DATE = re.compile(rf"ngày\s*{DATE_BODY}\s*,", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.;:!?\n]")
# The announcement is read near the top of a page: an article names its document early.
_SCAN = 4000


@dataclass(frozen=True, slots=True)
class Announced:
    doc_type: str
    number: str
    symbol: str
    date: str | None
    number_span: tuple[int, int]
    date_span: tuple[int, int] | None


def read_announced(text: str) -> Announced | None:
    """The first document the page says was issued ("ban hành"/"ký" + type + "số ..."), or None."""
    for m in _ANNOUNCE.finditer(text, 0, min(len(text), _SCAN)):
        sym = re.sub(r"\s+", "", m.group("sym"))
        if "/" not in sym and "-" not in sym and not m.group("sep"):
            continue
        number = clean_number(m.group("num"), m.group("sep"), m.group("sym"), m.group("yr"))
        doc_type = DOC_TYPE_WORDS[re.sub(r"\s+", " ", m.group("type").lower())]
        date: str | None = None
        date_span: tuple[int, int] | None = None
        if m.group("tail"):
            date, date_span = date_of(m), (m.start("tail"), m.end("tail"))
        else:
            # the date opening the same sentence ("ngày 12 tháng 3 năm 2021, Ủy ban ... đã ban hành")
            starts = [s.end() for s in _SENTENCE_START.finditer(text, 0, m.start())]
            start = starts[-1] if starts else 0
            leads = list(_LEAD_DATE.finditer(text, start, m.start()))
            if leads:
                date, date_span = date_of(leads[-1]), leads[-1].span()
        return Announced(doc_type, number, sym.lstrip("-/"), date, (m.start("num"), m.end("sym")), date_span)
    return None
