"""The header block of a plan: the organ in capitals (left column), the national motto, number, place, date.

Reads: a :class:`~bench.synth.model.Plan` and the text's random stream. Returns:
:func:`header`, the block as the top of a scan prints it: "ĐẢNG BỘ TỈNH BẮC KẠN /
HUYỆN ỦY BẠCH THÔNG" beside "ĐẢNG CỘNG SẢN VIỆT NAM", "Số: 241-KH/TU" beside
"Bắc Kạn, ngày 05 tháng 3 năm 2024"; sometimes no organ at all, a blank number
("Số:   /KH-UBND") where the plan was never cited.

Why its own module: what the header prints decides whether the rest of the
text must name the unit's province (:func:`bench.synth.places.place_needs_province`),
so the rendering draws it first and reads it back.
"""

from __future__ import annotations

import random

from bench.synth.issuers import party_body
from bench.synth.model import Plan, Unit
from bench.synth.names import MASS
from bench.synth.places import place, prov_unit, shown
from bench.synth.refs import fmt_number

__all__ = ["header"]


def header(p: Plan, rng: random.Random) -> str:
    """The header block: organ in capitals (left column), number, place and date."""
    u = p.unit
    num = p.number or ""
    if p.blank_number:
        sym = num.split("-", 1)[1] if "-KH" in num else num.split("/", 1)[1]
        printed = f"{' ' * rng.randint(1, 6)}{'-' if '-KH' in num else '/'}{sym}"
    else:
        printed = " " + fmt_number(num, rng)
    d = p.doc_date
    day = "   " if p.blank_number or p.precision != "day" else f"{d.day:02d}"
    month = f"{d.month:02d}" if rng.random() < 0.5 else str(d.month)
    if p.precision == "year":
        month = "  "
    town = shown(u.name) if u.level != "commune" else shown(rng.choice((u.name, u.district or u.name)))
    if u.level == "province" and rng.random() < 0.2:
        town = f"TP. {u.name}" if u.kind == "Tỉnh" and rng.random() < 0.3 else u.name
    so = rng.choice(("Số:", "Số", "Số:"))
    dateline = f"{town}, ngày {day} tháng {month} năm {d.year}"
    style = rng.random()
    if style < 0.15:  # no organ header (seed 000 / 004)
        return f"\n\n{so}{printed} {dateline}\n\n"
    if p.organ == "party":
        if u.level == "province":
            left = [f"{party_body(u).upper()} {u.name.upper()}"]
        elif u.level == "district":
            left = [
                f"ĐẢNG BỘ {place(prov_unit(u)).upper()}",
                f"{party_body(u).upper()} {shown(u.name).upper()}",
            ]
        else:
            district = Unit("district", u.district or "", u.district_kind or "Huyện")
            left = [f"ĐẢNG BỘ {place(district).upper()}"]
            left.append(f"ĐẢNG ỦY {place(u).upper()}")
        right = "ĐẢNG CỘNG SẢN VIỆT NAM"
    else:
        if p.organ == "state":
            left = ["ỦY BAN NHÂN DÂN", place(u).upper()]
        elif p.organ == "front":
            left = ["ỦY BAN MTTQ VIỆT NAM", place(u).upper(), "BAN THƯỜNG TRỰC"]
        else:
            left = [f"{MASS[p.organ].upper()} {place(u).upper()}"]
        right = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    lines = [f"{left[0]:<44}{right}"]
    sub = "Độc lập - Tự do - Hạnh phúc" if right.startswith("CỘNG") else ""
    for i, x in enumerate(left[1:] + ["*" if p.organ == "party" else "-----"]):
        lines.append(f"{x:<44}{sub if i == 0 else ''}")
    lines.append(f"{so}{printed:<36}{dateline}")
    return "\n".join(lines) + "\n\n"
