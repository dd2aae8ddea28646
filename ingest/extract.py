"""Extraction: one read document to its :class:`~ingest.model.PlanRecord`.

Reads: :class:`~ingest.readers.Document` (original + normalised text).
Returns: :class:`~ingest.model.PlanRecord` with evidence offsets into the
original text. Pure: no store, no network, no global state but the cached
gazetteer and campaign scheme.

The document is read the way a person reads it: the header block (number,
place and date, document type, title), the preamble that says what the plan
carries out ("Thực hiện ...", "Căn cứ ..."), the body (other cited documents,
campaigns, numeric targets) and the closing block (recipients, signature).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace
from functools import cached_property

from ingest.campaigns import find_campaigns
from ingest.model import Evidence, Issuer, PlanRecord, Ref, Signer, Target
from ingest.organs import OrganMatch, find_organs, full_name, organ_unit, to_issuer
from ingest.places import base_name, gazetteer
from ingest.readers import Document, read_document
from ingest.refs import (
    BASIS_RE,
    DATE_BODY,
    TRIGGER_RE,
    TYPE_WORDS,
    Mention,
    bare_mentions,
    clean_number,
    date_of,
    merge,
    norm_key,
    parse_chain,
    read_tail,
    same_document,
    type_of_symbol,
    walk,
)
from ingest.scan import Scanner
from ingest.text import NormalizedText, fold

_HEAD_NUMBER = re.compile(
    r"^[ \t]*Số\s*:?[ \t]*(?P<num>\d{1,5})?[ \t]*(?P<sep>[-–/])?[ \t]*(?P<yr>(?:19|20)\d{2}[ \t]?/[ \t]?)?"
    r"(?P<sym>[A-ZĐ][A-Za-zĐđ]*(?:[ \t]?[-–/][ \t]?[A-ZĐ][A-Za-zĐđ]*)*)",
    re.MULTILINE,
)
# The place-and-date line: "Bác Ái, ngày 10 tháng 4 năm 2024", "Lào Cai, ngày 5/6/2024".
_HEAD_DATE = re.compile(rf"(?:^|(?<=\s))(?P<place>[^\n,]{{0,40}}?),?\s*ngày\s*{DATE_BODY}", re.IGNORECASE)
_NGAY = re.compile("ngày", re.IGNORECASE)


def _head_date_start(t: str, end: int) -> int:
    """Where a scan for :data:`_HEAD_DATE` may start: its lazy place is tried at every
    position, so the scan starts no earlier than the first "ngày" allows (a place of
    at most 40 characters, a comma and the spaces before "ngày"). Returns ``end`` if
    there is no "ngày" at all."""
    q = _NGAY.search(t, 0, end)
    if q is None:
        return end
    w = q.start()
    while w > 0 and t[w - 1].isspace():
        w -= 1
    return max(0, w - 41)


_TYPE_HEADING = re.compile(
    r"^[ \t]*(?P<word>"
    + "|".join(w.upper().replace(" ", r"\s+") for w in TYPE_WORDS)
    + r")(?:(?![^\W\d_])|(?=[A-ZĐ][a-zà-ỹđ]))",
    re.MULTILINE,
)
_SECTION = re.compile(
    r"^[ \t]*(?:PHẦN\s+)?(?:I|A)[ \t]*[.\-–/:)][ \t]*\S|^[ \t]*(?:MỤC\s+ĐÍCH|MỤC\s+TIÊU|NỘI\s+DUNG)",
    re.MULTILINE,
)
_SENT_END = re.compile(
    # (the leading look-ahead only lets the engine pass over other characters at once)
    r"(?=[.:n;,\s])(?:(?<!\bTP)(?<!\bTp)(?<!\bnt)\.(?=\s*$|\s+[A-ZĐÀ-Ỹ])|:\s*\n|như\s+sau"
    r"|[;,]?[ \t]*\n(?=[ \t-]*(?:Thực\s+hiện|Căn\s+cứ|Triển\s+khai|Để\s|Quán\s+triệt|Cụ\s+thể\s+hóa))"
    # "..., xét đề nghị của Công an huyện tại Tờ trình số 85": a proposal, not carried out
    r"|[;,]\s*(?:xét|theo)\s+đề\s+nghị)",
    re.MULTILINE,
)
_SUBJECT_VERB = re.compile(r"\s*(?:xây\s+dựng|ban\s+hành|đề\s+nghị|yêu\s+cầu)\b", re.IGNORECASE)
_VERB = re.compile(r"(?=[xXbBđĐyY])(?:xây\s+dựng|ban\s+hành|đề\s+nghị|yêu\s+cầu)\b", re.IGNORECASE)
_ORGAN_STOP = re.compile(r"[/;:()]")  # characters no organ, nor its place, holds
_OF_BEFORE = re.compile(r"(?:của|do)\s*$")  # "... của <organ>": the issuer of a reference
_CLOSING = re.compile(r"Trên\s+đây\s+là\s+(?:Kế\s+hoạch|Chương\s+trình|Kết\s+luận|Nghị\s+quyết)[^\n]*", re.I)
_ON_TERRITORY = re.compile(
    r"trên\s+địa\s+bàn\s+(?P<unit>tỉnh|thành\s+phố|huyện|thị\s+xã|quận|xã|phường|thị\s+trấn)\s+"
    r"(?P<place>(?:[A-ZĐÀ-Ỹ][^\s,.;()]*\s?){1,4})"
)
_SIGN_MARK = re.compile(r"^[ \t*]*(?:T/M|TM\.?|KT\.?|K/T|TL\.?|TUQ\.?|Q\.|THAY\s+MẶT)\s*\S", re.MULTILINE)
_RIGHT_COLUMN = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|(?-i:ĐOÀN\s+TNCS\s+HỒ\s+CHÍ\s+MINH)(?=[ \t]*$)"  # the Youth Union's column, like the Party's
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.IGNORECASE | re.MULTILINE,
)
_RIGHT_COLUMN_SCAN = Scanner(_RIGHT_COLUMN)
# A place name ending the text before "ngày": "Tân Lập," in "Số: 32/KH-UBND Tân Lập, ngày 05/4/2024"
_PLACE_TAIL = re.compile(r"(?:^|\s)(?:[A-ZĐÀ-Ỹ][^\s\d/,]*\s?){1,4},$")
_PLACE_UNIT = re.compile(r"^(?:TP\.?|Tp\.?|thành phố|tỉnh|huyện|thị xã|quận)\s*", re.IGNORECASE)
_UNIT_PREFIX = re.compile(r"^(?:TP\.?|thành\s+phố|tỉnh|huyện|thị\s+xã|quận)\s*", re.IGNORECASE)
_PARENT_HEAD = re.compile(
    r"ĐẢNG\s+BỘ\s+(?P<unit>TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ)\s+(?P<place>[^\n*]{2,40})", re.IGNORECASE
)
# Where a clause ends: a sentence end, ";", a blank line, or a new bullet / numbered /
# capitalised line (a line that goes on in lower case or with "33%" is the same sentence).
# Vietnamese capitals ("[À-Ỹ]" would take the small letters between them too: "đ", "ạ").
_CAPITAL = "A-ZĐÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĨŨƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA, 2))
# A blank line ends a clause unless the text goes on in small letters or a number that is
# not a list item's (double-spaced text wraps a sentence over blank lines: "đạt\n\ntrên 51%
# dân số"); so does a line opening with a list marker or a capital.
_CLAUSE_BOUND = re.compile(
    rf"\.\s|;|\n[ \t]*\n(?![ \t\n]*(?:[^\W\d_{_CAPITAL}](?!\))|\d+(?!(?:\.\d+)*[.)]\s)))"
    rf"|\n(?=[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)|[{_CAPITAL}]))"
)
_PARA_BOUND = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)))")
_GOAL_WORDS = re.compile(
    r"đạt|phấn\s+đấu|phân\s+đấu|phần\s+đầu|trở\s+lên|tỷ\s+l[ệê]|ít\s+nhất|mục\s+tiêu"
    r"|(?:đến|tới)\s+(?:hết\s+)?năm\s+\d{4}",
    re.IGNORECASE,
)
_GOAL_SCAN = Scanner(_GOAL_WORDS)  # tried only where a goal word can start
# A target's number and unit: "60%", "62 triệu đồng", "300.000 người".
# (the leading "(?=\d)" lets the engine reject a non-digit at once: five times faster)
_TARGET_NUM = re.compile(
    r"(?=\d)(?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,4}(?:,\d+)?|\d{1,3}\.\d+(?=\s*%))\s*"
    r"(?P<unit>%|triệu\s+đồng|tỷ\s+đồng|lượt\s+người|người|hộ\b)"
)
_SIGN_TITLE = re.compile(
    r"^[ \t*]*(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|BÍ\s+THƯ|GIÁM\s+ĐỐC|TRƯỞNG\s+(?:PHÒNG|BAN)|CHÁNH\s+VĂN\s+PHÒNG"
    r"|CHỦ\s+NHIỆM)\b[^\n]*$",
    re.MULTILINE,
)
_TITLE_WORDS = re.compile(
    r"CHỦ\s+TỊCH|BÍ\s+THƯ|GIÁM\s+ĐỐC|TRƯỞNG|PHÓ|VĂN\s+PHÒNG|THƯỜNG\s+TRỰC|ỦY\s+VIÊN|BAN|KHỐI"
)
_COLUMN_GAP = re.compile(r"[ \t]{6,}")
_ITEM_MARK = re.compile(r"^[-+•*]\s*")
_LUU = re.compile(r"Lưu\b")
_RECIPIENTS = re.compile(r"^[ \t]*Nơi\s+nhận\s*:?", re.MULTILINE | re.IGNORECASE)


def extract_file(path: str) -> PlanRecord:
    """Read and extract one file; raises :class:`~ingest.errors.DocumentError`."""
    return extract(read_document(path))


def extract(doc: Document) -> PlanRecord:
    """The record of one document (see the module docstring for the reading order)."""
    r = _Reader(doc)
    return r.record()


class _Reader:
    """One extraction: holds the text and the evidence collected along the way."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.nt: NormalizedText = doc.norm
        self.t = doc.norm.text
        self.evidence: dict[str, Evidence] = {}

    # -- evidence ---------------------------------------------------------
    def ev(
        self, start: int, end: int, method: str, confidence: float = 1.0, basis: str = "explicit"
    ) -> Evidence:
        a, b = self.nt.orig_span(start, end)
        return Evidence(a, b, method, confidence, basis, self.nt.original[a:b])  # type: ignore[arg-type]

    # -- the whole record -------------------------------------------------
    def record(self) -> PlanRecord:
        t = self.t
        head_end = self._head_end()
        number, symbol = self._number(head_end)
        date, place_line = self._date(head_end)
        doc_type, title, title_span = self._type_and_title(head_end)
        if doc_type is None:
            doc_type = type_of_symbol(symbol) or "other"
        pre_start = title_span[1] if title_span else 0
        sec = _SECTION.search(t, pre_start)
        pre_end = sec.start() if sec else min(len(t), pre_start + 3000)

        implements_m, based_m = self._preamble_refs(pre_start, pre_end)
        title_m = parse_chain(t, title_span[0], title_span[1]) if title_span else []
        implements_m = self._add_title_refs(implements_m, title_m)

        issuer, issuer_ev = self._issuer(pre_start, pre_end, place_line, title, implements_m)
        if issuer_ev:
            self.evidence["/issuer"] = issuer_ev

        known = {norm_key(m.number): m for m in walk(implements_m + based_m)}
        _fill_from_twins(implements_m + based_m)
        implements = tuple(self._ref(m, issuer, "preamble-chain") for m in implements_m)
        based_on = tuple(self._ref(m, issuer, "can-cu") for m in based_m)
        own = norm_key(number) if number else None
        cites = self._cites(set(known) | ({own} if own else set()), issuer)

        campaigns = tuple(find_campaigns(t))
        signer = self._signer()
        recipients = self._recipients()
        targets = self._targets()
        return PlanRecord(
            source=self.doc.source,
            doc_type=doc_type,
            number=number,
            symbol=symbol,
            date=date,
            title=title,
            issuer=issuer,
            implements=implements,
            based_on=based_on,
            cites=cites,
            campaigns=campaigns,
            signer=signer,
            recipients=recipients,
            targets=targets,
            evidence=dict(self.evidence),
            sha256=self.doc.sha256,
        )

    # -- header -----------------------------------------------------------
    def _head_end(self) -> int:
        """Where the header block ends: the first chain or basis sentence, at most 2,500 chars."""
        t = self.t
        m = re.search(r"^[ \t]*(?:Thực\s+hiện|Căn\s+cứ|Để\s+|Triển\s+khai\s+thực\s+hiện\s+\S+\s+số)", t, re.M)
        return min(m.start() if m else len(t), 2500)

    def _number(self, head_end: int) -> tuple[str | None, str | None]:
        m = _HEAD_NUMBER.search(self.t, 0, head_end)
        if not m:
            return None, None
        sym = re.sub(r"\s+", "", m.group("sym"))
        num = m.group("num")
        self.evidence["/symbol"] = self.ev(m.start("sym"), m.end("sym"), "header:so")
        if num:
            self.evidence["/number"] = self.ev(m.start("num"), m.end("sym"), "header:so")
            return clean_number(num, m.group("sep"), sym, m.group("yr")), sym
        return None, sym.lstrip("-/")

    def _date(self, head_end: int) -> tuple[str | None, str | None]:
        """The place-and-date line: "Bác Ái, ngày 10 tháng 4 năm 2024", "Lào Cai, ngày 5/6/2024".

        The numeric form must follow a place and a comma, so a reference's date in the
        title ("Kết luận số 70-KL/TW, ngày 31/01/2024") is not taken for the plan's.
        """
        m = next(
            (
                m
                for m in _HEAD_DATE.finditer(self.t, _head_date_start(self.t, head_end), head_end)
                if not m.group("y")
                or _PLACE_TAIL.search(m.group("place").strip() + ",")
                and "," in self.t[m.start("place") : m.start("d")]
            ),
            None,
        )
        if not m:
            return None, None
        date = date_of(m)
        first = next((m.start(g) for g in ("d", "wd") if m.group(g)), m.start())
        self.evidence["/date"] = self.ev(first, m.end(), "header:ngay")
        place = m.group("place").strip()
        if "Số" in place or "/" in place:
            # the number's column reaches into the window: "Số: 13 /KH/CCB        Quận 6"
            place = re.sub(r"^.*?(?:\s{2,}|/[A-ZĐ\-/]+\s+)", "", place)
        return date, place or None

    def _type_and_title(self, head_end: int) -> tuple[str | None, str | None, tuple[int, int] | None]:
        t = self.t
        m = _TYPE_HEADING.search(t, 0, max(head_end, 1))
        if not m:
            return None, None, None
        doc_type = TYPE_WORDS.get(re.sub(r"\s+", " ", m.group("word").lower()))
        self.evidence["/doc_type"] = self.ev(m.start("word"), m.end("word"), "header:type-line")
        # The title: the rest of the heading line and following lines, across single
        # blank lines when the next line goes on in lower case (PDF line breaks).
        pos = m.end()
        lines: list[tuple[int, int]] = []
        line_end = t.find("\n", pos)
        line_end = len(t) if line_end < 0 else line_end
        if t[pos:line_end].strip():
            lines.append((pos, line_end))
        cur = line_end + 1
        while cur < len(t) and len(lines) < 8:
            nl = t.find("\n", cur)
            nl = len(t) if nl < 0 else nl
            line = t[cur:nl]
            s = line.strip()
            if not s:
                nxt = re.match(r"\s*(\S)", t[nl:])
                if lines and (not nxt or not nxt.group(1).islower()):
                    break
                cur = nl + 1
                continue
            if re.fullmatch(r"[-_=*.]{3,}", s) or _SECTION.match(line):
                break
            if lines and (TRIGGER_RE.match(s) or BASIS_RE.match(s)) and s[0].isupper():
                break
            if lines and re.match(r"^(?:Số|Nơi nhận)\b", s):
                break
            lines.append((cur, nl))
            cur = nl + 1
        if not lines:
            return doc_type, None, None
        start, end = lines[0][0], lines[-1][1]
        title = re.sub(r"\s+", " ", " ".join(t[a:b] for a, b in lines)).strip(" -")
        title = title[:1].upper() + title[1:] if title else None
        if title:
            self.evidence["/title"] = self.ev(start, end, "header:title-lines")
        return doc_type, title, (start, end)

    # -- what the plan carries out ---------------------------------------
    def _preamble_refs(self, start: int, end: int) -> tuple[list[Mention], list[Mention]]:
        """References of the "Thực hiện ..." and "Căn cứ ..." sentences before section I."""
        t = self.t
        implements: list[Mention] = []
        based: list[Mention] = []
        for m in _preamble_keywords(t, end):
            if m.start() < start:
                continue
            kw = m.group("kw")
            if not kw[0].isupper():
                continue
            sent_end = self._sentence_end(m.end(), end)
            forest = parse_chain(t, m.end(), sent_end)
            if not forest:
                continue
            # The first document must follow the trigger closely.
            if len(t[m.end() : forest[0].start].strip()) > 160:
                continue
            target = based if BASIS_RE.match(kw) else implements
            have = list(walk(implements + based))
            target.extend(f for f in forest if not any(same_document(f, x) for x in have))
        return implements, based

    def _sentence_end(self, pos: int, limit: int) -> int:
        m = _SENT_END.search(self.t, pos, limit)
        return m.start() if m else limit

    def _add_title_refs(self, implements: list[Mention], title_refs: list[Mention]) -> list[Mention]:
        """The title's "thực hiện X" adds X unless the preamble's chains already reach it."""
        have = {norm_key(m.number): m for m in walk(implements)}
        out = list(implements)
        for tm in title_refs:
            k = norm_key(tm.number)
            if k in have:
                merge(have[k], tm)
                continue
            out.append(tm)
            for x in walk([tm]):
                have.setdefault(norm_key(x.number), x)
        return out

    def _ref(self, m: Mention, context: Issuer | None, method: str, depth: int = 0) -> Ref:
        issuer: Issuer | None = None
        basis = "explicit"
        if m.organ is not None:
            issuer, used = to_issuer(m.organ, context)
            basis = "context" if used else "explicit"
        else:
            issuer = _issuer_from_symbol(m.number, context)
            if issuer is not None:
                basis = "inferred"
        ev = self.ev(m.start, m.end, f"regex:{method}", 0.95 if basis == "explicit" else 0.8, basis)
        title = m.title
        if title and issuer is not None and issuer.level == "central":
            # "... về phát triển thể thao trên địa bàn tỉnh X" scopes the citing chain, not a central text.
            title = re.sub(r"\s+trên\s+địa\s+bàn\b.*$", "", title) or None
        return Ref(
            doc_type=m.doc_type,
            number=m.number,
            date=m.date,
            title=title,
            issuer=issuer,
            implements=tuple(self._ref(c, context, "chain", depth + 1) for c in m.children),
            evidence=ev,
        )

    def _cites(self, exclude: set[str], context: Issuer | None) -> tuple[Ref, ...]:
        out: list[Ref] = []
        seen = set(exclude)
        t = self.t
        found = bare_mentions(t)
        for i, m in enumerate(found):
            k = norm_key(m.number)
            if k in seen:
                continue
            seen.add(k)
            # only the tails of the documents not met yet are read
            read_tail(t, m, found[i + 1].start if i + 1 < len(found) else len(t))
            out.append(self._ref(m, context, "cites"))
        return tuple(out)

    # -- issuer -----------------------------------------------------------
    def _issuer(
        self,
        pre_start: int,
        pre_end: int,
        place_line: str | None,
        title: str | None,
        implements: list[Mention],
    ) -> tuple[Issuer | None, Evidence | None]:
        t = self.t
        # 1. the subject of the preamble: "<organ> xây dựng Kế hoạch ..."
        # (an organ after "của"/"do" issued a referenced document; it is not the subject)
        subject = [
            om
            for om in self._organs_before_verbs(pre_start, min(len(t), pre_end + 200))
            if _SUBJECT_VERB.match(t, om.end) and om.level != "central"
        ]
        # 2. the closing sentence: "Trên đây là Kế hoạch ... của <organ>" / "<organ> đề nghị"
        closing: list[OrganMatch] = []
        for cm in _CLOSING.finditer(t):
            organs = [o for o in find_organs(t, cm.start(), cm.end()) if o.level != "central"]
            if organs:
                closing.append(organs[-1])
        # 3. the header block: "BAN THƯỜNG VỤ HUYỆN ỦY BÁC ÁI", "ỦY BAN NHÂN DÂN TỈNH ..."
        # The right column of a two-column header is blanked (same length, offsets kept)
        # so "ỦY BAN NHÂN DÂN   CỘNG HÒA ...\nTỈNH BẮC NINH" reads as one organ.
        head = _blank_right_column(t[: max(0, pre_start)])
        header = [om for om in find_organs(head) if om.level != "central" and om.printed.isupper()]
        cands = subject + closing + header
        if not cands:
            return None, None
        # Who issues: the body the preamble makes the subject; else the lowest organ line
        # of the header (the lines above it are its superiors: "UBND TỈNH X / SỞ Y"); else
        # the body the closing sentence names.
        kind = subject[0].kind if subject else header[-1].kind if header else closing[0].kind
        same = [c for c in cands if c.kind == kind]
        if subject:
            # the body at the subject's level ("Hội LHPN quận" -> not the city's union above it)
            level = subject[0].level
            if level in (None, "city"):
                # A bare "Ban Thường vụ Thành ủy" is the one the header names with its place:
                # "THÀNH ỦY THỦ ĐỨC" under "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH" (a district-level city).
                bare = _body_name(subject[0])
                placed = [c for c in header if c.place and _body_name(c).startswith(bare + " ")]
                level = placed[-1].level if placed else level
            best = max(
                same,
                key=lambda c: (c.level == level, c.place is not None, len(c.printed) - len(c.board or "")),
            )
        else:
            best = header[-1] if header else closing[0]
        context = self._context_place(best, place_line, title, implements)
        issuer, used = to_issuer(best, context)
        if best.printed.isupper():
            issuer = _titlecase_issuer(issuer)
        board = next((c.board for c in same if c.board and not c.printed.isupper()), None)
        if board and issuer.name and (best.board is None or best.printed.isupper()):
            # "BCH HỘI LHPN HUYỆN ..." in the header, "Ban Thường vụ Hội LHPN huyện xây dựng ..." in the
            # text: the board that speaks in the text signs the plan.
            bare = issuer.name[len(best.board) :].strip() if best.board else issuer.name
            issuer = replace(issuer, name=full_name(" ".join([*board.split(), bare])))
        basis = "context" if used else "explicit"
        return issuer, self.ev(best.start, best.end, "organ:subject-or-closing", 0.9, basis)

    def _organs_before_verbs(self, start: int, end: int) -> list[OrganMatch]:
        """``find_organs(t, start, end)`` less the organs after "của"/"do", read only where
        one may stand before "xây dựng", "ban hành" ... (a subject).

        Why: the preamble names a body for every document it cites; reading them all
        again costs a scan of the whole preamble. An organ and the spaces after it hold
        none of "/;:()", and no organ match crosses one, so the organs before a verb are
        found by scanning from the last such character before the verb, exactly as a
        scan from ``start`` finds them.
        """
        t = self.t
        n = len(t)
        rev: str | None = None
        found: dict[int, OrganMatch] = {}
        for v in _VERB.finditer(t, start, n):
            q = v.start()
            if q > end + 60 and t[end + 60 : q].strip():
                break  # no organ read before ``end`` can reach this far
            if rev is None:
                rev = t[::-1]
            back = _ORGAN_STOP.search(rev, n - q, n - start)
            w = n - back.start() if back else start
            for om in find_organs(
                t,
                w,
                end,
                skip=lambda s: s in found or _OF_BEFORE.search(t, max(0, s - 6), s) is not None,
                stop=q,
            ):
                found[om.start] = om
        return [found[k] for k in sorted(found)]

    def _context_place(
        self, organ: OrganMatch, place_line: str | None, title: str | None, implements: list[Mention]
    ) -> Issuer | None:
        """Where the document sits when its organ leaves the place implicit or ambiguous.

        Sources, most telling first: the place-and-date line, "trên địa bàn ..." in the
        title and text, the header lines above the organ ("ĐẢNG BỘ HUYỆN BÌNH LIÊU",
        "HỘI LHPN TỈNH BÌNH ĐỊNH"), and the places of the plans it implements.
        """
        g = gazetteer()
        wants_district = organ.level in ("district", "commune", "city")
        # (name, "province" | "district" | None, the unit word folded: "huyen", "thi xa" ...)
        raw: list[tuple[str, str | None, str | None]] = []
        if place_line:
            raw.append((place_line, None, None))
        for tm in _ON_TERRITORY.finditer(title or ""):
            raw.append((tm.group("place"), None, fold(tm.group("unit"))))
        for tm in _ON_TERRITORY.finditer(self.t[:5000]):
            raw.append((tm.group("place"), None, fold(tm.group("unit"))))
        head = self.t[: max(0, organ.start)] if organ.start < 1500 else self.t[:1500]
        for hm in _PARENT_HEAD.finditer(head):
            unit = fold(hm.group("unit"))
            place = hm.group("place")
            if place[:1].isdigit():  # "ĐẢNG BỘ QUẬN 6": a numbered unit's name holds its unit word
                place = f"{hm.group('unit')} {place}"
            raw.append((place, "province" if unit == "tinh" else None, unit))
        for om in find_organs(_blank_right_column(head)):
            if om.place and om.place_kind in ("province", "district") and om.start != organ.start:
                raw.append((om.place, om.place_kind, organ_unit(om)))
        for m in walk(implements):
            if m.organ and m.organ.place and m.organ.place_kind in ("province", "district"):
                raw.append((m.organ.place, m.organ.place_kind, organ_unit(m.organ)))
        # A commune's own name ("Thanh Bình, ngày ..." of xã Thanh Bình) is no district, though
        # a district elsewhere may bear it; it is read as one only when nothing else tells.
        own = fold(organ.place) if organ.place and organ.place_kind == "commune" else None
        provinces: list[str] = []
        districts: list[tuple[str, str]] = []
        own_districts: list[tuple[str, str]] = []
        for name, kind, unit in raw:
            words = _PLACE_UNIT.sub("", name.strip(), count=1)
            if words[:1].isdigit():  # "Quận 6" is the name itself
                words = name.strip()
            found = g.leading_place(words.split())
            if not found:
                continue
            place = found[1]
            prov = g.province(place) if kind != "district" else None
            if prov and kind != "district":
                provinces.append(prov.name)
                if not wants_district or kind == "province":
                    continue
            cands = g.districts_named(place)
            if unit and len(cands) > 1:  # "ĐẢNG BỘ THỊ XÃ LONG MỸ", not the huyện of that name
                cands = [d for d in cands if _district_unit(d.kind) == unit] or cands
            target = own_districts if own is not None and kind is None and fold(place) == own else districts
            target.extend((d.province, d.name) for d in cands)
        districts = districts or own_districts
        if organ.place and organ.place_kind == "commune":
            # only districts that hold a commune of that name ("phường Phú Thịnh" of Sơn Tây),
            # and of that kind ("thị trấn Phú Mỹ" of Phú Tân, An Giang: Cà Mau's is a xã)
            kind = organ_unit(organ)
            districts = [
                (p, d)
                for p, d in districts
                if any(kind is None or fold(c.kind) == kind for c in g.communes_named(organ.place, p, d))
            ] or districts
        if organ.level == "district" and any(
            m.organ is not None and m.organ.level == "city" and m.organ.place is None
            for m in walk(implements)
        ):
            # A district that carries out the plan of "the city" (thành phố, Thành ủy) without
            # its name sits in a centrally-run city: huyện An Lão of Hải Phòng, not of Bình Định.
            districts = [(p, d) for p, d in districts if _is_city(p)] or districts
            provinces = [p for p in provinces if _is_city(p)] or provinces
        unit = organ_unit(organ)
        if organ.place and organ.place_kind == "district" and unit:
            # "huyện Hòa Bình" is the huyện of Bạc Liêu, not the city of Hòa Bình
            same = fold(organ.place)
            districts = [
                (p, d)
                for p, d in districts
                if fold(base_name(d)) != same
                or any(_district_unit(x.kind) == unit for x in g.districts_named(d, p))
            ] or districts
        if wants_district:
            # A district whose name is unique, or whose province the text names too; of
            # several, the one most sources point to (the first on a tie).
            named, in_province = Counter(districts), Counter(provinces)
            ok = [
                (p, d)
                for p, d in dict.fromkeys(districts)
                if len({q for q, e in districts if e == d}) == 1 or p in provinces
            ]
            if ok:
                prov_name, dist = max(ok, key=lambda c: named[c] + in_province[c[0]])
                return Issuer(province=prov_name, district=dist, level="district")
        if provinces:
            return Issuer(province=provinces[0], level="province")
        if districts and len({p for p, _ in districts}) == 1:
            return Issuer(province=districts[0][0], level="province")
        return None

    # -- closing block ----------------------------------------------------
    def _signer(self) -> Signer | None:
        """The signature block: "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ / (Đã ký) / Nguyễn Văn A".

        The title is the last capitalised line before the name (for "KT. CHỦ TỊCH /
        PHÓ CHỦ TỊCH" the deputy signs); the name may be printed in capitals too.
        """
        column = self._columns[1]
        t = column or self.t
        marks = list(_SIGN_MARK.finditer(t))
        if not marks:  # a head of office signs in their own name: "TRƯỞNG PHÒNG / Ngô Văn Tuấn"
            marks = [m for m in _SIGN_TITLE.finditer(t) if column or m.start() > len(t) * 0.6]
        if not marks:
            return None
        m = marks[-1]
        pos = t.find("\n", m.start())
        title_line = t[m.start() : pos if pos >= 0 else len(t)].strip().strip("*").strip()
        acting = title_line.upper().startswith("Q.")  # "Q. CHỦ TỊCH": the acting chair signs
        title_line = re.sub(r"^(?:T/M|TM\.?|KT\.?|K/T|TL\.?|TUQ\.?|Q\.|THAY\s+MẶT)\s*", "", title_line)
        if acting:
            title_line = "QUYỀN " + title_line
        seen_title = False
        for lm in re.finditer(r"[^\n]+", t[pos:] if pos >= 0 else ""):
            s = lm.group(0).strip().strip("*").strip()
            name = re.sub(r"\(.*?\)|\[.*?\]", "", s).strip(" .")
            if not name or re.fullmatch(r"(?i)đã\s+ký|ký\s+tên.*|\(?chữ\s+ký.*", name):
                continue
            words = name.split()
            is_title = name.isupper() and (not seen_title or _TITLE_WORDS.search(name))
            if is_title and not re.search(r"\d", name):
                title_line, seen_title = name, True
                continue
            if 2 <= len(words) <= 6 and all(w[0].isupper() for w in words) and not re.search(r"\d", name):
                start = self.t.rfind(s)
                self.evidence["/signer"] = self.ev(start, start + len(s), "closing:signature")
                if name.isupper():
                    name = " ".join(w[:1] + w[1:].lower() for w in words)
                return Signer(name=name, title=_title_case(title_line) if title_line else None)
            break
        return None

    @cached_property
    def _columns(self) -> tuple[str, str]:
        """The closing block laid out in two columns ("Nơi nhận" list | signature), split.

        Text copied from a two-column table keeps both columns on one line, far apart:
        "- Lưu VT.                      Đinh Thị Thu Trang". Returns (left, right) texts,
        both empty when the closing block is not laid out that way.
        """
        m = _RECIPIENTS.search(self.t)
        if not m:
            return "", ""
        line_start = self.t.rfind("\n", 0, m.start()) + 1
        left: list[str] = []
        right: list[str] = []
        for line in self.t[line_start:].split("\n"):
            indent = len(line) - len(line.lstrip(" \t"))
            if indent >= 20:  # only the right column has text on this line
                left.append("")
                right.append(line.strip())
                continue
            parts = _COLUMN_GAP.split(line.strip(), maxsplit=1)
            left.append(parts[0])
            right.append(parts[1] if len(parts) == 2 else "")
        if sum(1 for r in right if r.strip()) < 2:
            return "", ""
        return "\n".join(left), "\n".join(right)

    def _recipients(self) -> tuple[str, ...]:
        t = self._columns[0] or self.t
        m = _RECIPIENTS.search(t)
        if not m:
            return ()
        out: list[str] = []
        for line in t[m.end() :].split("\n"):
            s = line.strip().strip("*").strip()
            if not s:
                continue
            item_like = s.startswith(("-", "+", "•")) or s.endswith((",", ";"))
            if _SIGN_MARK.match(s) or (s.isupper() and len(s.split()) > 2 and not item_like):
                break
            if s.endswith(":"):
                continue
            s = _ITEM_MARK.sub("", s)
            s = re.sub(
                r"\s*\((?:để\s+)?(?:báo\s+cáo|b/c|thực\s+hiện|t/h|phối\s+hợp|biết)\)", "", s, flags=re.I
            )
            s = s.strip(" ,;.")
            if not s or _LUU.match(s):
                continue
            out.append(s)
            if len(out) > 60:
                break
        return tuple(out)

    # -- targets ----------------------------------------------------------
    def _targets(self) -> tuple[Target, ...]:
        """Numeric targets: every "N%" in a clause that reads as a goal, with its year.

        A clause ends at ". ", ";", a blank line or a new bullet/numbered line; a line
        wrapped inside a sentence (PDF text) does not end it. The year is the nearest
        "đến năm YYYY" before the number in the clause, else in its paragraph, else in
        the nearest heading above ("2. Mục tiêu cụ thể đến năm 2030").
        """
        t = self.t
        out: list[Target] = []
        seen: set[tuple] = set()
        numbers = list(_TARGET_NUM.finditer(t))
        if not numbers:
            return ()
        # Bounds come in text order and do not overlap: their starts and ends are sorted.
        bounds = [(m.start(), m.end()) for m in _CLAUSE_BOUND.finditer(t)]
        b_starts = [s for s, _e in bounds]
        b_ends = [e for _s, e in bounds]
        paras = [m.end() for m in _PARA_BOUND.finditer(t)]
        for pm in numbers:
            unit = re.sub(r"\s+", " ", pm.group("unit"))
            i = bisect_right(b_ends, pm.start())
            s_start = b_ends[i - 1] if i else 0
            j = bisect_left(b_starts, pm.end())
            s_end = b_starts[j] if j < len(b_starts) else len(t)
            k = bisect_right(paras, s_start)
            p_start = paras[k - 1] if k else 0
            sent = t[s_start:s_end]
            context = t[p_start:s_end]
            if not _GOAL_SCAN.search(context):
                continue
            year = _year_in(t[s_start : pm.start()]) or _year_in(t[p_start : pm.start()]) or _year_in(sent)
            year = year or self._heading_year(p_start)
            before = t[max(s_start, pm.start() - 30) : pm.start()]
            after = t[pm.end() : pm.end() + 15]
            comparator = "="
            if re.search(r"trên\s*$", before):
                comparator = ">"
            if re.search(r"(?:từ|ít\s+nhất|tối\s+thiểu)\s*$", before) or re.match(r"\s*trở\s+lên", after):
                comparator = ">="
            if re.search(r"dưới\s*$", before):
                comparator = "<"
            value = _number(pm.group("num"))
            ind = re.split(r"\s+(?:đạt|chiếm)\b", sent[: pm.start() - s_start])[0]
            ind = re.sub(r"^(?:\s*(?:[-+*•]|[a-zđ]\)|\d+(?:\.\d+)*[.)]))*\s*", "", ind)  # list markers
            ind = re.sub(r"^(?:Phấn|Phân|Phần)\s+đ[ấầ]u\s+", "", ind, flags=re.I)
            ind = re.sub(r"^(?:đến|tới)\s+năm\s+\d{4}\s*,?\s*", "", ind, flags=re.I)
            ind = re.sub(r"\s+", " ", ind).strip(" ,:-")
            key = (value, year, ind)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Target(
                    indicator=ind or None,
                    comparator=comparator,
                    value=value,
                    unit=unit,
                    year=year,
                    text=re.sub(r"\s+", " ", sent).strip(" -+"),
                    evidence=self.ev(s_start, s_end, "regex:target", 0.8),
                )
            )
        return tuple(out)

    def _heading_year(self, pos: int) -> int | None:
        """The year of the nearest heading above: "2. Mục tiêu cụ thể đến năm 2030"."""
        lines = self.t[:pos].rsplit("\n", 25)[-25:]
        for line in reversed(lines):
            s = line.strip()
            if 0 < len(s) < 120:
                y = _year_in(s)
                if y:
                    return y
        return None


