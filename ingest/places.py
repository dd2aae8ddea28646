"""Places: Vietnamese administrative units, from a maintained gazetteer.

Reads: the 63-province (pre-July-2025) units and their 2025 successors shipped
inside the ``vietnamadminunits`` package (offline). Returns: :class:`Gazetteer`
lookups by name, diacritics- and tone-form-insensitive.

Why not a hand list: plans name districts without their province ("Huyện ủy
Bác Ái"), and the 2025 reform merged provinces (Bắc Kạn -> Thái Nguyên); a
researcher needs both the unit as of the document's date and today's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.text import fold


@dataclass(frozen=True, slots=True)
class Province:
    name: str  # short official name: "Bắc Kạn", "Hà Nội"
    kind: str  # "Tỉnh" or "Thành phố" (centrally-run city)
    code: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class District:
    name: str  # short name: "Bác Ái", "Từ Sơn", "Bắc Kạn"
    kind: str  # "Huyện", "Quận", "Thị xã", "Thành phố"
    province: str
    code: str


@dataclass(frozen=True, slots=True)
class Commune:
    name: str  # short name: "Hoành Mô", "Chiềng Lề"
    kind: str  # "Xã", "Phường", "Thị trấn"
    district: str
    province: str


# The dataset names some 2024 units by their 2025 names; the documents we read use the
# names in force when they were written (Thừa Thiên Huế became the city of Huế on 1/1/2025).
_LEGACY_NAMES = {"Huế": "Thừa Thiên Huế"}

# Unit-type words as they appear before a name, folded.
PROVINCE_WORDS = ("tinh", "thanh pho", "tp")
DISTRICT_WORDS = ("huyen", "quan", "thi xa", "thanh pho", "tp")


class Gazetteer:
    """Name lookups over the 63 provinces and ~700 districts of 2024."""

    def __init__(self) -> None:
        # Imported here, not with the module: its 2025 parser costs a third of a second,
        # and serving (which imports the record model beside this) never looks a name up.
        from vietnamadminunits.database import query

        rows = query(
            "SELECT DISTINCT provinceShort, province, provinceCode, provinceLat, provinceLon,"
            " districtShort, districtType, districtCode, wardShort, wardType FROM admin_units_legacy"
        )
        self.provinces: dict[str, Province] = {}
        self.districts: dict[str, list[District]] = {}
        self.communes: dict[str, list[Commune]] = {}
        for r in rows:
            renamed = r["provinceShort"] in _LEGACY_NAMES
            r = {**r, "provinceShort": _LEGACY_NAMES.get(r["provinceShort"], r["provinceShort"])}
            pkey = fold(r["provinceShort"])
            if pkey not in self.provinces:
                kind = "Thành phố" if r["province"].startswith("Thành phố") and not renamed else "Tỉnh"
                self.provinces[pkey] = Province(
                    r["provinceShort"], kind, r["provinceCode"], r["provinceLat"], r["provinceLon"]
                )
            d = District(r["districtShort"], r["districtType"], r["provinceShort"], r["districtCode"])
            for key in {fold(d.name), fold(base_name(d.name))}:  # "Long Mỹ (Huyện)" is printed "Long Mỹ"
                bucket = self.districts.setdefault(key, [])
                if d not in bucket:
                    bucket.append(d)
            if r["wardShort"]:
                c = Commune(r["wardShort"], r["wardType"], r["districtShort"], r["provinceShort"])
                for key in {fold(c.name), fold(base_name(c.name))}:
                    self.communes.setdefault(key, []).append(c)
        for new, old in _LEGACY_NAMES.items():  # the 2025 name still finds the 2024 unit
            if fold(old) in self.provinces:
                self.provinces.setdefault(fold(new), self.provinces[fold(old)])
        self._max_words = max(len(k.split()) for k in [*self.provinces, *self.districts, *self.communes])
        # Lookups by name are pure and come back in every document: cached (as tuples;
        # callers get lists of their own).
        self._leading_place = lru_cache(maxsize=32768)(self._leading_place_uncached)
        self._districts_named = lru_cache(maxsize=16384)(self._districts_named_uncached)
        self._communes_named = lru_cache(maxsize=16384)(self._communes_named_uncached)

    def province(self, name: str | None) -> Province | None:
        """The province called ``name`` ("Bắc Kạn", "tỉnh Bắc Kạn", "TP. Hà Nội")."""
        if not name:
            return None
        key = _strip_unit_word(fold(name), PROVINCE_WORDS)
        return self.provinces.get(key)

    def districts_named(self, name: str | None, province: str | None = None) -> list[District]:
        """Districts called ``name``, optionally only those of ``province``."""
        if not name:
            return []
        return list(self._districts_named(name, province))

    def _districts_named_uncached(self, name: str, province: str | None) -> tuple[District, ...]:
        key = fold(name)  # "Quận 6" is a name; "huyện Bác Ái" carries its unit word
        found = self.districts.get(key) or self.districts.get(_strip_unit_word(key, DISTRICT_WORDS), [])
        # "Tam Dương" is not "Tam Đường", though both fold to "tam duong"
        exact = [d for d in found if _lower(name) in (_lower(d.name), _lower(base_name(d.name)))]
        exact = exact or [
            d for d in found if _untoned(name) in (_untoned(d.name), _untoned(base_name(d.name)))
        ]
        found = exact or found
        if province:
            pk = fold(province)
            found = [d for d in found if fold(d.province) == pk]
        return tuple(found)

    def district(
        self, name: str | None, province: str | None = None, kind: str | None = None
    ) -> District | None:
        """The one district called ``name`` (in ``province``, of ``kind``), or None if ambiguous."""
        found = self.districts_named(name, province)
        if kind:
            kinded = [d for d in found if fold(d.kind) == fold(kind)]
            found = kinded or found
        return found[0] if len(found) == 1 else None

    def communes_named(
        self, name: str | None, province: str | None = None, district: str | None = None
    ) -> list[Commune]:
        """Communes (xã, phường, thị trấn) called ``name``, narrowed by province and district."""
        if not name:
            return []
        return list(self._communes_named(name, province, district))

    def _communes_named_uncached(
        self, name: str, province: str | None, district: str | None
    ) -> tuple[Commune, ...]:
        key = fold(name)
        found = self.communes.get(key) or self.communes.get(
            _strip_unit_word(key, ("xa", "phuong", "thi tran")), []
        )
        # as for districts: "Tam Đàn" is not "Tam Dân", "Hạ Trung" not "Hà Trung"
        exact = [c for c in found if _lower(name) in (_lower(c.name), _lower(base_name(c.name)))]
        exact = exact or [
            c for c in found if _untoned(name) in (_untoned(c.name), _untoned(base_name(c.name)))
        ]
        found = exact or found
        if province:
            pk = fold(province)
            found = [c for c in found if fold(c.province) == pk]
        if district:
            dk = fold(district)
            found = [c for c in found if fold(c.district) == dk]
        return tuple(found)

    def leading_place(self, words: list[str], communes: bool = False) -> tuple[int, str] | None:
        """The longest run of ``words`` (from the start) that names a province or district
        (or, with ``communes``, a commune: after "xã", "phường", "thị trấn").

        Returns (number of words used, the name as the gazetteer spells it). Cached: the
        same few words follow organ names in every document.
        """
        return self._leading_place(tuple(words), communes)

    def _leading_place_uncached(self, words: tuple[str, ...], communes: bool) -> tuple[int, str] | None:
        for n in range(min(self._max_words, len(words)), 0, -1):
            printed = " ".join(words[:n])
            key = fold(printed)
            names: list[str] = []
            if communes:
                names = [c.name for c in self.communes.get(key, [])]
            else:
                if key in self.provinces:
                    names.append(self.provinces[key].name)
                names += [d.name for d in self.districts.get(key, [])]
            name = _same_spelling(printed, names)
            if name:
                return n, name
        return None

    @cache  # noqa: B019 - one gazetteer per process; the cache is the point
    def current_province(self, province: str | None) -> str | None:
        """The province that ``province`` (a 2024 province) belongs to since July 2025."""
        p = self.province(province)
        if p is None:
            return None
        from vietnamadminunits import convert_address

        modern = {v: k for k, v in _LEGACY_NAMES.items()}.get(p.name, p.name)
        try:
            unit = convert_address(f"{p.kind} {modern}")
        except Exception:  # the converter raises bare Exceptions on unknown input
            return None
        return getattr(unit, "short_province", None) or None


def name_in_2024(province_short: str) -> str:
    """The name a province had in 2024, for a dataset name that is already the 2025 one."""
    return _LEGACY_NAMES.get(province_short, province_short)


@lru_cache(maxsize=16384)  # place names come back in every document
def _lower(s: str) -> str:
    """Lower case NFC with hyphens and spaces as one space: "Bà Rịa - Vũng Tàu" = "bà rịa vũng tàu"."""
    return re.sub(r"[\s\-–]+", " ", unicodedata.normalize("NFC", s).lower()).strip().replace("’", "'")


_KIND_NOTE = re.compile(r"\s*\([^)]*\)$")


@lru_cache(maxsize=16384)
def base_name(name: str) -> str:
    """A unit's name as documents print it: "Long Mỹ (Huyện)" -> "Long Mỹ".

    The dataset tells apart two units of one name in one province by their kind
    ("Long Mỹ (Huyện)", "Long Mỹ (Thị xã)"); documents print the unit word instead
    ("huyện Long Mỹ", "Thị ủy Long Mỹ"). The dataset name stays the identity.
    """
    return _KIND_NOTE.sub("", name)


def _same_spelling(printed: str, names: list[str]) -> str | None:
    """The gazetteer name ``printed`` stands for: the one spelt the same, tones and all.

    Folding merges "Tam Dương"/"Tam Đường" and "Phú Mỹ"/"Phù Mỹ"; a text that
    prints diacritics means the one it prints. Only a text without any (typed in
    plain ASCII) is matched on the folded form alone.
    """
    if not names:
        return None
    for name in names:
        if _lower(name) == _lower(printed):
            return name
    # "Long Mỹ" printed: "Long Mỹ (Huyện)", or when the thị xã shares the name, "Long Mỹ",
    # for the unit word or the organ to choose between them.
    based = list(dict.fromkeys(n for n in names if _lower(base_name(n)) == _lower(printed)))
    if based:
        return based[0] if len(based) == 1 else base_name(based[0])
    # Official data and documents disagree on tone marks at times ("Đăk Glong" / "Đắk
    # Glong"): a single name that differs only in tone marks is the same place.
    toneless = [n for n in names if _untoned(n) == _untoned(printed)]
    if len(toneless) == 1:  # written as the document writes it, cased as the gazetteer
        name = toneless[0]
        if len(name) == len(printed):
            pairs = zip(printed, name, strict=True)
            return "".join(p.upper() if n.isupper() else p.lower() for p, n in pairs)
        return name
    plain = fold(printed) == _lower(printed).replace("-", " ")
    return names[0] if plain else None


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))


@lru_cache(maxsize=16384)
def _untoned(s: str) -> str:
    """Lower case without the five tone marks (vowel shapes and đ are kept)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", _lower(s)).translate(_TONE_MARKS))


def _strip_unit_word(key: str, words: tuple[str, ...]) -> str:
    for w in words:
        if key.startswith(w + " "):
            return key[len(w) + 1 :]
    return key


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (loading takes a few milliseconds, once)."""
    return Gazetteer()
