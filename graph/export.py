"""Export and validation: the whole graph in a file format, and its SHACL check.

Reads: the store (RDF dumps, the data to validate) and a
:class:`graph.readview.ReadView` (the lineage as GraphML or CSV); the ontology
and shapes. Returns: bytes in the asked format; ``(conforms, report text)``.

Why GraphML and CSV from the read model: they describe the derived lineage
(documents and parent edges), which researchers open in Gephi or a spreadsheet;
the RDF formats carry everything and come from the store as it is.
"""

from __future__ import annotations

import csv
import io

import networkx as nx

from graph.readview import ReadView
from graph.storage import Store
from ontology import ONTOLOGY_PATH, SHAPES_PATH

__all__ = ["FORMATS", "export", "validate"]

FORMATS = ("ttl", "nt", "jsonld", "graphml", "csv")


def export(store: Store, v: ReadView, fmt: str) -> bytes:
    """The whole graph as ttl, nt or jsonld; the lineage index as graphml or csv."""
    if fmt in ("ttl", "nt", "jsonld"):
        return store.dump(fmt)
    if fmt == "graphml":
        g = nx.DiGraph()
        for d in v.docs.values():
            s = v.summary(d)
            g.add_node(
                d.id,
                doc_type=d.doc_type,
                number=d.number or "",
                date=d.date or "",
                title=d.title or "",
                issuer=s["issuer"]["name"] or "",
                system=s["issuer"]["system"] or "",
                level=s["issuer"]["level"] or "",
                province=s["issuer"]["province"] or "",
                stub=d.stub,
            )
        g.add_edges_from(v.index.edges(), relation="parent")
        buf = io.BytesIO()
        nx.write_graphml(g, buf, encoding="utf-8")
        return buf.getvalue()
    if fmt == "csv":
        buf_s = io.StringIO()
        w = csv.writer(buf_s, lineterminator="\n")
        w.writerow(
            ["child_id", "child_number", "child_issuer", "parent_id", "parent_number", "parent_issuer"]
        )
        for a, b in v.index.edges():
            sa, sb = v.summary(v.docs[a]), v.summary(v.docs[b])
            w.writerow(
                [
                    a,
                    sa["number"] or "",
                    sa["issuer"]["name"] or "",
                    b,
                    sb["number"] or "",
                    sb["issuer"]["name"] or "",
                ]
            )
        return buf_s.getvalue().encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")


def validate(store: Store) -> tuple[bool, str]:
    """SHACL-validate the store content (with the ontology) against shapes.ttl."""
    import pyshacl
    from rdflib import Graph

    data = Graph().parse(data=store.dump("nt"), format="nt")
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    ont = Graph().parse(ONTOLOGY_PATH, format="turtle")
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True
    )
    return bool(conforms), str(text)
