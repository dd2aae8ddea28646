"""The records every step of the generator passes along: a unit, a plan, and what was planted.

Reads: nothing. Returns: :class:`Unit` (an administrative unit of 2024),
:class:`Plan` (one generated document and the true documents it implements) and
:class:`Planted` (what the planting step changed, for the truth to say).

Why a module of their own: the plan tree (:mod:`bench.synth.tree`) makes them,
the planting step (:mod:`bench.synth.plant`) changes them, the rendering
(:mod:`bench.synth.render`) and the writers read them; none of those should
import another only to name the records. Every field the planting step sets has
a default that leaves the text as the unplanted generator writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Plan", "Planted", "Unit"]


@dataclass
class Unit:
    """An administrative unit of 2024 with its province (and district)."""

    level: str  # central, province, district, commune
    name: str  # short name: "Bắc Kạn", "Bác Ái", "Phước Bình"
    kind: str  # "Tỉnh", "Thành phố", "Huyện", "Quận", "Thị xã", "Xã", "Phường", "Thị trấn"
    province: str | None = None
    district: str | None = None
    district_kind: str | None = None


@dataclass(eq=False)
class Plan:
    """One generated document and the true documents it implements.

    The tree sets the fields up to ``annual``; the planting step may set the rest
    (their defaults are the unplanted text); the writer sets ``file``. The rendering
    reads them and nothing else, so what a plan's text says is decided before any
    text is drawn. Compared by identity (two plans may hold equal fields: a planted
    duplicate).
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
    # -- set by the planting step (bench.synth.plant) --------------------------------
    precision: str = "day"  # what the header prints of the date: day, month ("tháng 5 năm 2024"), year
    title: str | None = None  # a title of its own (a duplicate's, a plan that names no parent)
    hidden: bool = False  # no "Thực hiện" sentence: ``implements`` is the truth the text does not say
    unwritten: bool = False  # no file: known only from the references of the plans citing it
    duplicate_of: Plan | None = None  # same number, issuer and year as that plan, another title
    unresolved: str | None = None  # a "Căn cứ" reference whose issuer no reader can place
    body: list[list[str]] | None = None  # sentences of sections I, III, IV (None: the fixed templates)
    targets: list[tuple[str, int]] | None = None  # (indicator key, value in %), in the order printed

    @property
    def level(self) -> str:
        return self.unit.level

    @property
    def date_text(self) -> str:
        """The date at the precision the header prints: "2024-05-03", "2024-05", "2024"."""
        d = self.doc_date
        if self.precision == "year":
            return f"{d.year:04d}"
        if self.precision == "month":
            return f"{d.year:04d}-{d.month:02d}"
        return d.isoformat()


@dataclass
class Planted:
    """What the planting step did, in the terms the truth reports (plans by identity)."""

    seed: int = 0
    removed: list[tuple[Unit, str, int]] = field(default_factory=list)  # (unit, system, plans removed)
    skipping: list[tuple[Plan, Plan]] = field(
        default_factory=list
    )  # (plan, the plan it no longer implements)
    lower: list[tuple[Plan, Plan]] = field(default_factory=list)  # (higher body's plan, lower plan it cites)
    cycles: list[tuple[Plan, Plan]] = field(default_factory=list)
    duplicates: list[tuple[Plan, Plan]] = field(default_factory=list)  # (original, duplicate)
    unwritten: list[Plan] = field(default_factory=list)
    hidden: list[Plan] = field(default_factory=list)
    before: list[tuple[Plan, Plan]] = field(default_factory=list)  # (parent, child dated before it)
    unresolved: list[Plan] = field(default_factory=list)
    reuse_rate: dict[int, float] = field(default_factory=dict)  # plan idx -> the rate drawn
    # plan idx -> the spec of each body sentence, in print order (bench.synth.body: a copied
    # sentence keeps the code, ``origin(spec)``, of the one it copies)
    origins: dict[int, list[int]] = field(default_factory=dict)
