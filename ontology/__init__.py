"""The shared language: the ontology, its SHACL shapes and the campaign scheme.

Reads: the Turtle files next to this module. Returns: their paths, the
campaign scheme as plain values (:func:`campaign_scheme`), parsed once, and
(in :mod:`ontology.vocab`) the vocabulary every stage shares, as data.
Imports nothing of ours: matching text against this vocabulary is the work of
the stage that reads the text (:mod:`ingest.campaigns`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "CAMPAIGNS_PATH",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "Campaign",
    "campaign_scheme",
]

HERE = Path(__file__).resolve().parent
ONTOLOGY_PATH = HERE / "lineage.ttl"
SHAPES_PATH = HERE / "shapes.ttl"
CAMPAIGNS_PATH = HERE / "campaigns.ttl"


@dataclass(frozen=True, slots=True)
class Campaign:
    """A known campaign: its slug id, preferred label and variant labels."""

    id: str
    pref_label: str
    alt_labels: tuple[str, ...]
    iri: str


@cache
def campaign_scheme() -> list[Campaign]:
    """The campaigns of ``campaigns.ttl``, sorted by id (parsed once, cached)."""
    from rdflib import Graph

    from ontology.ns import CAMPAIGN_NS, LIN, SKOS

    g = Graph().parse(CAMPAIGNS_PATH, format="turtle")
    out: list[Campaign] = []
    for c in g.subjects(SKOS.inScheme, LIN.campaigns):
        iri = str(c)
        pref = str(next(g.objects(c, SKOS.prefLabel)))
        alts = tuple(sorted(str(a) for a in g.objects(c, SKOS.altLabel)))
        out.append(Campaign(id=iri.removeprefix(CAMPAIGN_NS), pref_label=pref, alt_labels=alts, iri=iri))
    return sorted(out, key=lambda c: c.id)
