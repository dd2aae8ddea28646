"""The enumerations of the SHACL shapes, written from the one vocabulary table.

Reads: :mod:`ontology.vocab` (document types and their classes, systems,
levels) and ``shapes.ttl``. Writes: the blocks of ``shapes.ttl`` between
``# BEGIN generated from ontology/vocab.py: NAME`` and ``# END generated: NAME``
(``python -m ontology.enumerations``). ``--check`` writes nothing and exits 1
when a block is not what the table gives (the test suite runs it).
Returns: the text of each block (:func:`blocks`).

Why generated: the shapes list the document type classes, the system and level
concepts, and check that every record stored in the graph (``lin:recordJson``)
names a type, system and level of the vocabulary and real dates. Written by hand
those lists drift from the table every other stage reads; from here they cannot.
Why the record JSON is checked with SPARQL: the graph writer drops a value it
does not know (a level "galaxy" gets no ``org:classification``), so only the
stored record still shows it, and the API serves plans from that record.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from ontology import SHAPES_PATH
from ontology.vocab import DOC_TYPE_TABLE, LEVEL_CONCEPTS, LEVELS, SYSTEM_CONCEPTS, SYSTEMS

__all__ = ["blocks", "main", "update"]

_BLOCK = re.compile(
    r"(?P<head>^[ \t]*# BEGIN generated from ontology/vocab\.py: (?P<name>[\w-]+)\n)"
    r"(?P<body>.*?)"
    r"(?P<tail>^[ \t]*# END generated: (?P=name)\n)",
    re.M | re.S,
)
_LIN = "https://w3id.org/vn-lineage/ontology#"
# A record's date as it is stored: null, or YYYY, YYYY-MM, YYYY-MM-DD with a real month and day.
_DATE_RE = '"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"'


def _in_list(names: Sequence[str], indent: str, per_line: int = 6) -> str:
    rows = [" ".join(f"lin:{n}" for n in names[i : i + per_line]) for i in range(0, len(names), per_line)]
    return f"\n{indent}".join(rows)


def _record_check(name: str, key: str, allowed: str, what: str) -> str:
    """A shape of stored records (``lin:recordJson``): every ``"key": value`` of a record (its
    own and its references') is null or matches ``allowed``. Everything allowed is cut out
    of the JSON text, and what is left must not name ``key``. One query over all records
    picks those that break it (a SPARQL target), and only they are checked one by one to
    report the offending value: a clean store costs one query per shape, not one per record."""
    keep = f"REPLACE(STR(?json), '\"{key}\": (null|{allowed})', '')"
    return f"""linsh:{name} a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ;
        sh:select \"\"\"
            SELECT ?this WHERE {{
                ?this <{_LIN}recordJson> ?json .
                FILTER(CONTAINS({keep}, '"{key}": '))
            }}\"\"\" ] ;
    sh:sparql [
        sh:message "{what}" ;
        sh:select \"\"\"
            SELECT $this ?value WHERE {{
                $this <{_LIN}recordJson> ?json .
                BIND(STRBEFORE(CONCAT(STRAFTER({keep}, '"{key}": '), ","), ",") AS ?value)
            }}\"\"\" ] .
"""


def blocks() -> dict[str, str]:
    """Each generated block's text, by name."""
    classes = [t.cls for t in DOC_TYPE_TABLE]
    concepts = [*SYSTEM_CONCEPTS.values(), *LEVEL_CONCEPTS.values()]
    words = {
        "doc_type": ("|".join(t.slug for t in DOC_TYPE_TABLE), "a document type"),
        "system": ("|".join(SYSTEMS), "an issuing system"),
        "level": ("|".join(LEVELS), "an administrative level"),
    }
    shape = {"doc_type": "RecordDocTypeShape", "system": "RecordSystemShape", "level": "RecordLevelShape"}
    checks = [
        _record_check(shape[k], k, f'"({v})"', f"{what} outside the vocabulary")
        for k, (v, what) in words.items()
    ]
    date = "a date that is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    checks.append(_record_check("RecordDateShape", "date", _DATE_RE, date))
    return {
        "doc-type-classes": (
            "    sh:property [\n"
            "        sh:path rdf:type ;\n"
            f"        sh:qualifiedValueShape [ sh:in ( {_in_list(classes, ' ' * 12)} ) ] ;\n"
            "        sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ;\n"
            '        sh:message "a document has exactly one document type class" ] ;\n'
        ),
        "organisation-concepts": (
            "    sh:property [ sh:path org:classification ;\n"
            f"        sh:in ( {_in_list(concepts, ' ' * 16)} ) ] ;\n"
        ),
        "level-concepts": (
            "    sh:property [ sh:path lin:adminLevel ; sh:minCount 1 ; sh:maxCount 1 ;\n"
            f"        sh:in ( {_in_list(list(LEVEL_CONCEPTS.values()), ' ' * 16)} ) ] ;\n"
        ),
        "record-values": "\n".join(checks),
    }


def update(text: str) -> str:
    """``text`` (of ``shapes.ttl``) with every generated block as the vocabulary gives it."""
    made = blocks()
    found = set()

    def fill(m: re.Match[str]) -> str:
        found.add(m["name"])
        return m["head"] + made[m["name"]] + m["tail"]

    out = _BLOCK.sub(fill, text)
    missing = sorted(set(made) - found)
    if missing:
        raise ValueError(f"shapes.ttl has no generated block named {', '.join(missing)}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = SHAPES_PATH.read_text(encoding="utf-8")
    want = update(text)
    if "--check" in args:
        if want != text:
            print("shapes.ttl is out of step with ontology/vocab.py: python -m ontology.enumerations")
            return 1
        return 0
    if want != text:
        SHAPES_PATH.write_text(want, encoding="utf-8")
        print(f"wrote {SHAPES_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
