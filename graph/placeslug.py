"""Place slugs that stay unique within their parent, for the identity of places and bodies.

Reads: a district's or commune's name and its parents; the gazetteer's 2024 units
(:func:`ingest.places.gazetteer`), once. Returns: :func:`place_slug`, the slug a
jurisdiction (:func:`graph.identity.jurisdiction_of`) and the place nodes
(:mod:`graph.rdf`) use.

Why: folding makes two units of one parent one slug where their names differ in
marks only (25 such pairs in the 2024 map), and one slug is one place, one body,
and one plan for two communes' plans of the same number. Only those names get a
suffix; every other slug is the plain folded name, as it always was.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from ingest.text import fold, normalize, slugify

__all__ = ["place_slug"]


@lru_cache(maxsize=65536)  # the same places come back in every document
def place_slug(name: str, province: str | None, district: str | None = None) -> str:
    """The slug of a district (of ``province``) or a commune (of ``province``, ``district``).

    Folding makes two units of one parent the same slug where their names differ in
    marks only: Trấn Yên has the communes Minh Quân and Minh Quán, Vĩnh Lộc Vĩnh Hùng
    and Vĩnh Hưng. Those (and only those: every other slug is as it always was) get a
    short hash of the name as spelt, so they stay two places, two bodies, two plans."""
    slug = slugify(name)
    if (fold(province or ""), fold(district or ""), slug) in _folding_alike():
        spelt = normalize(name).lower().encode("utf-8")
        slug += "-" + hashlib.blake2b(spelt, digest_size=2).hexdigest()
    return slug


@lru_cache(maxsize=1)
def _folding_alike() -> frozenset[tuple[str, str, str]]:
    """(province, district, slug) of the units whose slug another unit of the same parent shares
    (district: ``district`` is ""), from the gazetteer's 2024 units."""
    from ingest.places import gazetteer

    g = gazetteer()
    names: dict[tuple[str, str, str], set[str]] = {}
    for bucket in g.districts.values():
        for d in bucket:
            names.setdefault((fold(d.province), "", slugify(d.name)), set()).add(normalize(d.name).lower())
    for bucket in g.communes.values():
        for c in bucket:
            key = (fold(c.province), fold(c.district), slugify(c.name))
            names.setdefault(key, set()).add(normalize(c.name).lower())
    return frozenset(k for k, v in names.items() if len(v) > 1)