_YEAR_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?:đến|tới|vào|trước|cuối)\s+(?:hết\s+)?năm\s+(\d{4})",
        r"giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})",
        r"\bnăm\s+((?:19|20)\d{2})\b",
    )
)
_YEAR_HINT = re.compile(r"năm|đoạn", re.IGNORECASE)  # in every one of them


def _year_in(s: str) -> int | None:
    """The year of the last "đến (hết) năm YYYY", "cuối năm YYYY", "giai đoạn X - YYYY" or,
    failing those, a plain "năm YYYY" in ``s``."""
    if not _YEAR_HINT.search(s):
        return None
    for pattern in _YEAR_PATTERNS:
        found = list(pattern.finditer(s))
        if found:
            return int(found[-1].group(1))
    return None


def _number(s: str) -> float | int:
    """ "300.000" (thousands) -> 300000, "1,5" (decimal comma) -> 1.5, "60" -> 60."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        return int(s.replace(".", ""))
    s = s.replace(",", ".")
    return float(s) if "." in s else int(s)


# A chain or basis sentence: at the start of the text, of a line or after "." / ";".
_PREAMBLE_KW = re.compile(
    r"(?:^|(?<=[.;]\s)|(?<=\n))[ \t-]*(?P<kw>" + TRIGGER_RE.pattern + "|" + BASIS_RE.pattern + ")",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"\n|[.;]\s")


def _preamble_keywords(t: str, end: int) -> list[re.Match[str]]:
    """``_PREAMBLE_KW.finditer(t[:end])``, tried only where a match can start.

    A match starts at 0, after a line break or after "." / ";" and a space; those
    places are found by a plain search and the pattern is tried there alone (left to
    right, never inside a match already taken), which gives the same matches as
    scanning every position.
    """
    out: list[re.Match[str]] = []
    taken = 0
    starts = [0, *(b.end() for b in _SENTENCE_BREAK.finditer(t, 0, end))]
    last = -1
    for p in starts:
        if p <= last or p < taken:
            continue
        last = p
        m = _PREAMBLE_KW.match(t, p, end)
        if m is not None:
            out.append(m)
            taken = m.end()
    return out


def _body_name(om: OrganMatch) -> str:
    """An organ's printed name without its board, folded: "thanh uy thu duc"."""
    return fold(om.printed[len(om.board or "") :].strip())


