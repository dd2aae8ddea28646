"""How a text names the body that issued a plan.

Reads: a :class:`~bench.synth.model.Plan` (its unit and organ) and the text's
random stream. Returns: the Party committee's name for a unit
(:func:`party_body`: "Tỉnh ủy", "Quận ủy", "Đảng ủy"), the issuer as a text
names it, in full or bare (:func:`issuer_name`), and the short subject of the
preamble's verb (:func:`subject`).

Why variants: real texts name one body many ways ("UBND tỉnh", "Ủy ban nhân dân
tỉnh Bắc Kạn", "Ban Thường vụ Tỉnh ủy" with the province left to the context),
and the extractor must resolve every one of them.
"""

from __future__ import annotations

import random

from bench.synth.model import Plan, Unit
from bench.synth.names import MASS
from bench.synth.places import place, shown, unit_word

__all__ = ["issuer_name", "party_body", "subject"]


def party_body(u: Unit) -> str:
    """The Party committee of a unit: "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy"."""
    if u.level == "province":
        return "Thành ủy" if u.kind == "Thành phố" else "Tỉnh ủy"
    if u.level == "district":
        return {"Huyện": "Huyện ủy", "Quận": "Quận ủy", "Thị xã": "Thị ủy"}.get(u.kind, "Thành ủy")
    return "Đảng ủy"


def issuer_name(p: Plan, rng: random.Random, bare: bool = False, short: bool = False) -> str:
    """The issuer as a text names it; ``bare`` leaves the place out ("Ban Thường vụ Tỉnh ủy")."""
    u = p.unit
    if u.level == "central":
        return "Bộ Chính trị"
    if p.organ == "party":
        body = party_body(u)
        board = "" if short else "Ban Thường vụ " if u.level != "commune" or rng.random() < 0.5 else ""
        if u.level == "commune":
            return f"{board}{body} {place(u)}" if not bare else f"{board}{body}"
        return f"{board}{body}" if bare else f"{board}{body} {shown(u.name)}"
    if p.organ == "state":
        body = rng.choice(("UBND", "Ủy ban nhân dân", "UBND"))
        return f"{body} {unit_word(u)}" if bare else f"{body} {place(u)}"
    if p.organ == "front":
        board = "" if short else rng.choice(("Ban Thường trực ", "Ban Thường trực ", ""))
        body = rng.choice(
            ("Ủy ban MTTQ Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban MTTQ Việt Nam")
        )
        return f"{board}{body} {unit_word(u)}" if bare else f"{board}{body} {place(u)}"
    board = "Ban Thường vụ " if p.organ != "youth" else "Ban Chấp hành "
    return f"{board}{MASS[p.organ]} {place(u)}"


def subject(p: Plan, rng: random.Random) -> str:
    """The short subject of "… xây dựng Kế hoạch thực hiện như sau" (the place often left out)."""
    u = p.unit
    if p.organ == "party":
        body = party_body(u)
        if u.level == "commune":
            return f"Ban Thường vụ Đảng ủy {place(u)}" if rng.random() < 0.5 else f"Đảng ủy {place(u)}"
        return f"Ban Thường vụ {body} {shown(u.name)}" if rng.random() < 0.5 else f"Ban Thường vụ {body}"
    if p.organ == "state":
        return rng.choice(("UBND", "Ủy ban nhân dân")) + f" {place(u)}"
    if p.organ == "front":
        return f"Ban Thường trực Ủy ban MTTQ Việt Nam {place(u)}"
    return issuer_name(p, rng)
