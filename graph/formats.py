"""Media types and short format names to pyoxigraph formats: the one mapping.

Reads: the media types of :mod:`ontology.vocab` (``RESULT_MEDIA_TYPES``,
``GRAPH_MEDIA_TYPES``) and their short names (``ttl``, ``nt``, ``json`` ...).
Returns: pyoxigraph's :class:`QueryResultsFormat` or :class:`RdfFormat` for either.

Why one table: the embedded store dumps by short name, the remote store parses
what a server sends by media type, and the SPARQL endpoint serialises what a
client accepts; each once kept its own table, and they had begun to disagree.
Which media types a component *offers* stays its own choice (a subset of these).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pyoxigraph import QueryResultsFormat, RdfFormat

from ontology.vocab import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES

__all__ = [
    "GRAPH_FORMATS",
    "RDF_FORMAT_NAMES",
    "RESULT_FORMATS",
    "RESULT_FORMAT_NAMES",
    "media_type",
]

# short name -> format (the names of ontology.vocab and of `lineage export`)
RESULT_FORMAT_NAMES: Mapping[str, QueryResultsFormat] = MappingProxyType(
    {
        "json": QueryResultsFormat.JSON,
        "xml": QueryResultsFormat.XML,
        "csv": QueryResultsFormat.CSV,
        "tsv": QueryResultsFormat.TSV,
    }
)
RDF_FORMAT_NAMES: Mapping[str, RdfFormat] = MappingProxyType(
    {
        "nq": RdfFormat.N_QUADS,
        "trig": RdfFormat.TRIG,
        "nt": RdfFormat.N_TRIPLES,
        "ttl": RdfFormat.TURTLE,
        "jsonld": RdfFormat.JSON_LD,
        "rdfxml": RdfFormat.RDF_XML,
    }
)
# media type -> format
RESULT_FORMATS: Mapping[str, QueryResultsFormat] = MappingProxyType(
    {mt: RESULT_FORMAT_NAMES[name] for mt, name in RESULT_MEDIA_TYPES.items()}
)
GRAPH_FORMATS: Mapping[str, RdfFormat] = MappingProxyType(
    {mt: RDF_FORMAT_NAMES[name] for mt, name in GRAPH_MEDIA_TYPES.items()}
)


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type or Accept item: ``"Text/Turtle; q=0.5"`` -> ``"text/turtle"``."""
    return (content_type or "").split(";")[0].strip().lower()