def _is_city(province: str) -> bool:
    """Whether a province is a centrally-run city (Hà Nội, Hải Phòng ...)."""
    p = gazetteer().province(province)
    return p is not None and p.kind == "Thành phố"


def _district_unit(kind: str) -> str:
    """A district's kind as a folded unit word ("Thị xã" -> "thi xa")."""
    return fold(kind)


def _blank_right_column(head: str) -> str:
    """The header with its right column ("CỘNG HÒA ...", mottos) blanked, same length, offsets kept."""
    return _RIGHT_COLUMN_SCAN.sub(lambda m: " " * len(m.group(0)), head)


def _fill_from_twins(roots: list[Mention]) -> None:
    """Every mention of the same document shares what any mention says (date, issuer)."""
    groups: list[list[Mention]] = []
    for m in walk(roots):
        group = next((g for g in groups if same_document(g[0], m)), None)
        if group is None:
            groups.append([m])
        else:
            group.append(m)
    for first, *others in groups:
        for m in others:  # gather into the first mention, in reading order ...
            merge(first, m)
        for m in others:  # ... then hand the whole back to every twin
            merge(m, first)


_SYMBOL_BODY = {
    "TW": ("Trung ương Đảng", "party", "central"),
    "TU": ("Tỉnh ủy", "party", "province"),
    "HU": ("Huyện ủy", "party", "district"),
    "QU": ("Quận ủy", "party", "district"),
    "TT": ("Thị ủy", "party", "district"),
    "ĐU": ("Đảng ủy", "party", None),
    "UBND": ("Ủy ban nhân dân", "state", None),
    "HĐND": ("Hội đồng nhân dân", "state", None),
    "TTG": ("Thủ tướng Chính phủ", "state", "central"),
    "CP": ("Chính phủ", "state", "central"),
    "MTTQ": ("Ủy ban MTTQ Việt Nam", "front", None),
    "BVHTTDL": ("Bộ Văn hóa, Thể thao và Du lịch", "state", "central"),
}


