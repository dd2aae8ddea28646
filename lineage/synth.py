"""A synthetic cascade of plan documents over the real 2024 administrative map.

Writes N plan texts for the 63 provinces and their real districts and communes
(from the ``vietnamadminunits`` dataset, the same one the gazetteer reads): the
central Kết luận 70-KL/TW, the provincial Party/State/Front plans that carry it
out, the district plans citing those, and the commune plans citing the district
ones. Next to them ``expected.jsonl`` lists, for every file, the parents the
extractor and the graph must find.

Why synthetic and not more real documents: the benchmark needs 100,000 plans
whose true lineage is known; the texts copy the constructions of the real
seeds (chains inside references, a bare "Ban Thường vụ Tỉnh ủy", blank numbers,
spacing and tone variants, NFD, PDF line breaks, headers in capitals,
recipients, signatures, campaigns, targets) so that what the benchmark measures
is the extractor on realistic input, not on a friendly template.

Deterministic for a seed: one ``random.Random(seed)`` drives every choice and
units are visited in dataset order, so the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import random
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = ["Plan", "Summary", "generate", "build_plans", "render"]

KL70_DATE = date(2024, 1, 31)
KL70_TITLE = "về phát triển thể dục, thể thao trong giai đoạn mới"
CAMPAIGNS = (
    "Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",
    "Toàn dân đoàn kết xây dựng đời sống văn hóa",
    "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
)
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Mai",
    "Đinh",
    "Lương",
    "Hà",
]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quốc", "Ngọc", "Thu", "Xuân", "Công", "Hồng", "Kim"]
GIVENS = [
    "An",
    "Bình",
    "Chính",
    "Dũng",
    "Đông",
    "Giang",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nghiệm",
    "Nhài",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
]

_COMMUNE_EXTRA = ("women", "farmers", "veterans", "youth")


@dataclass
class Unit:
    """An administrative unit of 2024 with its province (and district)."""

    level: str  # central, province, district, commune
    name: str  # short name: "Bắc Kạn", "Bác Ái", "Phước Bình"
    kind: str  # "Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn"
    province: str | None = None
    district: str | None = None
    district_kind: str | None = None


@dataclass
class Plan:
    """One generated document and the true documents it implements."""

    idx: int
    unit: Unit
    system: str  # party, state, front, mass_org
    organ: str  # party, state, front, women, farmers, veterans, youth
    number: str | None  # as issued ("241-KH/TU"); None for the central KL (set below)
    doc_date: date
    implements: list[Plan] = field(default_factory=list)
    blank_number: bool = False
    annual: int | None = None  # a follow-up plan for this year
    file: str = ""

    @property
    def level(self) -> str:
        return self.unit.level


@dataclass(frozen=True)
class Summary:
    """What :func:`generate` wrote."""

    n: int
    out_dir: str
    by_level: dict[str, int]
    by_system: dict[str, int]
    seconds: float
    bytes: int


# -- the hierarchy ----------------------------------------------------------------
def _units() -> tuple[list[Unit], dict[str, list[Unit]], dict[tuple[str, str], list[Unit]]]:
    """Provinces, districts by province, communes by (province, district), dataset order."""
    from vietnamadminunits.database import query

    rows = query(
        "SELECT province, provinceShort, districtShort, districtType, wardShort, wardType, wardCode"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    provinces: dict[str, Unit] = {}
    districts: dict[str, dict[str, Unit]] = defaultdict(dict)
    communes: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    from ingest.places import name_in_2024

    for r in rows:
        p = name_in_2024(r["provinceShort"])  # the plans are of 2024: Thừa Thiên Huế, not Huế
        if p not in provinces:
            renamed = p != r["provinceShort"]
            kind = "Thành phố" if r["province"].startswith("Thành phố") and not renamed else "Tỉnh"
            provinces[p] = Unit("province", p, kind, province=p)
        d = r["districtShort"]
        if d not in districts[p]:
            districts[p][d] = Unit("district", d, r["districtType"], province=p, district=d)
        if r["wardShort"] and r["wardType"]:
            communes[(p, d)].append(
                Unit("commune", r["wardShort"], r["wardType"], p, d, district_kind=r["districtType"])
            )
    return (
        list(provinces.values()),
        {p: list(ds.values()) for p, ds in districts.items()},
        dict(communes),
    )


def _round_robin(groups: list[list[Unit]], rng: random.Random) -> list[Unit]:
    """Units taken one per group in turn, so a partial selection spreads over all groups."""
    shuffled = [rng.sample(g, len(g)) for g in groups]
    out: list[Unit] = []
    depth = max((len(g) for g in shuffled), default=0)
    for i in range(depth):
        out.extend(g[i] for g in shuffled if i < len(g))
    return out


def _after(d: date, rng: random.Random, lo: int = 3, hi: int = 35) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


class _Numbers:
    """Realistic numbers: each issuer draws from its own range, never twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, int]] = set()

    def draw(self, issuer: str, lo: int, hi: int) -> int:
        for _ in range(50):
            n = self.rng.randint(lo, hi)
            if (issuer, n) not in self.used:
                self.used.add((issuer, n))
                return n
        n = hi + 1
        while (issuer, n) in self.used:
            n += 1
        self.used.add((issuer, n))
        return n


