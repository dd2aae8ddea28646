"""The real administrative map of 2024 the cascade is laid on.

Reads: the ``vietnamadminunits`` dataset (the one the gazetteer reads), with the
province names of 2024 from :func:`ingest.places.name_in_2024`. Returns: the
provinces, the districts of each province and the communes of each district, as
:class:`~bench.synth.model.Unit` lists in dataset order; and
:func:`round_robin`, a selection that spreads over groups.

Why dataset order: the generator is deterministic for a seed only if the units
it draws from come in the same order every time.
"""

from __future__ import annotations

import functools
import random
from collections import defaultdict

from bench.synth.model import Unit
from ingest.places import name_in_2024

__all__ = ["round_robin", "units"]


@functools.cache
def units() -> tuple[list[Unit], dict[str, list[Unit]], dict[tuple[str, str], list[Unit]]]:
    """Provinces, districts by province, communes by (province, district), dataset order.

    Read once per process and shared: callers never change the lists or the units."""
    from vietnamadminunits.database import query

    rows = query(
        "SELECT province, provinceShort, districtShort, districtType, wardShort, wardType, wardCode"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    provinces: dict[str, Unit] = {}
    districts: dict[str, dict[str, Unit]] = defaultdict(dict)
    communes: dict[tuple[str, str], list[Unit]] = defaultdict(list)

    for r in rows:
        p = name_in_2024(r["provinceShort"])  # the plans are of 2024: Thừa Thiên Huế, not Huế
        if p not in provinces:
            renamed = p != r["provinceShort"]
            kind = "Thành phố" if r["province"].startswith("Thành phố") and not renamed else "Tỉnh"
            provinces[p] = Unit("province", p, kind, province=p)
        d = r["districtShort"]
        if d not in districts[p]:
            districts[p][d] = Unit("district", d, r["districtType"], province=p, district=d)
        if r["wardShort"] and r["wardType"]:
            communes[(p, d)].append(
                Unit("commune", r["wardShort"], r["wardType"], p, d, district_kind=r["districtType"])
            )
    return (
        list(provinces.values()),
        {p: list(ds.values()) for p, ds in districts.items()},
        dict(communes),
    )


def round_robin(groups: list[list[Unit]], rng: random.Random) -> list[Unit]:
    """Units taken one per group in turn, so a partial selection spreads over all groups."""
    shuffled = [rng.sample(g, len(g)) for g in groups]
    out: list[Unit] = []
    depth = max((len(g) for g in shuffled), default=0)
    for i in range(depth):
        out.extend(g[i] for g in shuffled if i < len(g))
    return out
