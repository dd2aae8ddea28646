"""Listings over the whole graph: campaigns, issuing bodies, and the counts of ``/api/stats``.

Reads: a :class:`graph.readview.ReadView` and the campaign scheme
(:func:`ontology.campaign_scheme`). Returns: JSON-ready lists and dicts; NotFound
for an unknown campaign or body.

Why together: each is a count or a filter over every document of the read
model, with no traversal and no store query.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.errors import NotFound
from graph.readview import ReadView
from ontology import campaign_scheme

__all__ = ["bodies", "body_plans", "campaign_plans", "campaigns", "stats"]


def campaigns(v: ReadView) -> list[dict[str, Any]]:
    """Known campaigns (and any other cited ones) with how many plans cite each."""
    counts: dict[str, int] = defaultdict(int)
    for d in v.docs.values():
        for c in d.campaigns:
            counts[c] += 1
    out = [
        {"id": c.id, "label": c.pref_label, "alt_labels": list(c.alt_labels), "plan_count": counts[c.id]}
        for c in campaign_scheme()
    ]
    out += [
        {"id": cid, "label": lab, "alt_labels": alts, "plan_count": counts[cid]}
        for cid, (lab, alts) in sorted(v.model.campaign_extra.items())
    ]
    return out


def campaign_plans(v: ReadView, cid: str) -> list[dict[str, Any]]:
    """The plans citing a campaign (NotFound for an unknown campaign)."""
    if cid not in {c["id"] for c in campaigns(v)}:
        raise NotFound(f"unknown campaign id: {cid}")
    return v.summaries(i for i, d in v.docs.items() if cid in d.campaigns)


def bodies(v: ReadView) -> list[dict[str, Any]]:
    """Issuing bodies with their place and number of documents."""
    counts: dict[str, int] = defaultdict(int)
    for d in v.docs.values():
        if d.body:
            counts[d.body] += 1
    return [
        {
            "id": b.id,
            "name": b.name,
            "system": b.system,
            "level": b.level,
            "province": b.province,
            "district": b.district,
            "plan_count": counts[b.id],
        }
        for b in sorted(v.bodies.values(), key=lambda b: b.id)
    ]


def body_plans(v: ReadView, bid: str) -> list[dict[str, Any]]:
    """The documents of one issuing body (NotFound for an unknown body)."""
    if bid not in v.bodies:
        raise NotFound(f"unknown body id: {bid}")
    return v.summaries(i for i, d in v.docs.items() if d.body == bid)


def stats(v: ReadView) -> dict[str, int]:
    """Counts of plans (ingested), stubs, parent edges, bodies, cited campaigns, provinces."""
    stubs = sum(1 for d in v.docs.values() if d.stub)
    provinces = {b.province for b in v.bodies.values() if b.province}
    cited = {c for d in v.docs.values() for c in d.campaigns}
    return {
        "plans": len(v.docs) - stubs,
        "stubs": stubs,
        "edges": len(v.index.edges()),
        "bodies": len(v.bodies),
        "campaigns": len(cited),
        "provinces": len(provinces),
    }
