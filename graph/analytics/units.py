"""The units expected to carry out a plan: from the administrative map and from its recipients.

Reads: the gazetteer's dataset (``vietnamadminunits``, offline: the 63 provinces,
~700 district-level units and ~10,000 communes in force before July 2025, with
their coordinates), a plan's summary (issuer level, system, place) and its
recipients as printed ("Nơi nhận", "Kính gửi"). Returns: :class:`Unit` values
(a place and a system: "Huyện ủy Ba Bể" is the district Ba Bể, Party) with their
coordinates and where the expectation came from, and :func:`unit_key`, the key a
document's issuer and an expected unit share.

The rule (:func:`expected_units`):

- a central document: each province × Party / State / Front (with ``province``:
  the district-level units of that province, for the drill-down; for any other
  plan ``province`` only narrows the units to those in that province);
- a provincial plan of the province's own committee of system S (Tỉnh ủy / Thành
  ủy, UBND or HĐND, Ủy ban MTTQ): each district-level unit of the province, system
  S; a district-level plan likewise: each commune of the district. A department
  (Sở, Phòng, a Party board, a Khối) or a mass organisation has no territory of
  its own: only its recipients;
- the recipients that name a unit with its place ("Huyện ủy Chợ Đồn", "UBND
  huyện Na Rì"), of the Party, State or Front, at the plan's level or below,
  other than the issuer's own unit. A recipient with no place ("UBND tỉnh",
  "Các huyện ủy, thành ủy") names a kind, not a unit: the map already expects
  those, and a report line ("(báo cáo)") goes up, not down.

Why the issuer's place as the graph states it: it is the place "as of the
document's date" the extractor resolved, with the gazetteer's 2024 names; the
same names key the map here, so a plan and its expected units meet by name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from graph.errors import LineageError
from graph.identity import key_of_id
from ingest.model import Issuer
from ingest.organs import find_organs, to_issuer
from ingest.places import base_name, name_in_2024
from ingest.text import fold, normalize

__all__ = [
    "LEVEL_RANK",
    "PARTS",
    "TERRITORIAL",
    "AdminMap",
    "BadParameter",
    "Place",
    "Unit",
    "UnitKey",
    "admin_map",
    "FORMS",
    "expected_units",
    "issuer_key",
    "loose",
    "reform",
    "spelled",
    "untoned",
    "recipient_units",
    "unit_key",
]

PARTS = ("party", "state", "front")
LEVEL_RANK = {"central": 0, "province": 1, "district": 2, "commune": 3}
# The organs that stand for a territory's committee of their system (identity body slugs).
TERRITORIAL = frozenset(
    {"tinh-uy", "thanh-uy", "huyen-uy", "quan-uy", "thi-uy", "dang-uy", "ubnd", "hdnd", "mttq"}
)
UnitKey = tuple[str, str, str, str, str]


class BadParameter(LineageError, ValueError):
    """A parameter an analysis cannot answer for (the API answers 422, the CLI one line)."""


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_REPORT = re.compile(r"\(\s*(?:để\s+)?(?:báo\s*cáo|b/c|bc)\s*\)|\bđể\s+báo\s+cáo\b", re.IGNORECASE)


@lru_cache(maxsize=65536)  # the same place names come back for every document
def spelled(name: str) -> str:
    """A place name as spelt (NFC, modern tones, lower case, hyphens as spaces): "Vĩnh Hùng" and
    "Vĩnh Hưng" are two communes of one district, and so are "Hoằng Phụ" and "Hoằng Phú"."""
    return " ".join(normalize(name).lower().replace("-", " ").replace("–", " ").split())


@lru_cache(maxsize=65536)
def untoned(name: str) -> str:
    """:func:`spelled` without the five tone marks: a text may print "Đắk" where the map has
    "Đăk"; the vowel shapes (ư, ơ, â) and đ stay."""
    nfd = unicodedata.normalize("NFD", spelled(name)).translate(_TONE_MARKS)
    return unicodedata.normalize("NFC", nfd)


@lru_cache(maxsize=65536)
def loose(name: str) -> str:
    """The name as printed without the dataset's kind ("Long Mỹ (Huyện)" -> "long my"), folded."""
    return fold(base_name(name))


# From the most exact to the loosest; a unit is found by a looser form only when no other
# expected unit shares that form.
FORMS: tuple[Callable[[str], str], ...] = (spelled, untoned, fold, loose)


