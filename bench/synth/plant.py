"""The planting step: what the analyses must find, planted in the plan tree before any text is drawn.

Reads: the plan tree of :func:`bench.synth.tree.build_plans` and the seed.
Returns: :func:`plant`, the changed list of plans (some removed, some added)
and a :class:`~bench.synth.model.Planted` record of what was done, and
:func:`planned_counts`, how many of each kind a corpus of n plans gets.

What is planted, at rates that scale with the corpus (:data:`RATES`; at least a
few of each kind in a 300-plan corpus):

- coverage gaps: every plan of a unit and system removed (a province's State plan,
  a district's Party plans, a commune's Front plans), the plans citing them lifted
  to what the removed plan implemented;
- skipping: a district or commune plan that implements the plan above the one of
  its own system (the directive itself, or the plan above it), not that one;
- a higher body's plan citing a lower body's plan it implements, and rarely a
  cycle (two plans of one place implementing each other);
- duplicates: a second file with the number, issuer and year of another plan and
  another title;
- most-wanted missing documents: plans cited by many others whose file is not
  written (their citers then always name what they implement, so they stay placed);
- plans whose "Thực hiện" sentence is removed (their title names no parent either)
  and which copy their parent's body heavily: the parent is to be suggested;
- references no reader can resolve ("Căn cứ Kế hoạch số 123/KH-BCĐ ... của Ban Chỉ đạo");
- dates, their precision and children dated before their parent (:mod:`bench.synth.dates`);
- bodies copied at known rates and targets that move (:mod:`bench.synth.body`).

Why a step of its own with its own stream (``f"{seed}:plant"``): the tree a seed
gives stays the tree it gave, and ``--no-plant`` (skipping this step) writes the
corpus of before, byte for byte.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence

from bench.synth.body import fill_bodies
from bench.synth.dates import draw_dates, parents_first
from bench.synth.model import Plan, Planted
from bench.synth.places import place, place_needs_province, shown
from ingest.text import fold

__all__ = ["RATES", "plant", "planned_counts"]

# kind -> (per plan, at least, at most): how many a corpus of n plans gets (fewer when too few fit).
RATES: dict[str, tuple[float, int, int | None]] = {
    "gap_province": (0.0001, 3, 12),
    "gap_district": (0.0003, 3, None),
    "gap_commune": (0.001, 3, None),
    "skipping": (0.0005, 4, None),
    "lower": (0.0001, 2, None),
    "cycle": (0.00004, 2, None),
    "duplicate": (0.0002, 2, None),
    "unwritten": (0.0005, 3, None),
    "hidden": (0.002, 6, None),
    "unresolved": (0.0005, 3, None),
    "before": (0.0005, 3, None),
}
PARTS = ("party", "state", "front")
_DUP_TITLES = (
    "Tổ chức Ngày chạy Olympic vì sức khỏe toàn dân năm 2024",
    "Tổ chức Đại hội Thể dục thể thao các cấp giai đoạn 2024 - 2026",
    "Phát động phong trào bơi lội phòng, chống đuối nước năm 2024",
    "Tổ chức Hội khỏe Phù Đổng năm học 2024 - 2025",
)


def planned_counts(n: int) -> dict[str, int]:
    """How many of each kind :func:`plant` aims at in a corpus of ``n`` plans."""
    out = {}
    for kind, (rate, least, most) in RATES.items():
        k = max(least, round(rate * n))
        out[kind] = min(k, most) if most is not None else k
    return out


def plant(plans: Sequence[Plan], seed: int) -> tuple[list[Plan], Planted]:
    """Plant everything listed in the module docstring; returns the new list and the record."""
    rng = random.Random(f"{seed}:plant")
    want = planned_counts(len(plans))
    planted = Planted(seed=seed)
    out = _gaps(list(plans), want, rng, planted)
    busy: set[int] = set()
    _skipping(out, want["skipping"], rng, planted, busy)
    _lower(out, want["lower"], rng, planted, busy)
    _cycles(out, want["cycle"], rng, planted, busy)
    out += _duplicates(out, want["duplicate"], rng, planted, busy)
    _unwritten(out, want["unwritten"], rng, planted, busy)
    _hidden(out, want["hidden"], rng, planted, busy)
    _unresolved(out, want["unresolved"], rng, planted, busy)
    _distinct_blanks(out)
    order = parents_first(out)
    draw_dates(order, rng, planted, want["before"])
    fill_bodies(order, rng, planted)
    return out, planted


def _unit_key(p: Plan) -> tuple[str, str | None, str | None, str, str]:
    u = p.unit
    return (u.level, u.province, u.district if u.level == "commune" else None, u.name, p.system)


def _lift(ps: Iterable[Plan], gone: set[int]) -> list[Plan]:
    """``ps`` with every removed plan replaced by what it implemented (recursively), once each."""
    out: list[Plan] = []
    for q in ps:
        for r in _lift(q.implements, gone) if q.idx in gone else [q]:
            if not any(r is x for x in out):
                out.append(r)
    return out


def _gaps(plans: list[Plan], want: dict[str, int], rng: random.Random, planted: Planted) -> list[Plan]:
    """Remove every plan of ``want["gap_<level>"]`` units of each level and one system; lift
    their citers to what the removed plans implemented."""
    docs: dict[tuple, list[Plan]] = defaultdict(list)
    for p in plans:
        if p.system in PARTS and p.unit.level != "central":
            docs[_unit_key(p)].append(p)
    cited = _citers(plans)
    gone: set[int] = set()
    asked: set[tuple] = set()  # units a plan above expects: (province, district or None, system)
    for key in docs:
        if key[0] in ("province", "district"):
            asked.add((key[1], key[3] if key[0] == "district" else None, key[4]))
    for level in ("province", "district", "commune"):
        keys = [key for key in docs if key[0] == level]
        rng.shuffle(keys)
        # A gap only where a plan expects the unit: the province's (the district's) plan of its system.
        keys = [k for k in keys if level == "province" or (k[1], k[2], k[4]) in asked]
        chosen = itertools.islice((key for key in keys if _liftable(docs[key], cited)), want[f"gap_{level}"])
        for key in chosen:
            if level != "commune":
                asked.discard((key[1], key[3] if level == "district" else None, key[4]))
            gone |= {p.idx for p in docs[key]}
            planted.removed.append((docs[key][0].unit, key[-1], len(docs[key])))
    kept = [p for p in plans if p.idx not in gone]
    for p in kept:
        if any(q.idx in gone for q in p.implements):
            p.implements = _lift(p.implements, gone)
    return kept


def _liftable(removed: list[Plan], cited: dict[int, list[Plan]]) -> bool:
    """Whether the plans citing ``removed`` stay placeable once they cite what it implemented:
    a plan of an ambiguous place ("xã Thái Bình" is in four provinces) is placed by the plan
    of its district or province it cites, so its parents are left as they are."""
    mine = {p.idx for p in removed}
    return all(
        c.idx in mine or c.level not in ("district", "commune") or not place_needs_province(c.unit)
        for p in removed
        for c in cited.get(p.idx, ())
    )


def _free(p: Plan, busy: set[int]) -> bool:
    return p.idx not in busy and p.unit.level != "central" and not p.blank_number


def _skipping(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` district or commune plans implement what the plan of their own system above them
    implements, instead of it (the Thành ủy Bắc Kạn implementing Kết luận 70 directly)."""
    up = {"district": "province", "commune": "district"}
    pool = []
    for c in plans:
        if c.level in up and c.system in PARTS and not c.annual and _free(c, busy):
            for x in c.implements:
                same = x.unit.province == c.unit.province and (
                    x.level == "province" or x.unit.name == c.unit.district
                )
                if x.level == up[c.level] and x.system == c.system and same and x.idx not in busy:
                    pool.append((c, x))
                    break
    rng.shuffle(pool)
    done = 0
    for c, x in pool:
        if done == k:
            break
        if c.idx in busy or x.idx in busy or place_needs_province(c.unit):
            continue
        done += 1
        c.implements = _lift(c.implements, {x.idx})
        planted.skipping.append((c, x))
        busy |= {c.idx, x.idx}


