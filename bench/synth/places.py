"""How a text prints a unit, and whether what it prints places the unit.

Reads: a :class:`~bench.synth.model.Unit`, and for :func:`place_needs_province`
the gazetteer (:mod:`ingest.places`) and the header the text printed. Returns:
the printed forms ("tỉnh Bắc Kạn", "huyện Bác Ái", "Quận 6", "xã Phước Bình"),
the unit's province as a unit, and whether a plan must name its province in a
reference chain for a reader to place it.

Why with the gazetteer: "huyện Châu Thành" is in ten provinces; a generated
plan that a reader could not place would measure the generator, not the
extractor, so the generator asks the same gazetteer the extractor reads.
"""

from __future__ import annotations

import re

from bench.synth.model import Unit
from ingest.places import base_name, gazetteer
from ingest.text import fold

__all__ = ["lvl_word", "place", "place_needs_province", "prints", "prov_unit", "shown", "unit_word"]


def unit_word(u: Unit) -> str:
    """The unit's kind as running text says it: "huyện", "thị xã", "phường"."""
    return u.kind.lower()


def lvl_word(u: Unit) -> str:
    """The level's generic word: "tỉnh", "huyện", "xã" (whatever the unit's own kind)."""
    return {"province": "tỉnh", "district": "huyện", "commune": "xã"}.get(u.level, "tỉnh")


def shown(name: str | None) -> str:
    """A unit's name as documents print it: the dataset tells apart two units of one name
    in one province by their kind ("Long Mỹ (Huyện)", "Long Mỹ (Thị xã)"); documents never
    print that, their unit word ("huyện", "thị xã", "Huyện ủy", "Thị ủy") does it. Every
    syllable starts with a capital ("Đồng Ý", where the dataset has "Đồng ý")."""
    name = re.sub(r"\s*\([^)]*\)$", "", name or "")
    return " ".join(w[:1].upper() + w[1:] for w in name.split(" "))


def place(u: Unit) -> str:
    """ "tỉnh Bắc Kạn", "thành phố Hà Nội", "huyện Bác Ái", "xã Phước Bình"; a numbered unit's
    name holds its unit word already: "Quận 6", "Phường 8" (never "quận Quận 6")."""
    name = shown(u.name)
    if name.lower().startswith(unit_word(u) + " "):
        return name
    return f"{unit_word(u)} {name}"


def prov_unit(u: Unit) -> Unit:
    """The province of ``u`` as a unit of its own, with the gazetteer's kind."""
    pv = gazetteer().province(u.province)
    kind = pv.kind if pv else "Tỉnh"
    return Unit("province", u.province or "", kind, province=u.province)


def prints(header: str, name: str) -> bool:
    """Whether ``header`` prints ``name`` as words of its own ("QUẬN 1" is not in "QUẬN 10")."""
    return re.search(rf"(?<!\w){re.escape(name.upper())}(?!\w)", header.upper()) is not None


def _names_province(u: Unit, header: str) -> bool:
    """Whether the header names the unit's province ("ĐẢNG BỘ TỈNH BẮC KẠN")."""
    return prints(header, place(prov_unit(u)))


def place_needs_province(u: Unit, header: str = "") -> bool:
    """Whether what the text prints of its own unit leaves the unit open: its name and kind,
    and the district or province its ``header`` names ("ĐẢNG BỘ HUYỆN CHÂU THÀNH"). "huyện
    Châu Thành" is in ten provinces; "xã Phú Hữu" under "ĐẢNG BỘ HUYỆN CHÂU THÀNH" is in
    Đồng Tháp and in Hậu Giang; "Phường 2" under a header that names no district is in
    dozens of towns. Such a plan must name a provincial plan in a chain (see
    :func:`bench.synth.refs.ref_text`)."""
    g = gazetteer()
    if u.level == "district":
        same = [d for d in g.districts_named(shown(u.name)) if d.kind == u.kind]
        places = {(d.province, d.name) for d in same}
    elif u.level == "commune":
        same = [c for c in g.communes_named(shown(u.name)) if c.kind == u.kind]
        district = Unit("district", u.district or "", u.district_kind or "Huyện")
        if header and prints(header, place(district)):
            same = [c for c in same if fold(base_name(c.district)) == fold(shown(u.district))]
        places = {(c.province, c.district) for c in same}
    else:
        return False
    if header and _names_province(u, header):
        places = {(p, d) for p, d in places if p == u.province}
    return len(places) > 1
