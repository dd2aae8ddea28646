"""Export and validation: the whole graph in a file format, and its SHACL check.

Reads: the store (RDF dumps, the data to validate) and a
:class:`graph.readview.ReadView` (the lineage as GraphML or CSV); the ontology
and shapes. Returns: bytes in the asked format; ``(conforms, report text)``, the
report grouped by kind of violation so that it stays short.

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


def validate(store: Store, shown: int = 5) -> tuple[bool, str]:
    """SHACL-validate the store content (with the ontology) against shapes.ttl.

    The report is short whatever the number of violations: one line per kind of
    fault (the shape's message, or the constraint) with how many nodes break it,
    then at most ``shown`` of them with the offending value. A store with
    thousands of faults is one screen, and the few kinds say what went wrong."""
    import logging

    import pyshacl
    from rdflib import Graph

    # rdflib logs a traceback for each ill-typed literal it reads ("2024-13-45"^^xsd:date);
    # the shapes report those values, which is all a user needs to see.
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        data = Graph().parse(data=store.dump("nt"), format="nt")
        shapes = Graph().parse(SHAPES_PATH, format="turtle")
        ont = Graph().parse(ONTOLOGY_PATH, format="turtle")
        conforms, results, _text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True
        )
    finally:
        term_log.setLevel(level)
    if conforms:
        return True, "valid: the store conforms to the ontology's SHACL shapes"
    return False, _summary(results, shown)


def _summary(results: object, shown: int) -> str:
    """The violations of a pyshacl results graph, grouped by what they break."""
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    assert isinstance(results, Graph)
    groups: dict[str, list[str]] = {}
    for r in results.subjects(sh.resultSeverity, sh.Violation):
        message = results.value(r, sh.resultMessage)
        what = str(message) if message is not None else str(results.value(r, sh.sourceConstraintComponent))
        path, value = results.value(r, sh.resultPath), results.value(r, sh.value)
        line = f"{results.value(r, sh.focusNode)}"
        if path is not None:
            line += f" {path.n3(results.namespace_manager)}"
        if value is not None:
            text = str(value)
            line += f": {text if len(text) <= 80 else text[:77] + '...'}"
        groups.setdefault(what, []).append(line)
    total = sum(len(v) for v in groups.values())
    out = [f"invalid: {total} violation(s) of the SHACL shapes"]
    for what, lines in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"  {len(lines)} x {what}")
        out += [f"      {line}" for line in sorted(lines)[:shown]]
        if len(lines) > shown:
            out.append(f"      ... and {len(lines) - shown} more")
    return "\n".join(out)