def _lower(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` provincial Front plans also "implement" a district Party plan of their province."""
    fronts = [p for p in plans if p.level == "province" and p.organ == "front" and _free(p, busy)]
    districts: dict[str, list[Plan]] = defaultdict(list)
    for p in plans:
        if p.level == "district" and p.organ == "party" and _free(p, busy):
            districts[p.unit.province or ""].append(p)
    pool = [f for f in fronts if districts.get(f.unit.province or "")]
    for f in rng.sample(pool, min(k, len(pool))):
        d = rng.choice(districts[f.unit.province or ""])
        if d.idx in busy:
            continue
        f.implements.append(d)
        planted.lower.append((f, d))
        busy |= {f.idx, d.idx}


def _cycles(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` pairs of one place: a State plan implements the Party plan, which now implements it
    back. The graph's reduction cuts a cycle off from what is above it, with everything below:
    the Party plans cited by the fewest others are taken, so little else is cut off."""
    cited = _citers(plans)
    pool = [
        (b, a)
        for b in plans
        if b.organ == "state" and b.level in ("district", "commune") and _free(b, busy)
        for a in b.implements
        if a.organ == "party" and a.unit is b.unit and _free(a, busy)
    ]
    rng.shuffle(pool)
    pool.sort(key=lambda ba: len(cited[ba[1].idx]) + len(cited[ba[0].idx]))
    for b, a in pool:
        if len(planted.cycles) == k:
            break
        if a.idx in busy or b.idx in busy:
            continue
        a.implements.append(b)
        planted.cycles.append((a, b))
        busy |= {a.idx, b.idx} | {c.idx for c in cited[a.idx] + cited[b.idx]}


def _duplicates(
    plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]
) -> list[Plan]:
    """``k`` second files: the number, issuer, year and parents of a plan, another title."""
    pool = [p for p in plans if _free(p, busy) and p.implements]
    nxt = max(p.idx for p in plans) + 1
    out = []
    for orig in rng.sample(pool, min(k, len(pool))):
        dup = Plan(nxt + len(out), orig.unit, orig.system, orig.organ, orig.number, orig.doc_date)
        dup.implements = list(orig.implements)
        dup.annual, dup.title, dup.duplicate_of = orig.annual, rng.choice(_DUP_TITLES), orig
        planted.duplicates.append((orig, dup))
        busy |= {orig.idx, dup.idx}
        out.append(dup)
    return out


def _citers(plans: Sequence[Plan]) -> dict[int, list[Plan]]:
    out: dict[int, list[Plan]] = defaultdict(list)
    for p in plans:
        for q in p.implements:
            out[q.idx].append(p)
    return out


def _unwritten(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` plans cited by many others (at least two) lose their file; what they
    implement is cut to what their citers' chains name (their first parent)."""
    cited = _citers(plans)
    pool = [p for p in plans if _free(p, busy) and len(cited.get(p.idx, ())) >= 2]
    # The most cited of a random third of the candidates: provinces and districts both, not
    # only the provincial plans every district cites.
    pool = rng.sample(pool, min(len(pool), 3 * k))
    pool.sort(key=lambda p: -len(cited[p.idx]))
    for p in pool[:k]:
        p.unwritten = True
        p.implements = p.implements[:1]
        planted.unwritten.append(p)
        busy.add(p.idx)


def _hidden(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` plans no one cites, of written parents, lose their "Thực hiện" sentence (they copy
    their first parent's body heavily: :mod:`bench.synth.body`)."""
    cited = _citers(plans)
    pool = [
        p
        for p in plans
        if _free(p, busy)
        and p.idx not in cited
        and p.level in ("district", "commune")
        and all(_free(q, busy) for q in p.implements)
    ]
    rng.shuffle(pool)
    # Its text names no other document: its own place must tell it apart (no "xã Phú Hữu" of two provinces).
    chosen = itertools.islice((p for p in pool if not place_needs_province(p.unit)), k)
    for p in chosen:
        p.hidden = True
        year = p.annual or 2024
        p.title = (
            f"Phát triển phong trào thể dục, thể thao quần chúng năm {year} trên địa bàn {place(p.unit)}"
        )
        planted.hidden.append(p)
        busy.add(p.idx)


def _unresolved(plans: list[Plan], k: int, rng: random.Random, planted: Planted, busy: set[int]) -> None:
    """``k`` plans add a basis whose issuer no reader can place: "… của Ban Chỉ đạo"."""
    pool = [p for p in plans if _free(p, busy) and not p.unwritten]
    for i, p in enumerate(rng.sample(pool, min(k, len(pool)))):
        day, month = rng.randint(1, 28), rng.randint(1, 3)
        p.unresolved = f"Kế hoạch số {11 + i}/KH-BCĐ ngày {day:02d}/{month}/2024 của Ban Chỉ đạo"
        planted.unresolved.append(p)
        busy.add(p.idx)


def _distinct_blanks(plans: list[Plan]) -> None:
    """Print the number of all but one blank-numbered plan per organ, place and year whose
    place folds to another's ("Trà Don" and "Trà Dơn" of huyện Nam Trà My): a blank-numbered
    plan's id hashes its folded title, which names its place, and two such plans would be one
    node (a collision no one planted)."""
    seen: set[tuple[str | None, str | None, str, str, int]] = set()
    for p in plans:
        if p.blank_number:
            u = p.unit
            key = (u.province, u.district, fold(shown(u.name)), p.organ, p.annual or 2024)
            if key in seen:
                p.blank_number = False
            seen.add(key)
