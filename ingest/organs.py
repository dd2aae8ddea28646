"""Issuing bodies: recognise an organ in running text and place it on the map.

Reads: normalised text at a position ("Ban Thường vụ Tỉnh ủy Bắc Kạn về ...").
Returns: :class:`OrganMatch` (the body's printed name, system, level and place,
with how far the match reached). Knows the Party, State, Front and mass
organisation bodies of every level, and the central bodies.

Why a module of its own: the same reading serves the issuer of the document,
the issuers of every reference and the header block, and the place rules
(a "Thành ủy" is provincial in Hà Nội but a district body in Bắc Kạn) must be
applied the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ingest.model import Issuer
from ingest.places import Commune, gazetteer
from ingest.scan import Scanner
from ingest.text import fold

_BOARD = (
    r"(?:Ban\s+Thường\s+vụ|Ban\s+Thường\s+trực|Thường\s+trực|Thường\s+vụ|Ban\s+Chấp\s+hành|BTV|BTT|BCH|TT)"
)
_UNIT = r"(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)"
_TW = r"(?:Trung\s+ương|TW)"
_VN = r"(?:\s+Việt\s+Nam|\s+VN)?"
# The standard departments of provincial (Sở) and district (Phòng) People's Committees.
_DEPARTMENTS = (
    "(?:"
    + "|".join(
        w.replace(" ", r"\s+")
        for w in sorted(
            [
                "Nội vụ",
                "Tư pháp",
                "Kế hoạch và Đầu tư",
                "Tài chính - Kế hoạch",
                "Tài chính",
                "Công Thương",
                "Nông nghiệp và Phát triển nông thôn",
                "Giao thông vận tải",
                "Xây dựng",
                "Tài nguyên và Môi trường",
                "Thông tin và Truyền thông",
                "Lao động - Thương binh và Xã hội",
                "Khoa học và Công nghệ",
                "Giáo dục và Đào tạo",
                "Y tế",
                "Ngoại vụ",
                "Du lịch",
                "Kinh tế và Hạ tầng",
                "Kinh tế",
                "Quản lý đô thị",
                "Văn hóa và Thông tin",
                "Văn hóa, Thể thao và Du lịch",
                "Văn hóa và Thể thao",
                "Dân tộc",
                "Thanh tra",
            ],
            key=len,
            reverse=True,
        )
    )
    + ")"
)
_PARTY_BOARD = r"Ban\s+(?:Tuyên\s+giáo(?:\s+và\s+Dân\s+vận)?|Dân\s+vận|Tổ\s+chức|Nội\s+chính|Kiểm\s+tra)"
_MASS = [
    (r"(?:Liên\s+hiệp\s+Phụ\s+nữ|LHPN)", "hoi-phu-nu"),
    (r"Nông\s+dân", "hoi-nong-dan"),
    (r"Cựu\s+chiến\s+binh", "hoi-cuu-chien-binh"),
]

# (pattern, system, level, kind), most specific first: at one position the first
# alternative that matches wins. level None: decided by the unit word or the place;
# "city": a city's body, provincial in a centrally-run city and a district body elsewhere.
_ORGANS: list[tuple[str, str, str | None, str]] = [
    (r"Bộ\s+Chính\s+trị", "party", "central", "bo-chinh-tri"),
    (
        rf"Ban\s+Bí\s+thư\s+{_TW}\s+Đoàn(?:\s+TNCS\s+Hồ\s+Chí\s+Minh)?",
        "mass_org",
        "central",
        "doan-thanh-nien",
    ),
    (rf"Ban\s+Bí\s+thư(?:\s+{_TW}(?:\s+Đảng)?)?", "party", "central", "ban-bi-thu"),
    (
        rf"Ban\s+(?:Tuyên\s+giáo|Dân\s+vận|Tổ\s+chức|Nội\s+chính|Kinh\s+tế)\s+{_TW}(?:\s+Đảng)?",
        "party",
        "central",
        "ban-dang-tw",
    ),
    (rf"Ban\s+Chấp\s+hành\s+{_TW}(?:\s+Đảng)?", "party", "central", "ban-chap-hanh-trung-uong"),
    (rf"{_TW}\s+Đảng", "party", "central", "ban-chap-hanh-trung-uong"),
    (r"Thủ\s+tướng(?:\s+Chính\s+phủ)?", "state", "central", "thu-tuong"),
    (r"Chính\s+phủ", "state", "central", "chinh-phu"),
    (r"Quốc\s+hội", "state", "central", "quoc-hoi"),
    (r"Bộ\s+Văn\s+hóa,\s*Thể\s+thao\s+và\s+Du\s+lịch", "state", "central", "bo-vhttdl"),
    (
        r"Bộ\s+(?:Giáo\s+dục\s+và\s+Đào\s+tạo|Y\s+tế|Nội\s+vụ|Tài\s+chính|Quốc\s+phòng|Công\s+an)",
        "state",
        "central",
        "bo",
    ),
    (
        rf"(?:Đoàn\s+Chủ\s+tịch\s+)?(?:Ủy\s+ban|UB)\s+{_TW}\s+(?:MTTQ|Mặt\s+trận\s+Tổ\s+quốc){_VN}",
        "front",
        "central",
        "mttq",
    ),
    (rf"{_TW}\s+Đoàn(?:\s+TNCS\s+Hồ\s+Chí\s+Minh)?", "mass_org", "central", "doan-thanh-nien"),
    *[(rf"(?:Đoàn\s+Chủ\s+tịch\s+)?{_TW}\s+Hội\s+{p}{_VN}", "mass_org", "central", k) for p, k in _MASS],
    (
        rf"(?:Đoàn\s+Chủ\s+tịch\s+)?Tổng\s+(?:Liên\s+đoàn\s+Lao\s+động|LĐLĐ){_VN}",
        "mass_org",
        "central",
        "lien-doan-lao-dong",
    ),
    (r"Tỉnh\s+ủy", "party", "province", "tinh-uy"),
    (r"Thành\s+ủy", "party", "city", "thanh-uy"),
    (r"Huyện\s+ủy", "party", "district", "huyen-uy"),
    (r"Quận\s+ủy", "party", "district", "quan-uy"),
    (r"Thị\s+ủy", "party", "district", "thi-uy"),
    (
        r"Đảng\s+ủy\s+Khối(?:\s+(?:các\s+)?(?:cơ\s+quan|doanh\s+nghiệp)(?:\s+và\s+doanh\s+nghiệp)?)?",
        "party",
        None,
        "dang-uy-khoi",
    ),
    (r"Đảng\s+ủy", "party", None, "dang-uy"),
    # "Ban Chấp hành Đảng bộ quận Hai Bà Trưng": the committee named by its Party organisation
    (
        r"Đảng\s+bộ(?=\s+(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)\b)",
        "party",
        None,
        "dang-bo",
    ),
    (r"(?:Ủy\s+ban\s+nhân\s+dân|UBND)", "state", None, "ubnd"),
    (r"(?:Hội\s+đồng\s+nhân\s+dân|HĐND)", "state", None, "hdnd"),
    (rf"(?:(?:Ủy\s+ban|UB)\s*(?:MTTQ|Mặt\s+trận\s+Tổ\s+quốc)|UBMTTQ|MTTQ){_VN}", "front", None, "mttq"),
    (r"Tỉnh\s+đoàn", "mass_org", "province", "doan-thanh-nien"),
    (r"Thành\s+đoàn", "mass_org", "city", "doan-thanh-nien"),
    (r"(?:Huyện|Quận|Thị)\s+đoàn", "mass_org", "district", "doan-thanh-nien"),
    (r"(?:Đoàn\s+TNCS\s+Hồ\s+Chí\s+Minh|Đoàn\s+Thanh\s+niên)", "mass_org", None, "doan-thanh-nien"),
    *[(rf"Hội\s+{p}{_VN}", "mass_org", None, k) for p, k in _MASS],
    (r"(?:Liên\s+đoàn\s+Lao\s+động|LĐLĐ)", "mass_org", None, "lien-doan-lao-dong"),
    *[
        (rf"{_PARTY_BOARD}\s+{committee}", "party", level, "ban-dang")
        for committee, level in (
            (r"Tỉnh\s+ủy", "province"),
            (r"Thành\s+ủy", "city"),
            (r"(?:Huyện|Quận|Thị)\s+ủy", "district"),
        )
    ],
    (r"Sở\s+Văn\s+hóa,\s*Thể\s+thao\s+và\s+Du\s+lịch", "state", "province", "so-vhttdl"),
    (r"Sở\s+Văn\s+hóa\s+và\s+Thể\s+thao", "state", "province", "so-vhtt"),
    (r"Sở\s+Giáo\s+dục\s+và\s+Đào\s+tạo", "state", "province", "so-gddt"),
    (r"Phòng\s+Văn\s+hóa\s+và\s+Thông\s+tin", "state", "district", "phong-vhtt"),
    # The departments every province (Sở) and district (Phòng) has, by their standard names.
    (rf"Sở\s+{_DEPARTMENTS}", "state", "province", "so"),
    (rf"Phòng\s+{_DEPARTMENTS}", "state", "district", "phong"),
]
_ORGAN_ALT = "|".join(f"(?P<o{i}>{p})" for i, (p, *_rest) in enumerate(_ORGANS))
ORGAN_RE = re.compile(
    # not inside a document symbol ("/KH-UBND") or a word
    rf"(?<![-/\w])(?:(?P<board>{_BOARD})\s+)?(?:{_ORGAN_ALT})"
    rf"(?:\s+(?P<unit>{_UNIT})(?![^\W\d_]))?",
    re.IGNORECASE,
)
# Scans try the full pattern only at word starts that begin like one of its alternatives.
_ORGAN_SCAN = Scanner(ORGAN_RE, guard=r"(?<![-/\w])")
# "Bắc Kạn", "Quận 6", "Phường 12", and the Central Highlands' "M'Đrắk", "Cư M’gar"
_SPACES = re.compile(r"\s*")
_PLACE_WORD = re.compile(r"(?:[^\W\d_][^\W_]*(?:['’][^\W\d_][^\W_]*)*|\d{1,2}\b)\.?")


@dataclass(frozen=True, slots=True)
class OrganMatch:
    start: int
    end: int
    kind: str  # organ slug without the place: "tinh-uy", "ubnd", "mttq" ...
    board: str | None
    printed: str  # the text as printed, whitespace collapsed
    system: str
    level: str | None
    unit: str | None  # the unit word as printed: "tỉnh", "thành phố", "huyện" ...
    place: str | None  # the place as the gazetteer spells it, when printed
    place_kind: str | None  # "province", "district" or "commune": what the printed place names


def _unit_level(unit: str | None) -> str | None:
    if not unit:
        return None
    u = fold(unit)
    if u == "tinh":
        return "province"
    if u in ("huyen", "quan", "thi xa"):
        return "district"
    if u in ("xa", "phuong", "thi tran"):
        return "commune"
    return None  # thành phố: depends on the city


def match_organ(text: str, pos: int = 0, endpos: int | None = None) -> OrganMatch | None:
    """Read an organ starting exactly at ``pos`` (after optional spaces), in ``text[:endpos]``."""
    end = len(text) if endpos is None else endpos
    m = ORGAN_RE.match(text, pos, end)
    if not m:
        # allow leading spaces / line breaks
        stripped = _SPACES.match(text, pos, end).end() - pos
        if stripped == 0:
            return None
        m = ORGAN_RE.match(text, pos + stripped, end)
        if not m:
            return None
    return _build(text, m, end)


def find_organs(text: str, start: int = 0, end: int | None = None) -> list[OrganMatch]:
    """Every organ named in ``text[start:end]``, left to right."""
    return [om for _s, om in iter_organs(text, start, end) if om is not None]


def iter_organs(
    text: str, start: int = 0, end: int | None = None, skip: Callable[[int], bool] | None = None
) -> Iterator[tuple[int, OrganMatch | None]]:
    """Every place in ``text[start:end]`` where the organ pattern matches, left to right,
    with the organ read there (None where ``skip`` leaves it out or it is no organ: "tỉnh
    ủy" in lower case). A caller that stops and goes on later keeps its place."""
    for m in _ORGAN_SCAN.finditer(text, start, len(text) if end is None else end):
        s = m.start()
        # (the place after an organ is read on past ``end``, as it always was)
        yield s, None if skip is not None and skip(s) else _build(text, m)


def _organ_index(m: re.Match[str]) -> int:
    """Which alternative of :data:`_ORGANS` matched: only one of their groups is ever set,
    and it is the last group unless the unit word came after it."""
    last = m.lastgroup
    if last is not None and last.startswith("o") and m.group(last) is not None:
        return int(last[1:])
    groups = m.groups()  # (board, o0 ... oN, unit)
    return next(i for i in range(len(_ORGANS)) if groups[i + 1] is not None)


def _build(text: str, m: re.Match[str], endpos: int | None = None) -> OrganMatch | None:
    idx = _organ_index(m)
    # Capitalised organ words only (the regex is case-insensitive for headers in capitals;
    # in running text "tỉnh ủy" in lower case is not a name).
    if m.group(f"o{idx}")[0].islower():
        return None
    start = m.start()
    # What follows depends on the match and the 60 characters after it only, so it is
    # read once per distinct window: a document names the same bodies again and again
    # (its header is read twice, its preamble's references twice), and so do documents.
    window = text[start : m.end() + 60 if endpos is None else min(endpos, m.end() + 60)]
    end, *rest = _read_organ(window, idx, m.end() - start, m.group("board"), m.group("unit"))
    return OrganMatch(start, start + end, *rest)


@lru_cache(maxsize=16384)
def _read_organ(
    text: str, idx: int, end: int, board: str | None, unit: str | None
) -> tuple[int, str, str | None, str, str, str | None, str | None, str | None, str | None]:
    """The fields of :class:`OrganMatch` after ``start`` for alternative ``idx`` matched in
    ``text[:end]`` (``text`` starts where the match starts), with the end relative."""
    _pat, system, level, kind = _ORGANS[idx]
    # The place: the longest run of following capitalised words that the gazetteer knows.
    words: list[tuple[str, int]] = []
    for wm in _PLACE_WORD.finditer(text, end, min(len(text), end + 60)):
        gap = text[(words[-1][1] if words else end) : wm.start()]
        # "Bà Rịa - Vũng Tàu": a hyphen between words of one name is part of it, and PDF
        # text may break a name over a blank line ("Tỉnh ủy Vĩnh \n\nPhúc", "Bà Rịa \n\n - Vũng")
        breaks = gap.count("\n")
        if gap.strip(" -–\n") or breaks > 2 or len(gap) - breaks > 5 or (not words and gap.strip()):
            break
        w = wm.group(0)
        if not (w[0].isupper() or (w[0].isdigit() and (words or unit))):
            break
        words.append((w.rstrip("."), wm.end() if not w.endswith(".") else wm.end() - 1))
        if len(words) >= 5:
            break
    place = place_kind = None
    unit_level = _unit_level(unit)
    if words:
        found = gazetteer().leading_place([w for w, _ in words], communes=unit_level == "commune")
        if found:
            n, place = found
            end = words[n - 1][1]
        elif unit:
            # Names that hold their unit word: numbered units ("Quận 6", "Phường 12") and
            # one-syllable ones the gazetteer keeps whole ("Phường Đúc" of Huế).
            named = [unit, *(w for w, _ in words)]
            found = gazetteer().leading_place(named, communes=unit_level == "commune")
            if found and found[0] > 1:
                place, end = found[1], words[found[0] - 2][1]
    if unit_level == "commune":
        place_kind = "commune" if place else None
    elif kind == "tinh-uy" or unit_level == "province":
        place_kind = "province"
    elif place:
        g = gazetteer()
        prov = g.province(place)
        if level == "district" or unit_level == "district":
            place_kind = "district" if g.districts_named(place) else "province"
        elif level == "city" or (unit and fold(unit) in ("thanh pho", "tp")):
            place_kind = "province" if prov and prov.kind == "Thành phố" else "district"
        else:
            place_kind = "province" if prov else "district"
    if level is None and unit_level is not None:
        level = unit_level
    if level is None and unit and fold(unit) in ("thanh pho", "tp"):
        level = "city"
    if level in (None, "city") and place_kind in ("province", "district"):
        level = place_kind
    if kind == "dang-uy-khoi" and level is None:
        level = "province"
    printed = re.sub(r"\s+", " ", text[:end]).strip()
    return (end, kind, board, printed, system, level, unit, place, place_kind)


_EXPAND = [
    (re.compile(r"\bUBND\b"), "Ủy ban nhân dân"),
    (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
    (re.compile(r"\bUBMTTQ\b"), "Ủy ban MTTQ"),
    (re.compile(r"\bLHPN\b"), "Liên hiệp Phụ nữ"),
    (re.compile(r"\bLĐLĐ\b"), "Liên đoàn Lao động"),
    (re.compile(r"^BTV\b"), "Ban Thường vụ"),
    (re.compile(r"^BTT\b"), "Ban Thường trực"),
    (re.compile(r"^BCH\b"), "Ban Chấp hành"),
    (re.compile(r"^TT\b"), "Thường trực"),
    (re.compile(r"\bTP\.?(?=\s)"), "thành phố"),
]


def to_issuer(om: OrganMatch, context: Issuer | None = None) -> tuple[Issuer, bool]:
    """Place an organ: its printed place, else the citing document's (``context``).

    Returns the issuer and whether context was needed (the place was not printed or
    was ambiguous: "phường An Hòa" exists in twelve provinces).
    """
    g = gazetteer()
    if om.level == "central":
        return Issuer(name=full_name(om.printed), system=om.system, level="central"), False
    ctx_p = context.province if context else None
    ctx_d = context.district if context else None
    province = district = commune = None
    used_context = False
    level = om.level
    if om.place and om.place_kind == "province":
        province = om.place
    elif om.place and om.place_kind == "commune":
        cands = _communes_of(om, ctx_p, ctx_d)
        commune = om.place
        if len(cands) == 1:
            district, province = cands[0].district, cands[0].province
            used_context = len(g.communes_named(om.place)) > 1
            if fold(om.place) != fold(cands[0].name):  # the dataset's name: "Yên Viên (Thị trấn)"
                commune = cands[0].name
        else:
            province, district, used_context = ctx_p, ctx_d, True
    elif om.place:
        cands = g.districts_named(om.place, ctx_p) or g.districts_named(om.place)
        kind = organ_unit(om)
        if len(cands) > 1 and kind:  # "thị xã Sơn Tây" (Hà Nội), not "huyện Sơn Tây" (Quảng Ngãi)
            cands = [d for d in cands if fold(d.kind) == kind] or cands
        if len(cands) == 1:
            # the spelling the document uses when it differs only in tone marks ("Đắk"/"Đăk")
            district, province = (
                om.place if fold(om.place) == fold(cands[0].name) else cands[0].name,
                cands[0].province,
            )
        else:
            district, province, used_context = om.place, ctx_p, True
    elif context is not None:
        used_context = True
        province = ctx_p
        if level == "city":
            p = g.province(province)
            level = "province" if p and p.kind == "Thành phố" else "district"
        if level in ("district", "commune"):
            district = ctx_d
        if level == "commune":
            commune = context.commune
    if level == "city":  # no place printed and nothing to tell: a district-level city is the usual case
        level = "district"
    if level is None and context is not None:
        level = context.level
    name = full_name(om.printed)
    if not om.place:
        place = {"commune": commune, "district": district}.get(level or "") or (
            province if level == "province" else None
        )
        if place:
            unit = ""
            if om.unit is None and not om.kind.endswith("uy") and om.kind != "dang-uy-khoi":
                # "Ủy ban nhân dân" + Bắc Ninh reads "Ủy ban nhân dân tỉnh Bắc Ninh"
                unit = _unit_word(place, level) + " "
            name = f"{name} {unit}{place}"
    issuer = Issuer(
        name=name,
        system=om.system,
        level=level,
        province=province,
        district=district if level in ("district", "commune") else None,
        commune=commune if level == "commune" else None,
        province_current=g.current_province(province) if province else None,
    )
    return issuer, used_context


def _communes_of(om: OrganMatch, province: str | None, district: str | None) -> list[Commune]:
    """The communes a printed commune organ may be, narrowed by the citing context.

    The printed unit word is part of the name: "phường Thới Bình" is the one phường of
    that name (Cần Thơ), even where the context points at huyện Thới Bình (Cà Mau),
    whose thị trấn and xã bear the name. Within the context, a commune of the printed
    kind is taken first ("thị trấn Yên Viên", not "xã Yên Viên": both in Gia Lâm); a
    commune of that kind elsewhere when it is the only one in the country; else the
    context's commune of another kind (a text may print an old unit word).
    """
    g = gazetteer()
    kind = _unit_kind(om.unit) if om.unit else None
    levels = (
        g.communes_named(om.place, province, district),
        g.communes_named(om.place, province),
        g.communes_named(om.place),
    )
    if kind is not None:
        kinded = [[c for c in cs if fold(c.kind) == kind] for cs in levels]
        if kinded[0] or kinded[1] or len(kinded[2]) == 1:
            return next(cs for cs in kinded if cs)
    return next((cs for cs in levels if cs), [])


# The unit a party committee's name implies ("Thị ủy Long Mỹ" is the thị xã's committee).
_ORGAN_UNIT = {"huyen-uy": "huyen", "quan-uy": "quan", "thi-uy": "thi xa", "thanh-uy": "thanh pho"}


def organ_unit(om: OrganMatch) -> str | None:
    """The unit type an organ names, folded as the gazetteer's kinds fold: "huyen" for
    "UBND huyện X" and for "Huyện ủy X", "thi xa" for "Thị ủy X", None when it does not say."""
    return _unit_kind(om.unit) if om.unit else _ORGAN_UNIT.get(om.kind)


def _unit_kind(unit: str) -> str:
    """The folded gazetteer unit type a printed unit word names ("TP." -> "thanh pho")."""
    u = fold(unit)
    return "thanh pho" if u == "tp" else u


def _unit_word(place: str, level: str | None) -> str:
    """The unit word printed before a place's name: "tỉnh", "thành phố", "huyện", "xã" ..."""
    g = gazetteer()
    if level == "province":
        p = g.province(place)
        return "thành phố" if p and p.kind == "Thành phố" else "tỉnh"
    if level == "commune":
        cs = g.communes_named(place)
        return cs[0].kind.lower() if cs else "xã"
    d = g.district(place)
    return d.kind.lower() if d else "huyện"


@lru_cache(maxsize=8192)  # the same few names come back in every document
def full_name(printed: str) -> str:
    """The printed name, abbreviations written out: "BTV ... UBND" -> "Ban Thường vụ ... Ủy ban nhân dân"."""
    s = printed
    for pat, rep in _EXPAND:
        s = pat.sub(rep, s)
    return s