def _symbol(unit: Unit, organ: str) -> tuple[str, str, tuple[int, int]]:
    """(separator style, symbol, number range) for a body: Party "NN-KH/TU", State "NN/KH-UBND"."""
    lvl = unit.level
    if organ == "party":
        if lvl == "province":
            return "-", "KH/TU", (120, 380)
        if lvl == "district":
            k = unit.kind
            sym = {"Quận": "KH/QU", "Huyện": "KH/HU"}.get(k, "KH/TU")  # thị xã, thành phố: Thị ủy/Thành ủy
            return "-", sym, (40, 260)
        return "-", "KH/ĐU", (3, 90)
    if organ == "state":
        return (
            "/",
            "KH-UBND",
            ((40, 260) if lvl == "province" else (20, 240) if lvl == "district" else (2, 160)),
        )
    if organ == "front":
        return "/", "KH-MTTQ-BTT", ((250, 600) if lvl != "commune" else (2, 80))
    sym = {"women": "KH/HPN", "farmers": "KH/HND", "veterans": "KH/CCB", "youth": "KH/ĐTN"}[organ]
    return "/" if organ != "youth" else "-", sym, (1, 40)


def build_plans(n: int, seed: int) -> list[Plan]:
    """The plans of the cascade, parents before children (see the module docstring)."""
    rng = random.Random(seed)
    provinces, districts_of, communes_of = _units()
    numbers = _Numbers(rng)
    plans: list[Plan] = []

    central = Unit("central", "Bộ Chính trị", "Trung ương")
    kl70 = Plan(0, central, "party", "party", "70-KL/TW", KL70_DATE)
    plans.append(kl70)
    if n <= 1:
        return plans[:n]

    def new(unit: Unit, organ: str, parents: list[Plan], annual: int | None = None) -> Plan:
        sep, sym, (lo, hi) = _symbol(unit, organ)
        # Unique per (province, symbol, year), per district for communes: a number collision would
        # be a second, legitimate ambiguity that hides what the benchmark measures (the extractor).
        place = unit.district if unit.level == "commune" else ""
        issuer_key = f"{unit.province}/{place}/{sym}/{annual}"
        num = f"{numbers.draw(issuer_key, lo, hi)}{sep}{sym}"
        start = max(p.doc_date for p in parents)
        if annual:
            start = max(start, date(annual, 1, 2))
        d = _after(start, rng)
        system = {"party": "party", "state": "state", "front": "front"}.get(organ, "mass_org")
        p = Plan(len(plans), unit, system, organ, num, d, list(parents), annual=annual)
        plans.append(p)
        return p

    rest = n - 1
    # Provinces: all 63, Party first, then State, then Front.
    prov_budget = min(rest, 3 * len(provinces))
    prov_plans: dict[tuple[str, str], Plan] = {}
    for organ in ("party", "state", "front"):
        for u in provinces:
            if len(prov_plans) >= prov_budget:
                break
            party = prov_plans.get((u.name, "party"))
            if organ == "party":
                parents = [kl70]
            elif organ == "state":
                parents = [party, kl70] if party else [kl70]
            else:
                state = prov_plans.get((u.name, "state"))
                parents = [party] if party else [kl70]
                if state and rng.random() < 0.3:
                    parents.append(state)
            prov_plans[(u.name, organ)] = new(u, organ, parents)
    rest -= len(prov_plans)

    # Districts: up to all ~700 x 3, 40 % of what is left; spread over provinces.
    all_districts = _round_robin([districts_of[p.name] for p in provinces], rng)
    dist_budget = min(rest if rest < 4 else int(rest * 0.4) or 1, 3 * len(all_districts))
    chosen_d = all_districts[: -(-dist_budget // 3)] if dist_budget else []
    dist_plans: dict[tuple[str, str, str], Plan] = {}
    for organ in ("party", "state", "front"):
        for u in chosen_d:
            if len(dist_plans) >= dist_budget:
                break
            assert u.province is not None
            key = (u.province, u.name)
            pp = prov_plans.get((u.province, organ)) or prov_plans.get((u.province, "party")) or kl70
            dparty = dist_plans.get((*key, "party"))
            if organ == "party":
                parents = [pp]
            elif dparty is not None and rng.random() < 0.8:
                parents = [pp, dparty]
            else:
                parents = [pp]
            if organ != "party" and rng.random() < 0.25:
                parents.append(kl70)  # "Thực hiện Kết luận 70 ...; Kế hoạch ..." (reduced away)
            dist_plans[(*key, organ)] = new(u, organ, parents)
    rest -= len(dist_plans)

    # Communes: the rest, in the chosen districts, spread over them; then more kinds.
    if rest > 0 and chosen_d:
        groups = [communes_of.get((u.province or "", u.name), []) for u in chosen_d]
        all_communes = _round_robin(groups, rng)
        chosen_c = all_communes[: min(len(all_communes), -(-rest // 3))]
        kinds: list[tuple[str, int | None]] = [("party", None), ("state", None), ("front", None)]
        kinds += [(k, None) for k in _COMMUNE_EXTRA]
        year = 2025
        while len(chosen_c) * len(kinds) < rest:
            kinds += [("party", year), ("state", year), ("front", year)]
            year += 1
        com_plans: dict[tuple[str, str, str, str, int | None], Plan] = {}
        done = 0
        for organ, annual in kinds:
            for u in chosen_c:
                if done >= rest:
                    break
                assert u.province is not None and u.district is not None
                key = (u.province, u.district, u.name)
                cparty = com_plans.get((*key, "party", None))
                if annual:
                    own = com_plans.get((*key, organ, annual - 1 if annual > 2025 else None))
                    parents = [own] if own else [cparty] if cparty else []
                    if not parents:
                        continue
                elif organ in _COMMUNE_EXTRA:
                    if cparty is None:
                        continue
                    parents = [cparty]
                else:
                    dp = (
                        dist_plans.get((u.province, u.district, organ))
                        or dist_plans.get((u.province, u.district, "party"))
                        or prov_plans.get((u.province, "party"))
                        or kl70
                    )
                    parents = [dp]
                    if organ != "party" and cparty is not None and rng.random() < 0.7:
                        parents.append(cparty)
                com_plans[(*key, organ, annual)] = new(u, organ, parents, annual)
                done += 1
            if done >= rest:
                break
    # Blank numbers ("Số:   /KH-UBND") only on plans nobody cites: a child always cites a number.
    cited = {id(p) for q in plans for p in q.implements}
    for p in plans[1:]:
        if id(p) not in cited and rng.random() < 0.05:
            p.blank_number = True
    return plans


# -- expected parents ---------------------------------------------------------------
def _ancestors(p: Plan, memo: dict[int, set[int]]) -> set[int]:
    if p.idx in memo:
        return memo[p.idx]
    out: set[int] = set()
    for q in p.implements:
        out.add(q.idx)
        out |= _ancestors(q, memo)
    memo[p.idx] = out
    return out


def expected_parents(p: Plan, memo: dict[int, set[int]]) -> list[Plan]:
    """The transitive reduction of what ``p`` implements (the contract's "parents")."""
    return [
        q for q in p.implements if not any(q.idx in _ancestors(o, memo) for o in p.implements if o is not q)
    ]


def describe(p: Plan) -> dict[str, Any]:
    """A document as expected.jsonl names it: enough to find its node unambiguously."""
    u = p.unit
    return {
        "number": None if p.blank_number else p.number,
        "system": p.system,
        "level": u.level,
        "province": u.province,
        "district": u.district if u.level in ("district", "commune") else None,
        "commune": u.name if u.level == "commune" else None,
        "date": p.doc_date.isoformat(),
    }


# -- names and phrases ----------------------------------------------------------------
def _unit_word(u: Unit) -> str:
    return u.kind.lower()


def _shown(name: str | None) -> str:
    """A unit's name as documents print it: the dataset tells apart two units of one name
    in one province by their kind ("Long Mỹ (Huyện)", "Long Mỹ (Thị xã)"); documents never
    print that, their unit word ("huyện", "thị xã", "Huyện ủy", "Thị ủy") does it. Every
    syllable starts with a capital ("Đồng Ý", where the dataset has "Đồng ý")."""
    name = re.sub(r"\s*\([^)]*\)$", "", name or "")
    return " ".join(w[:1].upper() + w[1:] for w in name.split(" "))


def _place(u: Unit) -> str:
    """ "tỉnh Bắc Kạn", "thành phố Hà Nội", "huyện Bác Ái", "xã Phước Bình"; a numbered unit's
    name holds its unit word already: "Quận 6", "Phường 8" (never "quận Quận 6")."""
    name = _shown(u.name)
    if name.lower().startswith(_unit_word(u) + " "):
        return name
    return f"{_unit_word(u)} {name}"


def _party_body(u: Unit) -> str:
    if u.level == "province":
        return "Thành ủy" if u.kind == "Thành phố" else "Tỉnh ủy"
    if u.level == "district":
        return {"Huyện": "Huyện ủy", "Quận": "Quận ủy", "Thị xã": "Thị ủy"}.get(u.kind, "Thành ủy")
    return "Đảng ủy"


_MASS = {
    "women": "Hội Liên hiệp Phụ nữ",
    "farmers": "Hội Nông dân",
    "veterans": "Hội Cựu chiến binh",
    "youth": "Đoàn Thanh niên",
}


def issuer_name(p: Plan, rng: random.Random, bare: bool = False, short: bool = False) -> str:
    """The issuer as a text names it; ``bare`` leaves the place out ("Ban Thường vụ Tỉnh ủy")."""
    u = p.unit
    if u.level == "central":
        return "Bộ Chính trị"
    if p.organ == "party":
        body = _party_body(u)
        board = "" if short else "Ban Thường vụ " if u.level != "commune" or rng.random() < 0.5 else ""
        if u.level == "commune":
            return f"{board}{body} {_place(u)}" if not bare else f"{board}{body}"
        return f"{board}{body}" if bare else f"{board}{body} {_shown(u.name)}"
    if p.organ == "state":
        body = rng.choice(("UBND", "Ủy ban nhân dân", "UBND"))
        return f"{body} {_unit_word(u)}" if bare else f"{body} {_place(u)}"
    if p.organ == "front":
        board = "" if short else rng.choice(("Ban Thường trực ", "Ban Thường trực ", ""))
        body = rng.choice(
            ("Ủy ban MTTQ Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban MTTQ Việt Nam")
        )
        return f"{board}{body} {_unit_word(u)}" if bare else f"{board}{body} {_place(u)}"
    board = "Ban Thường vụ " if p.organ != "youth" else "Ban Chấp hành "
    return f"{board}{_MASS[p.organ]} {_place(u)}"


def _fmt_date(d: date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{d.day:02d}/{d.month}/{d.year}"
    if r < 0.85:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day}/{d.month}/{d.year}"


def _fmt_number(num: str, rng: random.Random) -> str:
    """Spacing variants of real scans: "474 /KH-MTTQ-BTT", "70- KL/TW"."""
    r = rng.random()
    if r < 0.06:
        return num.replace("/", " /", 1) if "/KH" in num else num.replace("-", "- ", 1)
    if r < 0.1:
        return num.replace("-", " - ", 1) if "-KH" in num else num.replace("/", " / ", 1)
    return num


def _kl70(rng: random.Random, full: bool = True) -> str:
    num = _fmt_number("70-KL/TW", rng)
    if not full:
        return f"Kết luận số {num}"
    comma = "," if rng.random() < 0.4 else ""
    return f"Kết luận số {num}{comma} ngày 31/01/2024 của Bộ Chính trị {KL70_TITLE}"


def ref_text(q: Plan, citing: Plan, rng: random.Random, depth: int = 0, reach: bool = False) -> str:
    """How ``citing`` names ``q``: number, date, issuer, and often q's own chain.

    ``reach``: the citing text names its province nowhere else and its place alone does
    not tell it (xã Phú Hữu of huyện Châu Thành is in Đồng Tháp and in Hậu Giang), so
    the chain goes on up to a provincial plan named with its province, as real texts
    that must be placed do; without it no reader could link the plan.
    """
    if q.level == "central":
        return _kl70(rng)
    same_prov = q.unit.province == citing.unit.province
    # A bare body ("Ban Thường vụ Tỉnh ủy") only where the citing text's own place supplies it.
    bare = (
        same_prov
        and q.level == "province"
        and citing.level in ("province", "district")
        and q.organ in ("party", "state")
        and rng.random() < 0.3
        and not reach
    )
    who = issuer_name(q, rng, bare=bare, short=rng.random() < 0.2)
    comma = "," if rng.random() < 0.4 else ""
    head = (
        f"Kế hoạch số {_fmt_number(q.number or '', rng)}{comma} ngày {_fmt_date(q.doc_date, rng)} của {who}"
    )
    chain = rng.random() < 0.6
    up_to_province = reach and q.level not in ("province", "central")
    if q.implements and ((depth < 2 and chain) or up_to_province):
        up = q.implements[0]
        verb = rng.choice(("về triển khai thực hiện", "về thực hiện", "thực hiện", "triển khai thực hiện"))
        return f"{head} {verb} {ref_text(up, citing, rng, depth + 1, up_to_province)}"
    about = rng.choice(
        (
            f"về thực hiện Kết luận số 70-KL/TW của Bộ Chính trị {KL70_TITLE}",
            f"về triển khai thực hiện Kết luận số 70-KL/TW {KL70_TITLE}",
            f"{KL70_TITLE}",
        )
    )
    return f"{head} {about}"


def _subject(p: Plan, rng: random.Random) -> str:
    """The short subject of "… xây dựng Kế hoạch thực hiện như sau" (the place often left out)."""
    u = p.unit
    if p.organ == "party":
        body = _party_body(u)
        if u.level == "commune":
            return f"Ban Thường vụ Đảng ủy {_place(u)}" if rng.random() < 0.5 else f"Đảng ủy {_place(u)}"
        return f"Ban Thường vụ {body} {_shown(u.name)}" if rng.random() < 0.5 else f"Ban Thường vụ {body}"
    if p.organ == "state":
        return rng.choice(("UBND", "Ủy ban nhân dân")) + f" {_place(u)}"
    if p.organ == "front":
        return f"Ban Thường trực Ủy ban MTTQ Việt Nam {_place(u)}"
    return issuer_name(p, rng)


def _header(p: Plan, rng: random.Random) -> str:
    """The header block: organ in capitals (left column), number, place and date."""
    u = p.unit
    num = p.number or ""
    if p.blank_number:
        sym = num.split("-", 1)[1] if "-KH" in num else num.split("/", 1)[1]
        shown = f"{' ' * rng.randint(1, 6)}{'-' if '-KH' in num else '/'}{sym}"
    else:
        shown = " " + _fmt_number(num, rng)
    d = p.doc_date
    day = "   " if p.blank_number else f"{d.day:02d}"
    month = f"{d.month:02d}" if rng.random() < 0.5 else str(d.month)
    town = _shown(u.name) if u.level != "commune" else _shown(rng.choice((u.name, u.district or u.name)))
    if u.level == "province" and rng.random() < 0.2:
        town = f"TP. {u.name}" if u.kind == "Tỉnh" and rng.random() < 0.3 else u.name
    so = rng.choice(("Số:", "Số", "Số:"))
    dateline = f"{town}, ngày {day} tháng {month} năm {d.year}"
    style = rng.random()
    if style < 0.15:  # no organ header (seed 000 / 004)
        return f"\n\n{so}{shown} {dateline}\n\n"
    if p.organ == "party":
        if u.level == "province":
            left = [f"{_party_body(u).upper()} {u.name.upper()}"]
        elif u.level == "district":
            left = [
                f"ĐẢNG BỘ {_place(_prov_unit(u)).upper()}",
                f"{_party_body(u).upper()} {_shown(u.name).upper()}",
            ]
        else:
            district = Unit("district", u.district or "", u.district_kind or "Huyện")
            left = [f"ĐẢNG BỘ {_place(district).upper()}"]
            left.append(f"ĐẢNG ỦY {_place(u).upper()}")
        right = "ĐẢNG CỘNG SẢN VIỆT NAM"
    else:
        if p.organ == "state":
            left = ["ỦY BAN NHÂN DÂN", _place(u).upper()]
        elif p.organ == "front":
            left = ["ỦY BAN MTTQ VIỆT NAM", _place(u).upper(), "BAN THƯỜNG TRỰC"]
        else:
            left = [f"{_MASS[p.organ].upper()} {_place(u).upper()}"]
        right = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    lines = [f"{left[0]:<44}{right}"]
    sub = "Độc lập - Tự do - Hạnh phúc" if right.startswith("CỘNG") else ""
    for i, x in enumerate(left[1:] + ["*" if p.organ == "party" else "-----"]):
        lines.append(f"{x:<44}{sub if i == 0 else ''}")
    lines.append(f"{so}{shown:<36}{dateline}")
    return "\n".join(lines) + "\n\n"


def _names_province(u: Unit, header: str) -> bool:
    """Whether the header names the unit's province ("ĐẢNG BỘ TỈNH BẮC KẠN")."""
    return _prints(header, _place(_prov_unit(u)))


def _prints(header: str, place: str) -> bool:
    """Whether ``header`` prints ``place`` as words of its own ("QUẬN 1" is not in "QUẬN 10")."""
    return re.search(rf"(?<!\w){re.escape(place.upper())}(?!\w)", header.upper()) is not None


def _place_needs_province(u: Unit, header: str = "") -> bool:
    """Whether what the text prints of its own unit leaves the unit open: its name and kind,
    and the district or province its ``header`` names ("ĐẢNG BỘ HUYỆN CHÂU THÀNH"). "huyện
    Châu Thành" is in ten provinces; "xã Phú Hữu" under "ĐẢNG BỘ HUYỆN CHÂU THÀNH" is in
    Đồng Tháp and in Hậu Giang; "Phường 2" under a header that names no district is in
    dozens of towns. Such a plan must name a provincial plan in a chain (see :func:`ref_text`)."""
    from ingest.places import base_name, gazetteer
    from ingest.text import fold

    g = gazetteer()
    if u.level == "district":
        same = [d for d in g.districts_named(_shown(u.name)) if d.kind == u.kind]
        places = {(d.province, d.name) for d in same}
    elif u.level == "commune":
        same = [c for c in g.communes_named(_shown(u.name)) if c.kind == u.kind]
        district = Unit("district", u.district or "", u.district_kind or "Huyện")
        if header and _prints(header, _place(district)):
            same = [c for c in same if fold(base_name(c.district)) == fold(_shown(u.district))]
        places = {(c.province, c.district) for c in same}
    else:
        return False
    if header and _names_province(u, header):
        places = {(p, d) for p, d in places if p == u.province}
    return len(places) > 1


def _prov_unit(u: Unit) -> Unit:
    from ingest.places import gazetteer

    pv = gazetteer().province(u.province)
    kind = pv.kind if pv else "Tỉnh"
    return Unit("province", u.province or "", kind, province=u.province)


_VERBS_TITLE = ("Thực hiện", "Triển khai thực hiện", "thực hiện", "triển khai thực hiện")


def _title(p: Plan, rng: random.Random) -> str:
    u = p.unit
    verb = rng.choice(_VERBS_TITLE)
    t = f"{verb} {_kl70(rng) if rng.random() < 0.8 else _kl70(rng, full=False) + ' ' + KL70_TITLE}"
    if p.annual:
        t += f" năm {p.annual}"
    # A blank-numbered plan's id hashes its title: a commune one must name its place to stay apart.
    if (u.level != "commune" and rng.random() < 0.35) or (p.blank_number and u.level == "commune"):
        t += f" trên địa bàn {_place(u)}"
    return t


def _preamble(p: Plan, rng: random.Random, reach: bool = False) -> str:
    """ "Thực hiện …; … , <subject> xây dựng Kế hoạch thực hiện như sau:" in its variants."""
    refs = [ref_text(q, p, rng, reach=reach) for q in p.implements]
    if len(refs) > 1 and rng.random() < 0.5:
        rng.shuffle(refs)
    subject = _subject(p, rng)
    basis = ""
    if rng.random() < 0.3:
        basis = rng.choice(
            (
                "Căn cứ Luật Thể dục, thể thao năm 2006 (sửa đổi, bổ sung năm 2018);",
                "Căn cứ Quyết định số 2198/QĐ-TTg ngày 03/12/2010 của Thủ tướng Chính phủ phê duyệt "
                "Đề án tổng thể phát triển thể lực, tầm vóc người Việt Nam giai đoạn 2011 - 2030;",
                f"Căn cứ Kế hoạch số {rng.randint(10, 300)}/KH-UBND ngày {rng.randint(1, 28)}/"
                f"{rng.randint(1, 12)}/2022 của UBND {_place(p.unit)} về phát triển phong trào thể dục "
                f"thể thao quần chúng giai đoạn 2022 - 2030;",
            )
        )
    style = rng.random()
    what = "Kế hoạch" + (f" thực hiện năm {p.annual}" if p.annual else " thực hiện")
    if style < 0.35:
        body = f"Thực hiện {'; '.join(refs)}, {subject} xây dựng {what} như sau:"
    elif style < 0.55:
        body = f"Triển khai {'; '.join(refs)}; {subject} ban hành {what}, cụ thể như sau:"
    elif style < 0.75:
        body = f"Để cụ thể hóa {' và '.join(refs)}, {subject} xây dựng {what} như sau:"
    else:  # one sentence per reference, as lists in seed 001
        sents = [f"Thực hiện {r};" for r in refs]
        body = "\n".join(sents) + f"\n{subject} xây dựng {what}, cụ thể như sau:"
    return (basis + "\n\n" if basis else "") + body


_PURPOSE = (
    "Quán triệt sâu sắc, cụ thể hóa và triển khai thực hiện đầy đủ, kịp thời, hiệu quả các nhiệm vụ "
    "trọng tâm đã đề ra tại {kl}, nâng cao nhận thức, trách nhiệm của các cấp ủy, tổ chức đảng, chính "
    "quyền, Mặt trận Tổ quốc, các tổ chức chính trị - xã hội, cán bộ, đảng viên và Nhân dân về vai trò "
    "của thể dục, thể thao trong giai đoạn mới.",
    "Việc tổ chức triển khai thực hiện {kl} và {parent} phải nghiêm túc, thiết thực, hiệu quả, đồng bộ "
    "từ {lvl} đến cơ sở; thường xuyên kiểm tra, giám sát, định kỳ sơ kết, tổng kết, báo cáo theo quy định.",
)
_TASKS = (
    "Đẩy mạnh công tác thông tin, tuyên truyền về các nhiệm vụ, giải pháp của {parent} và các nội dung "
    "của {kl}; nâng cao chất lượng cuộc vận động “{c0}”, phong trào “{c1}”.",
    "Khuyến khích phát triển thể dục, thể thao quần chúng, tạo cơ hội cho mọi người dân được tham gia "
    "hoạt động tập luyện, biểu diễn, thi đấu để nâng cao sức khỏe, phòng bệnh, vui chơi, giải trí; xây "
    "dựng các công trình thể thao công cộng ở khu dân cư.",
    "Đổi mới, nâng cao chất lượng giáo dục thể chất và thể thao trong nhà trường; quan tâm đầu tư cơ sở "
    "vật chất, giáo viên cho các cấp học; tổ chức các giải thi đấu thể thao cấp {lvl} hằng năm.",
    "Tăng cường huy động các nguồn lực cho sự nghiệp thể dục, thể thao; đẩy mạnh xã hội hóa, thúc đẩy "
    "hợp tác công - tư, khuyến khích doanh nghiệp, tổ chức, cá nhân đầu tư xây dựng cơ sở thể thao.",
)
_TARGETS = (
    "Phấn đấu đến năm 2030, số người tham gia tập luyện thể dục, thể thao thường xuyên đạt trên {a}% dân số; "
    "số gia đình luyện tập thể dục, thể thao đạt trên {b}% tổng số hộ.",
    "Phấn đấu đến năm 2030 tỷ lệ học sinh được đánh giá và phân loại thể lực theo tiêu chuẩn rèn luyện "
    "thân thể đạt từ {c}% trở lên.",
    "Đến năm 2030, số cán bộ, công chức, viên chức và người lao động tham gia luyện tập thể dục, thể thao "
    "thường xuyên đạt tỷ lệ trên {a}%.",
)


def _lvl_word(u: Unit) -> str:
    return {"province": "tỉnh", "district": "huyện", "commune": "xã"}.get(u.level, "tỉnh")


def _recipients(p: Plan, rng: random.Random) -> list[str]:
    u = p.unit
    up = {"province": "Ban Tuyên giáo Trung ương", "district": "Thường trực Tỉnh ủy"}.get(
        u.level, "Thường trực Huyện ủy"
    )
    items = [f"{up} (báo cáo)", f"Ban Tuyên giáo {'Tỉnh' if u.level == 'province' else 'Huyện'} ủy (báo cáo)"]
    if p.organ == "party":
        items += [
            f"Các đồng chí {_party_body(u)} viên",
            f"UBND {_lvl_word(u)}",
            "Các tổ chức cơ sở đảng trực thuộc",
        ]
    elif p.organ == "state":
        items += ["Thường trực HĐND", f"Các phòng, ban, ngành {_lvl_word(u)}", "Các xã, phường, thị trấn"]
    else:
        items += [f"BTT Ủy ban MTTQ VN {_lvl_word(u)}", "Các tổ chức thành viên"]
    items.append(f"Lưu: {rng.choice(('VT', 'Văn phòng', 'VP'))}")
    end = rng.choice((";", ",", ""))
    return [f"- {x}{end}" for x in items[:-1]] + [f"- {items[-1]}."]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"


def _signature(p: Plan, rng: random.Random) -> str:
    if p.organ == "party":
        head, title = "T/M BAN THƯỜNG VỤ", rng.choice(("BÍ THƯ", "PHÓ BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC"))
    elif p.organ == "state":
        head, title = "TM. ỦY BAN NHÂN DÂN", rng.choice(("CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"))
    else:
        head, title = "TM. BAN THƯỜNG TRỰC", rng.choice(("CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
    signed = "\n(Đã ký)\n" if rng.random() < 0.3 else "\n\n"
    return f"{head}\n{title}\n{signed}\n{_name(rng)}\n"


def render(p: Plan, rng: random.Random) -> str:
    """The text of one plan (see the module docstring for the constructions)."""
    if p.level == "central":
        return _render_central()
    u = p.unit
    parent = p.implements[0]
    parent_short = "Kết luận số 70-KL/TW" if parent.level == "central" else f"Kế hoạch số {parent.number}"
    fill = {
        "kl": "Kết luận số 70-KL/TW",
        "parent": parent_short,
        "lvl": _lvl_word(u),
        "c0": CAMPAIGNS[0],
        "c1": rng.choice(CAMPAIGNS[1:]),
        "a": rng.randint(35, 60),
        "b": rng.randint(25, 40),
        "c": rng.randint(85, 98),
    }
    header = _header(p, rng)
    out = [header]
    title = _title(p, rng)
    out.append("KẾ HOẠCH\n" + (title if rng.random() < 0.7 else _wrap_title(title)) + "\n-----\n")
    out.append(_preamble(p, rng, reach=_place_needs_province(u, header)))
    out.append("I. MỤC ĐÍCH, YÊU CẦU")
    out += [s.format(**fill) for s in _PURPOSE]
    out.append("II. MỤC TIÊU")
    out.append(rng.choice(_TARGETS).format(**fill))
    out.append("III. NHIỆM VỤ, GIẢI PHÁP")
    tasks = rng.sample(_TASKS, k=rng.randint(2, len(_TASKS)))
    out += [f"{i}. {s.format(**fill)}" for i, s in enumerate(tasks, 1)]
    out.append("IV. TỔ CHỨC THỰC HIỆN")
    out.append(
        f"Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ thể, định kỳ báo cáo kết quả về "
        f"{_subject(p, rng)} để tổng hợp báo cáo theo quy định."
    )
    if rng.random() < 0.6:
        out.append(
            f"Trên đây là Kế hoạch triển khai thực hiện Kết luận số 70-KL/TW của {issuer_name(p, rng)}/."
        )
    out.append("Nơi nhận:\n" + "\n".join(_recipients(p, rng)))
    out.append(_signature(p, rng))
    text = "\n\n".join(out) if rng.random() < 0.5 else "\n".join(out)
    r = rng.random()
    if r < 0.06:
        text = _pdf_breaks(text, rng)
    if rng.random() < 0.12:
        text = text.replace("ủy", "uỷ").replace("hóa", "hoá").replace("Ủy", "Uỷ")
    if rng.random() < 0.03:
        text = unicodedata.normalize("NFD", text)
    return text


def _wrap_title(title: str) -> str:
    words = title.split()
    cut = max(4, len(words) // 2)
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _pdf_breaks(text: str, rng: random.Random) -> str:
    """PDF-style: lines cut at ~80 columns with a blank line between them (seed 002)."""
    out: list[str] = []
    width = rng.randint(72, 90)
    for para in text.split("\n"):
        if len(para) <= width:
            out.append(" " + para + " ")
            continue
        line = ""
        for w in para.split(" "):
            if line and len(line) + 1 + len(w) > width:
                out.append(" " + line + " ")
                line = w
            else:
                line = f"{line} {w}" if line else w
        if line:
            out.append(" " + line + " ")
    return "\n\n".join(out)


def _render_central() -> str:
    return (
        "BAN CHẤP HÀNH TRUNG ƯƠNG                    ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "*\n"
        "Số 70-KL/TW                                 Hà Nội, ngày 31 tháng 01 năm 2024\n\n"
        "KẾT LUẬN\n"
        "CỦA BỘ CHÍNH TRỊ\n"
        f"{KL70_TITLE}\n-----\n\n"
        "Bộ Chính trị kết luận như sau:\n\n"
        "1. Các cấp ủy, tổ chức đảng, chính quyền, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội "
        "nâng cao nhận thức, trách nhiệm về phát triển thể dục, thể thao.\n\n"
        "2. Phấn đấu đến năm 2030, số người tập luyện thể dục, thể thao thường xuyên đạt trên 45%.\n\n"
        "Nơi nhận:\n- Các tỉnh ủy, thành ủy,\n- Các ban đảng Trung ương,\n"
        "- Lưu Văn phòng Trung ương Đảng.\n\n"
        "T/M BỘ CHÍNH TRỊ\n\n\nTrương Thị Mai\n"
    )


# -- the entry point ----------------------------------------------------------------
def generate(
    n: int = 100_000,
    seed: int = 0,
    out_dir: str | Path = "synth",
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Write ``n`` plan files and ``expected.jsonl`` into ``out_dir``; see the module docstring."""
    t0 = time.perf_counter()
    if n < 1:
        raise ValueError("n must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plans = build_plans(n, seed)
    memo: dict[int, set[int]] = {}
    width = max(6, len(str(len(plans))))
    total = 0
    by_level: Counter[str] = Counter()
    by_system: Counter[str] = Counter()
    rng = random.Random(f"{seed}:text")
    with (out / "expected.jsonl").open("w", encoding="utf-8") as ex:
        for p in plans:
            u = p.unit
            slug = _slug(u.name)
            p.file = f"{p.idx:0{width}d}_{u.level}_{p.organ}_{slug}.txt"
            data = render(p, rng).encode("utf-8")
            (out / p.file).write_bytes(data)
            total += len(data)
            by_level[u.level] += 1
            by_system[p.system] += 1
            line = {
                "file": p.file,
                "doc": describe(p),
                "parents": [describe(q) for q in expected_parents(p, memo)],
            }
            ex.write(json.dumps(line, ensure_ascii=False) + "\n")
            if progress and p.idx % 5000 == 0:
                progress(p.idx)
    return Summary(
        n=len(plans),
        out_dir=str(out),
        by_level=dict(by_level),
        by_system=dict(by_system),
        seconds=time.perf_counter() - t0,
        bytes=total,
    )


def _slug(name: str) -> str:
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in s).split())


def main(argv: list[str] | None = None) -> int:
    """``python -m lineage.synth --plans N --seed S --out DIR`` (the CLI's ``synth`` does the same)."""
    import argparse

    ap = argparse.ArgumentParser(prog="lineage synth", description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    s = generate(a.plans, a.seed, a.out)
    print(f"wrote {s.n} plans ({s.bytes / 1e6:.1f} MB) to {s.out_dir} in {s.seconds:.1f}s: {s.by_level}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
