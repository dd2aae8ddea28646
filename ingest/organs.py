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
from dataclasses import dataclass

from ingest.model import Issuer
from ingest.places import gazetteer
from ingest.text import fold

_BOARD = r"(?:Ban\s+Thường\s+vụ|Ban\s+Thường\s+trực|Thường\s+trực|Thường\s+vụ|Ban\s+Chấp\s+hành|BTV|BTT|TT)"
_UNIT = r"(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn)"

# (pattern, system, level, kind). level None: decided by the unit word / the place.
_ORGANS: list[tuple[str, str, str | None, str]] = [
    (r"Bộ\s+Chính\s+trị", "party", "central", "bo-chinh-tri"),
    (r"Ban\s+Bí\s+thư(?:\s+Trung\s+ương\s+Đảng)?", "party", "central", "ban-bi-thu"),
    (r"Ban\s+Chấp\s+hành\s+Trung\s+ương(?:\s+Đảng)?", "party", "central", "ban-chap-hanh-trung-uong"),
    (r"Trung\s+ương\s+Đảng", "party", "central", "ban-chap-hanh-trung-uong"),
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
        r"(?:Ủy\s+ban|UB)\s+Trung\s+ương\s+(?:MTTQ|Mặt\s+trận\s+Tổ\s+quốc)(?:\s+Việt\s+Nam|\s+VN)?",
        "front",
        "central",
        "mttq",
    ),
    (r"Trung\s+ương\s+Đoàn(?:\s+TNCS\s+Hồ\s+Chí\s+Minh)?", "mass_org", "central", "doan-thanh-nien"),
    (r"Tỉnh\s+ủy", "party", "province", "tinh-uy"),
    (r"Thành\s+ủy", "party", None, "thanh-uy"),
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
    (r"(?:Ủy\s+ban\s+nhân\s+dân|UBND)", "state", None, "ubnd"),
    (r"(?:Hội\s+đồng\s+nhân\s+dân|HĐND)", "state", None, "hdnd"),
    (
        r"(?:(?:Ủy\s+ban|UB)\s*(?:MTTQ|Mặt\s+trận\s+Tổ\s+quốc)|UBMTTQ|MTTQ)(?:\s+Việt\s+Nam|\s+VN)?",
        "front",
        None,
        "mttq",
    ),
    (r"(?:Tỉnh|Thành|Huyện|Quận|Thị)\s+đoàn", "mass_org", None, "doan-thanh-nien"),
    (r"(?:Đoàn\s+TNCS\s+Hồ\s+Chí\s+Minh|Đoàn\s+Thanh\s+niên)", "mass_org", None, "doan-thanh-nien"),
    (r"Hội\s+Liên\s+hiệp\s+Phụ\s+nữ(?:\s+Việt\s+Nam)?", "mass_org", None, "hoi-phu-nu"),
    (r"Hội\s+Nông\s+dân", "mass_org", None, "hoi-nong-dan"),
    (r"Hội\s+Cựu\s+chiến\s+binh", "mass_org", None, "hoi-cuu-chien-binh"),
    (r"Liên\s+đoàn\s+Lao\s+động", "mass_org", None, "lien-doan-lao-dong"),
    (r"Sở\s+Văn\s+hóa,\s*Thể\s+thao\s+và\s+Du\s+lịch", "state", "province", "so-vhttdl"),
    (r"Sở\s+Văn\s+hóa\s+và\s+Thể\s+thao", "state", "province", "so-vhtt"),
    (r"Sở\s+Giáo\s+dục\s+và\s+Đào\s+tạo", "state", "province", "so-gddt"),
    (r"Phòng\s+Văn\s+hóa\s+và\s+Thông\s+tin", "state", "district", "phong-vhtt"),
]
_ORGAN_ALT = "|".join(f"(?P<o{i}>{p})" for i, (p, *_rest) in enumerate(_ORGANS))
ORGAN_RE = re.compile(
    rf"(?:(?P<board>{_BOARD})\s+)?(?:{_ORGAN_ALT})"
    rf"(?:\s+(?P<unit>{_UNIT})(?![^\W\d_]))?",
    re.IGNORECASE,
)
_PLACE_WORD = re.compile(r"[^\W\d_][^\W_]*\.?")


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
    place_kind: str | None  # "province" or "district": what the printed place names


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


def match_organ(text: str, pos: int = 0) -> OrganMatch | None:
    """Read an organ starting exactly at ``pos`` (after optional spaces)."""
    m = ORGAN_RE.match(text, pos)
    if not m:
        # allow leading spaces / line breaks
        stripped = len(text[pos:]) - len(text[pos:].lstrip())
        if stripped == 0:
            return None
        m = ORGAN_RE.match(text, pos + stripped)
        if not m:
            return None
    return _build(text, m)


