"""How a text cites another plan: number, date, issuer, and often the cited plan's own chain.

Reads: the cited and the citing :class:`~bench.synth.model.Plan` and the text's
random stream. Returns: :func:`ref_text` ("Kế hoạch số 241-KH/TU, ngày
05/3/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn về thực hiện Kết luận số 70-KL/TW
..."), and the pieces it prints: :func:`kl70`, :func:`fmt_number` (the spacing
variants of scans), :func:`fmt_date`.

Why chains and bare bodies: real references nest ("Kế hoạch ... thực hiện Kế
hoạch ... thực hiện Kết luận ...") and leave out what the citing text's place
supplies; the extractor's parents come from exactly these constructions.
"""

from __future__ import annotations

import random
from datetime import date

from bench.synth.issuers import issuer_name
from bench.synth.model import Plan
from bench.synth.names import KL70_TITLE

__all__ = ["fmt_date", "fmt_number", "kl70", "ref_text"]


def fmt_date(d: date, rng: random.Random) -> str:
    """A date as references print it: "05/3/2024", "05/03/2024", "5/3/2024"."""
    r = rng.random()
    if r < 0.55:
        return f"{d.day:02d}/{d.month}/{d.year}"
    if r < 0.85:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day}/{d.month}/{d.year}"


def fmt_number(num: str, rng: random.Random) -> str:
    """Spacing variants of real scans: "474 /KH-MTTQ-BTT", "70- KL/TW"."""
    r = rng.random()
    if r < 0.06:
        return num.replace("/", " /", 1) if "/KH" in num else num.replace("-", "- ", 1)
    if r < 0.1:
        return num.replace("-", " - ", 1) if "-KH" in num else num.replace("/", " / ", 1)
    return num


def kl70(rng: random.Random, full: bool = True) -> str:
    """The central directive cited: in full (number, date, issuer, title) or its number alone."""
    num = fmt_number("70-KL/TW", rng)
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
        return kl70(rng)
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
    head = f"Kế hoạch số {fmt_number(q.number or '', rng)}{comma} ngày {fmt_date(q.doc_date, rng)} của {who}"
    chain = rng.random() < 0.6
    up_to_province = reach and q.level not in ("province", "central")
    # A plan whose file is missing is placed only by what its citers say it implements.
    if q.implements and ((depth < 2 and chain) or up_to_province or q.unwritten):
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