def unit_key(
    level: str | None,
    province: str | None,
    district: str | None,
    commune: str | None,
    system: str | None,
    form: Callable[[str], str] = spelled,
) -> UnitKey:
    """The key an issuer and an expected unit share: level, places (in ``form``) and system."""
    return (
        level or "",
        form(province) if province else "",
        form(district) if district and level in ("district", "commune") else "",
        form(commune) if commune and level == "commune" else "",
        system or "",
    )


def reform(key: UnitKey, form: Callable[[str], str]) -> UnitKey:
    """A :func:`spelled` key in another form."""
    level, p, d, c, system = key
    return (level, form(p) if p else "", form(d) if d else "", form(c) if c else "", system)


@dataclass(frozen=True, slots=True)
class Place:
    """A unit of the map: its level, the dataset's name and kind, where it lies, its centre."""

    level: str
    name: str
    kind: str  # "Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn"
    province: str
    district: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def printed(self) -> str:
        """The place as running text prints it: "tỉnh Bắc Kạn", "huyện Ba Bể", "Quận 6"."""
        name, word = base_name(self.name), self.kind.lower()
        return name if name.lower().startswith(word + " ") else f"{word} {name}"


@dataclass(frozen=True)
class AdminMap:
    """Provinces, the district-level units of each province and the communes of each district,
    in the dataset's order, looked up by folded name."""

    provinces: tuple[Place, ...]
    districts: Mapping[str, tuple[Place, ...]]
    communes: Mapping[tuple[str, str], tuple[Place, ...]]

    def province(self, name: str | None) -> Place | None:
        k = fold(name) if name else ""
        return next((p for p in self.provinces if fold(p.name) == k), None)

    def districts_of(self, province: str | None) -> tuple[Place, ...]:
        return self.districts.get(fold(province or ""), ())

    def communes_of(self, province: str | None, district: str | None) -> tuple[Place, ...]:
        return self.communes.get((fold(province or ""), fold(district or "")), ())

    def find(
        self, level: str, province: str | None, district: str | None, commune: str | None
    ) -> Place | None:
        """The unit of that level and places: by the dataset's name, else by the name as printed
        ("Long Mỹ" for "Long Mỹ (Huyện)") when only one unit there bears it."""
        if level == "province":
            return self.province(province)
        if level == "district":
            pool, name = self.districts_of(province), district
        elif level == "commune":
            pool, name = self.communes_of(province, district), commune
        else:
            return None
        for form in FORMS:
            k = form(name or "")
            found = [p for p in pool if form(p.name) == k]
            if found:
                return found[0] if len(found) == 1 else None
        return None


