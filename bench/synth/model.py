"""The two records every step of the generator passes along: a unit and a plan.

Reads: nothing. Returns: :class:`Unit` (an administrative unit of 2024) and
:class:`Plan` (one generated document and the true documents it implements).

Why a module of their own: the plan tree (:mod:`bench.synth.tree`) makes them,
the rendering (:mod:`bench.synth.render`) and the writer read them, and a step
between the two (planting what the analyses must find) will change them; none
of those should import another only to name the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Plan", "Unit"]


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
    """One generated document and the true documents it implements.

    The tree sets every field but ``file``; the rendering reads them and nothing
    else, so what a plan's text says is decided here, before any text is drawn.
    """

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