def _issuer_from_symbol(number: str, context: Issuer | None) -> Issuer | None:
    """A reference without "của ...": the body its symbol names ("KL/TW" is central Party)."""
    parts = re.split(r"[-/]", number.upper())
    for part in reversed(parts[1:]):
        body = _SYMBOL_BODY.get(part)
        if body:
            name, system, level = body
            if level == "central":
                return Issuer(name=None, system=system, level="central")
            province = context.province if context else None
            return Issuer(
                name=None,
                system=system,
                level=level,
                province=province,
                province_current=gazetteer().current_province(province) if province else None,
            )
    return None


def _title_case(s: str) -> str:
    """ "PHÓ BÍ THƯ THƯỜNG TRỰC" -> "Phó Bí thư Thường trực"."""
    words = s.lower().split()
    out = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        if i == 0 or prev == "phó" or w == "thường":
            w = w[:1].upper() + w[1:]
        out.append(w)
    return " ".join(out)


# Words of organ names that keep a capital inside a name printed in capitals.
_PROPER = [
    (r"\bthường (vụ|trực)\b", r"Thường \1"),
    (r"\b(tỉnh|huyện|thành|quận|thị|đảng) ủy\b", lambda m: m.group(0)[:1].upper() + m.group(0)[1:]),
    (r"\bkhối\b", "Khối"),
    (r"\bủy ban\b", "Ủy ban"),
    (r"\bmttq\b", "MTTQ"),
    (r"\bmặt trận tổ quốc\b", "Mặt trận Tổ quốc"),
    (r"\bviệt nam\b", "Việt Nam"),
    (r"\bhội đồng nhân dân\b", "Hội đồng nhân dân"),
    (r"\bsở\b", "Sở"),
    (r"\bphòng\b", "Phòng"),
    (r"\bvăn hóa\b", "Văn hóa"),
    (r"\bthể thao\b", "Thể thao"),
    (r"\bdu lịch\b", "Du lịch"),
]
_PROPER_RE = [(re.compile(pat), rep) for pat, rep in _PROPER]


def _titlecase_issuer(issuer: Issuer) -> Issuer:
    """Names read from a header in capitals, written the way the body text writes them.

    "BAN THƯỜNG VỤ HUYỆN ỦY ĐỒNG VĂN" -> "Ban Thường vụ Huyện ủy Đồng Văn"; place
    names as the gazetteer spells them.
    """
    fixed = (issuer.name or "").lower()
    for pat, rep in _PROPER_RE:
        fixed = pat.sub(rep, fixed)
    for place in (issuer.province, issuer.district):
        if place:
            fixed = fixed.replace(place.lower(), place)
    return replace(issuer, name=fixed[:1].upper() + fixed[1:])
