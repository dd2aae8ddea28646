"""The plan tree: which unit issues which plan, when, under what number, implementing what.

Reads: the administrative map (:mod:`bench.synth.hierarchy`) and a seed. Returns:
:func:`build_plans`, the list of :class:`~bench.synth.model.Plan`, parents
before children: the central Kết luận 70-KL/TW, the provincial Party/State/Front
plans that carry it out (all 63 provinces), district plans citing those (40 % of
what is left, spread over the provinces), then commune plans (Party, State,
Front, the mass organisations, then annual follow-ups) for the rest.

Why apart from the text: the tree is the truth (``expected.jsonl`` is computed
from it) and the rendering only says it; a step that plants what the analyses
must find (gaps, lags, reuse, faults) will change the tree between the two; drawing
from a stream of its own, it will leave this stream, and so the tree a seed gives, as it is.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.synth.hierarchy import round_robin, units
from bench.synth.model import Plan, Unit
from bench.synth.names import COMMUNE_EXTRA, KL70_DATE

__all__ = ["build_plans"]


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
    provinces, districts_of, communes_of = units()
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
    all_districts = round_robin([districts_of[p.name] for p in provinces], rng)
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
        all_communes = round_robin(groups, rng)
        chosen_c = all_communes[: min(len(all_communes), -(-rest // 3))]
        kinds: list[tuple[str, int | None]] = [("party", None), ("state", None), ("front", None)]
        kinds += [(k, None) for k in COMMUNE_EXTRA]
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
                elif organ in COMMUNE_EXTRA:
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
