"""The issuer of a plan: which body signs it, and where that body sits.

Reads: the normalised text of one document, the span of its preamble, the place on
its date line, its title and the references of its preamble (their issuers' places).
Returns: the :class:`~ingest.model.Issuer` with its evidence (the organ's words in
the text), or ``(None, None)`` when no body is named.

Why a module of its own: a plan names its issuer three ways (the subject of the
preamble, "<organ> xây dựng Kế hoạch ..."; the closing sentence, "Trên đây là Kế
hoạch ... của <organ>"; the header block, "BAN THƯỜNG VỤ HUYỆN ỦY BÁC ÁI"), and
often without its province ("Ban Thường vụ Tỉnh ủy"): the place then comes from
every other clue the document gives (the date line, "trên địa bàn ...", the
header lines above the organ, the plans it carries out). Weighing them is the
largest single reading of the document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from ingest.chains import walk
from ingest.model import Evidence, Issuer
from ingest.organs import OrganMatch, find_organs, full_name, iter_organs, organ_unit, to_issuer
from ingest.places import base_name, gazetteer
from ingest.refs import Mention
from ingest.scan import Scanner
from ingest.text import NormalizedText, fold

# (no word boundary after the verb: portal text glues words, "xây dựngkế hoạch")
_SUBJECT_VERB = re.compile(
    r"\s*(?:đã\s+)?(?:xây\s+dựng|ban\s+hành|đề\s+nghị|yêu\s+cầu|triển\s+khai\s+(?:kế\s+hoạch|chương\s+trình))",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"(?=[xXbBđĐyYtT])(?:xây\s+dựng|ban\s+hành|đề\s+nghị|yêu\s+cầu|triển\s+khai\s+(?:kế\s+hoạch|chương\s+trình))",
    re.IGNORECASE,
)
_ORGAN_STOP = re.compile(r"[/;:()]")  # characters no organ, nor its place, holds
_OF_BEFORE = re.compile(r"(?:của|do)\s*$")  # "... của <organ>": the issuer of a reference
_CLOSING = re.compile(r"Trên\s+đây\s+là\s+(?:Kế\s+hoạch|Chương\s+trình|Kết\s+luận|Nghị\s+quyết)[^\n]*", re.I)
_ON_TERRITORY = re.compile(
    r"trên\s+địa\s+bàn\s+(?P<unit>tỉnh|thành\s+phố|huyện|thị\s+xã|quận|xã|phường|thị\s+trấn)\s+"
    r"(?P<place>(?:[A-ZĐÀ-Ỹ][^\s,.;()]*\s?){1,4})"
)
_RIGHT_COLUMN = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|(?-i:ĐOÀN\s+TNCS\s+HỒ\s+CHÍ\s+MINH)(?=[ \t]*$)"  # the Youth Union's column, like the Party's
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.IGNORECASE | re.MULTILINE,
)
_RIGHT_COLUMN_SCAN = Scanner(_RIGHT_COLUMN)
_PLACE_UNIT = re.compile(r"^(?:TP\.?|Tp\.?|thành phố|tỉnh|huyện|thị xã|quận)\s*", re.IGNORECASE)
_PARENT_HEAD = re.compile(
    r"ĐẢNG\s+BỘ\s+(?P<unit>TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ)\s+(?P<place>[^\n*]{2,40})", re.IGNORECASE
)


def read_issuer(
    nt: NormalizedText,
    preamble: tuple[int, int],
    place_line: str | None,
    title: str | None,
    implements: list[Mention],
    head_end: int | None = None,
    title_span: tuple[int, int] | None = None,
) -> tuple[Issuer | None, Evidence | None]:
    """The body that issues the document, placed, with the evidence of its name.

    ``head_end``: where the header block ends (by default the preamble's start); the bodies
    a title in capitals names (``title_span``: "... TẠI UBND XÃ, PHƯỜNG ...") issue nothing."""
    t = nt.text
    pre_start, pre_end = preamble
    # 1. the subject of the preamble: "<organ> xây dựng Kế hoạch ..."
    # (an organ after "của"/"do" issued a referenced document; it is not the subject)
    subjects = [
        om
        for om in _organs_before_verbs(t, pre_start, min(len(t), pre_end + 200))
        if _SUBJECT_VERB.match(t, om.end)
    ]
    subject = [om for om in subjects if om.level != "central"]
    # 2. the closing sentence: "Trên đây là Kế hoạch ... của <organ>" / "<organ> đề nghị"
    closing: list[OrganMatch] = []
    for cm in _CLOSING.finditer(t):
        organs = [o for o in find_organs(t, cm.start(), cm.end()) if o.level != "central"]
        if organs:
            closing.append(organs[-1])
    # 3. the header block: "BAN THƯỜNG VỤ HUYỆN ỦY BÁC ÁI", "ỦY BAN NHÂN DÂN TỈNH ..."
    # The right column of a two-column header is blanked (same length, offsets kept)
    # so "ỦY BAN NHÂN DÂN   CỘNG HÒA ...\nTỈNH BẮC NINH" reads as one organ.
    head = _blank_right_column(t[: max(0, pre_start if head_end is None else head_end)])
    if title_span:
        a, b = title_span[0], min(title_span[1], len(head))
        if a < b:
            head = head[:a] + " " * (b - a) + head[b:]
    # ("BAN CHẤP HÀNH TRUNG ƯƠNG" heads every central Party document, whichever body issues it)
    in_caps = [
        om for om in find_organs(head) if om.printed.isupper() and om.kind != "ban-chap-hanh-trung-uong"
    ]
    header = [om for om in in_caps if om.level != "central"]
    cands = subject + closing + header
    if not cands:
        # a central body: the preamble's subject ("Ban Bí thư Trung ương Đoàn ban hành ..."),
        # else its own header ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "THỦ TƯỚNG CHÍNH PHỦ")
        # (of the header's central lines the lowest names the body: "BỘ TRƯỞNG BỘ TƯ PHÁP")
        om = subjects[0] if subjects else in_caps[-1] if in_caps else None
        if om is None:
            return None, None
        issuer, _used = to_issuer(om)
        if om.printed.isupper():
            issuer = _titlecase_issuer(issuer)
        return issuer, Evidence.of_span(nt, om.start, om.end, "organ:central", 0.9)
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
    context = _context_place(t, best, place_line, title, implements)
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
    return issuer, Evidence.of_span(nt, best.start, best.end, "organ:subject-or-closing", 0.9, basis)


def _organs_before_verbs(t: str, start: int, end: int) -> list[OrganMatch]:
    """``find_organs(t, start, end)`` less the organs after "của"/"do", read only where
    one may stand before "xây dựng", "ban hành" ... (a subject).

    Why: the preamble names a body for every document it cites; reading them all
    again costs a scan of the whole preamble. An organ and the spaces after it hold
    none of "/;:()", and no organ match crosses one, so the organs before a verb are
    found by scanning from the last such character before the verb, exactly as a
    scan from ``start`` finds them. Verbs come in text order: the scan from one such
    character goes on from where the previous verb left it (a scan restarted at every
    verb made a line of verbs without one cost its square).
    """
    n = len(t)
    found: dict[int, OrganMatch] = {}
    stops = _ORGAN_STOP.finditer(t, start)
    next_stop = next(stops, None)
    w = start  # just after the last stop character before the verb (or ``start``)
    scan_from = -1
    organs: Iterator[tuple[int, OrganMatch | None]] = iter(())
    pending: tuple[int, OrganMatch | None] | None = None

    def skip(s: int) -> bool:
        return s in found or _OF_BEFORE.search(t, max(0, s - 6), s) is not None

    for v in _VERB.finditer(t, start, n):
        q = v.start()
        if q > end + 60 and t[end + 60 : q].strip():
            break  # no organ read before ``end`` can reach this far
        while next_stop is not None and next_stop.start() < q:
            w = next_stop.end()
            next_stop = next(stops, None)
        if w != scan_from:
            scan_from, pending = w, None
            organs = iter_organs(t, w, end, skip)
        while True:
            if pending is None:
                pending = next(organs, None)
                if pending is None:
                    break
            s, om = pending
            if s > q:
                break
            if om is not None:
                found[s] = om
            pending = None
    return [found[k] for k in sorted(found)]


def _context_place(
    t: str, organ: OrganMatch, place_line: str | None, title: str | None, implements: list[Mention]
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
    for tm in _ON_TERRITORY.finditer(t[:5000]):
        raw.append((tm.group("place"), None, fold(tm.group("unit"))))
    head = t[: max(0, organ.start)] if organ.start < 1500 else t[:1500]
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
        m.organ is not None and m.organ.level == "city" and m.organ.place is None for m in walk(implements)
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