@cache
def admin_map() -> AdminMap:
    """The map of 2024 (before the July 2025 reform), read once per process: it is static data."""
    from vietnamadminunits.database import query

    rows = query(
        "SELECT province, provinceShort, provinceLat, provinceLon, districtShort, districtType,"
        " districtLat, districtLon, wardShort, wardType, wardLat, wardLon"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    provinces: dict[str, Place] = {}
    districts: dict[str, dict[str, Place]] = {}
    communes: dict[tuple[str, str], list[Place]] = {}
    for r in rows:
        p = name_in_2024(r["provinceShort"])  # Thừa Thiên Huế, as the documents of 2024 name it
        pk = fold(p)
        if pk not in provinces:
            city = r["province"].startswith("Thành phố") and p == r["provinceShort"]
            kind = "Thành phố" if city else "Tỉnh"
            provinces[pk] = Place("province", p, kind, p, None, r["provinceLat"], r["provinceLon"])
        d = r["districtShort"]
        ds = districts.setdefault(pk, {})
        if d not in ds:
            ds[d] = Place("district", d, r["districtType"], p, d, r["districtLat"], r["districtLon"])
        if r["wardShort"] and r["wardType"]:
            communes.setdefault((pk, fold(d)), []).append(
                Place("commune", r["wardShort"], r["wardType"], p, d, r["wardLat"], r["wardLon"])
            )
    return AdminMap(
        tuple(provinces.values()),
        {k: tuple(v.values()) for k, v in districts.items()},
        {k: tuple(v) for k, v in communes.items()},
    )


_PARTY_BODY = {"tỉnh": "Tỉnh ủy", "huyện": "Huyện ủy", "quận": "Quận ủy", "thị xã": "Thị ủy"}


@dataclass
class Unit:
    """A unit expected to carry out a plan: a place and a system, and why it is expected."""

    place: Place
    system: str
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> UnitKey:
        p = self.place
        commune = p.name if p.level == "commune" else None
        return unit_key(p.level, p.province, p.district, commune, self.system)

    @property
    def name(self) -> str:
        """The unit's committee as documents name it: "Huyện ủy Ba Bể", "UBND huyện Ba Bể",
        "Ủy ban MTTQ huyện Ba Bể", "Đảng ủy xã Hoành Mô"."""
        p, word = self.place, self.place.kind.lower()
        if self.system == "party":
            if p.level == "commune":
                return f"Đảng ủy {p.printed}"
            return f"{_PARTY_BODY.get(word, 'Thành ủy')} {base_name(p.name)}"
        return f"{'UBND' if self.system == 'state' else 'Ủy ban MTTQ'} {p.printed}"

    def row(self) -> dict[str, Any]:
        """The unit's fields in an answer (the interface's ``name``, ``province``, ``district``,
        ``level``, ``system``, and ``commune``, ``place``, ``lat``, ``lon``, ``source``)."""
        p = self.place
        return {
            "name": self.name,
            "place": p.printed,
            "level": p.level,
            "system": self.system,
            "province": p.province,
            "district": p.district if p.level in ("district", "commune") else None,
            "commune": p.name if p.level == "commune" else None,
            "lat": p.lat,
            "lon": p.lon,
            "source": list(self.sources),
        }


def _issuer(summary: Mapping[str, Any]) -> dict[str, Any]:
    return dict(summary.get("issuer") or {})


def _organ(pid: str) -> str | None:
    try:
        return key_of_id(pid).body
    except ValueError:
        return None


def issuer_key(iss: Mapping[str, Any]) -> UnitKey:
    """The unit key of an issuer as a summary states it."""
    return unit_key(
        iss.get("level"), iss.get("province"), iss.get("district"), iss.get("commune"), iss.get("system")
    )


def recipient_units(summary: Mapping[str, Any], recipients: Iterable[str]) -> list[Unit]:
    """The units the recipients name with their place (see the module docstring), in order."""
    iss = _issuer(summary)
    rank = LEVEL_RANK.get(iss.get("level") or "", 0)
    context = Issuer(
        name=iss.get("name"),
        system=iss.get("system"),
        level=iss.get("level"),
        province=iss.get("province"),
        district=iss.get("district"),
        commune=iss.get("commune"),
    )
    amap, own, out = admin_map(), issuer_key(iss), {}
    for line in recipients:
        text = normalize(line or "")
        if not text or _REPORT.search(text):
            continue
        for om in find_organs(text):
            if not om.place or om.system not in PARTS:
                continue
            who, _ctx = to_issuer(om, context)
            level = who.level or ""
            if LEVEL_RANK.get(level, 0) < max(rank, 1):
                continue
            place = amap.find(level, who.province, who.district, who.commune)
            if place is None:
                continue
            u = Unit(place, om.system, ["recipients"])
            if u.key != own:
                out.setdefault(u.key, u)
    return list(out.values())


def expected_units(
    pid: str,
    summary: Mapping[str, Any],
    recipients: Iterable[str] = (),
    province: str | None = None,
    system: str | None = None,
) -> list[Unit]:
    """The units expected to carry out the plan ``pid`` (see the module docstring), map units
    first in the map's order, then units only the recipients name; ``system`` keeps one system.
    ``province`` drills a central document down to that province's district-level units, and
    keeps only the units in that province for any other plan; a province the 2024 map does not
    know keeps none (a filter that matches nothing, not an error)."""
    iss, amap = _issuer(summary), admin_map()
    level, sys_, organ = iss.get("level"), iss.get("system"), _organ(pid)
    if system is not None and system not in PARTS:
        raise BadParameter(f"system must be one of {', '.join(PARTS)}, not {system!r}")
    found = amap.province(province) if province else None
    if province and found is None:
        return []  # a province the map does not know narrows the units to none
    province = found.name if found else None
    places: tuple[Place, ...] = ()
    systems: tuple[str, ...] = ()
    if level == "central":
        places = amap.districts_of(province) if province else amap.provinces
        systems = PARTS
    elif sys_ in PARTS and organ in TERRITORIAL:
        systems = (sys_,)
        if level == "province":
            places = amap.districts_of(iss.get("province"))
        elif level == "district":
            places = amap.communes_of(iss.get("province"), iss.get("district"))
    units: dict[UnitKey, Unit] = {}
    for p in places:
        for s in systems:
            u = Unit(p, s, ["gazetteer"])
            units[u.key] = u
    if not (level == "central" and province):
        for u in recipient_units(summary, recipients):
            if u.key in units:
                units[u.key].sources.append("recipients")
            else:
                units[u.key] = u
    return [
        u
        for u in units.values()
        if (system is None or u.system == system) and (province is None or u.place.province == province)
    ]