def find_organs(text: str, start: int = 0, end: int | None = None) -> list[OrganMatch]:
    """Every organ named in ``text[start:end]``, left to right."""
    out = []
    for m in ORGAN_RE.finditer(text, start, len(text) if end is None else end):
        om = _build(text, m)
        if om:
            out.append(om)
    return out


def _build(text: str, m: re.Match[str]) -> OrganMatch | None:
    idx = next(i for i in range(len(_ORGANS)) if m.group(f"o{i}") is not None)
    _pat, system, level, kind = _ORGANS[idx]
    organ_text = m.group(f"o{idx}")
    # Capitalised organ words only (the regex is case-insensitive for headers in capitals;
    # in running text "tỉnh ủy" in lower case is not a name).
    if organ_text[0].islower():
        return None
    unit = m.group("unit")
    end = m.end()
    # The place: the longest run of following capitalised words that the gazetteer knows.
    words: list[tuple[str, int]] = []
    for wm in _PLACE_WORD.finditer(text, end, min(len(text), end + 60)):
        gap = text[(words[-1][1] if words else end) : wm.start()]
        if gap.strip() or len(gap) > 4 or "\n\n" in gap:
            break
        w = wm.group(0)
        if not (w[0].isupper()):
            break
        words.append((w.rstrip("."), wm.end() if not w.endswith(".") else wm.end() - 1))
        if len(words) >= 5:
            break
    place = place_kind = None
    if words:
        found = gazetteer().leading_place([w for w, _ in words])
        if found:
            n, name = found
            place = name
            end = words[n - 1][1]
    if kind == "tinh-uy" or (unit and fold(unit) == "tinh"):
        place_kind = "province"
    elif place:
        g = gazetteer()
        is_prov = g.province(place) is not None
        is_dist = bool(g.districts_named(place))
        if level == "district" or _unit_level(unit) == "district":
            place_kind = "district" if is_dist else "province"
        elif kind in ("thanh-uy",) or (unit and fold(unit) in ("thanh pho", "tp")):
            prov = g.province(place)
            place_kind = "province" if prov and prov.kind == "Thành phố" else "district"
        else:
            place_kind = "province" if is_prov else "district"
    if level is None:
        level = _unit_level(unit)
        if level is None and place_kind:
            level = place_kind
        if level is None and kind == "thanh-uy":
            level = "district"
        if level is None and unit and fold(unit) in ("thanh pho", "tp"):
            level = "district"
    if kind == "dang-uy-khoi" and level is None:
        level = "province"
    printed = re.sub(r"\s+", " ", text[m.start() : end]).strip()
    return OrganMatch(
        start=m.start(),
        end=end,
        kind=kind,
        board=m.group("board"),
        printed=printed,
        system=system,
        level=level,
        unit=unit,
        place=place,
        place_kind=place_kind,
    )


_EXPAND = [
    (re.compile(r"\bUBND\b"), "Ủy ban nhân dân"),
    (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
    (re.compile(r"^BTV\b"), "Ban Thường vụ"),
    (re.compile(r"^BTT\b"), "Ban Thường trực"),
    (re.compile(r"\bTP\.?(?=\s)"), "thành phố"),
]


def to_issuer(om: OrganMatch, context: Issuer | None = None) -> tuple[Issuer, bool]:
    """Place an organ: its printed place, else the citing document's (``context``).

    Returns the issuer and whether context was needed (the place was not printed).
    """
    g = gazetteer()
    province = district = None
    used_context = False
    level = om.level or (context.level if context else None)
    if om.level == "central":
        return Issuer(name=_full_name(om.printed), system=om.system, level="central"), False
    if om.place:
        if om.place_kind == "province":
            province = om.place
        else:
            cands = g.districts_named(om.place, context.province if context else None)
            if not cands:
                cands = g.districts_named(om.place)
            d = cands[0] if len(cands) == 1 else None
            if d is None and cands and context and context.province:
                d = next((c for c in cands if c.province == context.province), None)
            if d is not None:
                district, province = d.name, d.province
            else:
                district = om.place
                province = context.province if context else None
                used_context = True
    elif context is not None:
        used_context = True
        province = context.province
        if level in ("district", "commune") and context.level in ("district", "commune"):
            district = context.district
    name = _full_name(om.printed)
    if not om.place:
        place = district if level in ("district", "commune") and district else province
        if place and level != "commune":
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
        province_current=g.current_province(province) if province else None,
    )
    return issuer, used_context


def _unit_word(place: str, level: str | None) -> str:
    """The unit word printed before a place's name: "tỉnh", "thành phố", "huyện" ..."""
    g = gazetteer()
    if level == "province":
        p = g.province(place)
        return "thành phố" if p and p.kind == "Thành phố" else "tỉnh"
    d = g.district(place)
    return d.kind.lower() if d else "huyện"


def _full_name(printed: str) -> str:
    s = printed
    for pat, rep in _EXPAND:
        s = pat.sub(rep, s)
    return s
