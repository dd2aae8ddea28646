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

from ingest.model import Signer
from ingest.organs import OrganMatch, find_organs
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
# "Ông Ngô Đức Sáu – Phó Chủ tịch UBND ...": a person named with the office they sign as
_WHO = re.compile(
    r"(?:Ông|Bà|đồng\s+chí|Đồng\s+chí)\s+(?P<name>(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s+){1,4}[A-ZĐÀ-Ỹ][^\W\d_]*)"
    r"\s*[–—,-]\s*(?P<title>(?:Phó\s+)?(?:Chủ\s+tịch|Bí\s+thư|Giám\s+đốc|Trưởng\s+ban|Trưởng\s+phòng|Bộ\s+trưởng)"
    r"(?:\s+Thường\s+trực)?)(?=\s)"
)
# The announcement is read near the top of a page: an article names its document early.
_SCAN = 4000
# "UBND xã Tam Phước xây dựng Kế hoạch ...", "I. CĂN CỨ LẬP KẾ HOẠCH": the type the text gives itself
_MAKES = re.compile(rf"(?:xây\s+dựng|lập)\s+(?P<type>{_TYPE})(?!\s*(?:số|\d))(?![^\W\d_])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Announced:
    doc_type: str
    number: str
    symbol: str
    date: str | None
    number_span: tuple[int, int]
    date_span: tuple[int, int] | None
    organ: OrganMatch | None = None  # the body the sentence names as issuing it
    signer: Signer | None = None  # "Ông Ngô Đức Sáu – Phó Chủ tịch UBND huyện ... đã ký"
    signer_span: tuple[int, int] | None = None


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
        starts = [s.end() for s in _SENTENCE_START.finditer(text, max(0, m.start() - 400), m.start())]
        lead = starts[-1] if starts else max(0, m.start() - 400)
        organs = find_organs(text, lead, m.start())
        signer, signer_span = _signer(text, lead, m.start())
        return Announced(
            doc_type,
            number,
            sym.lstrip("-/"),
            date,
            (m.start("num"), m.end("sym")),
            date_span,
            organs[-1] if organs else None,
            signer,
            signer_span,
        )
    return None


def _signer(text: str, start: int, end: int) -> tuple[Signer | None, tuple[int, int] | None]:
    """ "Ông Ngô Đức Sáu – Phó Chủ tịch UBND huyện ... đã ký": who signed, and as what."""
    m = _WHO.search(text, start, end)
    if m is None:
        return None, None
    return Signer(name=m.group("name"), title=re.sub(r"\s+", " ", m.group("title"))), m.span("name")


def own_type(text: str, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """The type a text without a type line gives itself in ``text[start:end]`` ("... xây dựng
    Kế hoạch ...", "CĂN CỨ LẬP KẾ HOẠCH"), with the span of the type word, or None."""
    m = _MAKES.search(text, start, end)
    if m is None:
        return None
    return DOC_TYPE_WORDS[re.sub(r"\s+", " ", m.group("type").lower())], m.span("type")
