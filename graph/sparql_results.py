"""SPARQL results written as a stream of chunks, within a cap on rows and bytes.

Reads: a query's result (pyoxigraph's ``QuerySolutions``, ``QueryBoolean`` or
``QueryTriples``, from the embedded store or parsed from a remote server), a
pyoxigraph format, and the caps. Returns: :func:`stream`, a generator of byte
chunks of about ``chunk`` bytes that make, joined, one well-formed document;
its :class:`Outcome` says how many rows went out and whether a cap cut them.

Why our own writers for SELECT results: pyoxigraph serialises a whole result
at once (the 1.85 GB body of a ``LIMIT 2000000``), and cannot stop at a row
count. These write the same bytes as pyoxigraph's writers (tests compare them)
one row at a time, and stop before the row that would pass a cap, closing the
document, so a capped answer still parses. Graph results go out in Turtle or
N-Triples batches (any cut between two batches is still a valid document); the
two formats that cannot be cut (JSON-LD, RDF/XML) are written once, from at most
the capped number of triples.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    serialize,
)

__all__ = ["Outcome", "stream"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# TSV writes these datatypes in Turtle's short form when the lexical form allows it.
_SHORT = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}
_CSV_QUOTE = re.compile(r'[,"\r\n]')
_XML_ESCAPES = str.maketrans(
    {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}
)
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_BATCH_TRIPLES = 1000


@dataclass
class Outcome:
    """What a stream sent: rows (solutions or triples) and the cap that stopped it, if any."""

    rows: int = 0
    truncated: str | None = None  # "rows" or "bytes"


def _json_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _json_term(t: object) -> str:
    if isinstance(t, NamedNode):
        return '{"type":"uri","value":' + _json_str(t.value) + "}"
    if isinstance(t, BlankNode):
        return '{"type":"bnode","value":' + _json_str(t.value) + "}"
    if isinstance(t, Literal):
        out = '{"type":"literal","value":' + _json_str(t.value)
        if t.language:
            return out + ',"xml:lang":' + _json_str(t.language) + "}"
        dt = t.datatype.value
        return out + ("}" if dt == _STRING else ',"datatype":' + _json_str(dt) + "}")
    # a triple term (RDF 1.2)
    parts = ",".join(f'"{k}":{_json_term(getattr(t, k))}' for k in ("subject", "predicate", "object"))
    return '{"type":"triple","value":{' + parts + "}}"


def _xml(s: str) -> str:
    return s.translate(_XML_ESCAPES)


def _xml_term(t: object) -> str:
    if isinstance(t, NamedNode):
        return f"<uri>{_xml(t.value)}</uri>"
    if isinstance(t, BlankNode):
        return f"<bnode>{_xml(t.value)}</bnode>"
    if isinstance(t, Literal):
        if t.language:
            return f'<literal xml:lang="{_xml(t.language)}">{_xml(t.value)}</literal>'
        dt = t.datatype.value
        if dt == _STRING:
            return f"<literal>{_xml(t.value)}</literal>"
        return f'<literal datatype="{_xml(dt)}">{_xml(t.value)}</literal>'
    parts = "".join(f"<{k}>{_xml_term(getattr(t, k))}</{k}>" for k in ("subject", "predicate", "object"))
    return f"<triple>{parts}</triple>"


def _csv_term(t: object) -> str:
    v = f"_:{t.value}" if isinstance(t, BlankNode) else getattr(t, "value", None)
    if v is None:
        v = str(t)
    return f'"{v.replace(chr(34), chr(34) * 2)}"' if _CSV_QUOTE.search(v) else v


def _tsv_term(t: object) -> str:
    if not isinstance(t, Literal):
        return str(t)
    text = '"' + t.value.translate(_TSV_ESCAPES) + '"'
    if t.language:
        return f"{text}@{t.language}"
    dt = t.datatype.value
    short = _SHORT.get(dt)
    if short is not None and short.fullmatch(t.value):
        return t.value
    return text if dt == _STRING else f"{text}^^<{dt}>"


def _select_writer(
    fmt: QueryResultsFormat, names: list[str]
) -> tuple[str, Callable[[list[object]], str], str]:
    """(head, row -> text, tail) of a SELECT result in ``fmt``."""
    if fmt == QueryResultsFormat.JSON:
        head = '{"head":{"vars":[' + ",".join(_json_str(n) for n in names) + ']},"results":{"bindings":['
        keys = [_json_str(n) + ":" for n in names]

        def row(vals: list[object]) -> str:
            pairs = (k + _json_term(v) for k, v in zip(keys, vals, strict=True) if v is not None)
            return "{" + ",".join(pairs) + "}"

        return head, row, "]}}"
    if fmt == QueryResultsFormat.XML:
        head = (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
            + "".join(f'<variable name="{_xml(n)}"/>' for n in names)
            + "</head><results>"
        )
        opens = [f'<binding name="{_xml(n)}">' for n in names]

        def row(vals: list[object]) -> str:
            pairs = zip(opens, vals, strict=True)
            inner = "".join(o + _xml_term(v) + "</binding>" for o, v in pairs if v is not None)
            return f"<result>{inner}</result>"

        return head, row, "</results></sparql>"
    if fmt == QueryResultsFormat.CSV:
        return (
            ",".join(names) + "\r\n",
            lambda vals: ",".join("" if v is None else _csv_term(v) for v in vals) + "\r\n",
            "",
        )
    if fmt == QueryResultsFormat.TSV:
        return (
            "\t".join("?" + n for n in names) + "\n",
            lambda vals: "\t".join("" if v is None else _tsv_term(v) for v in vals) + "\n",
            "",
        )
    raise ValueError(f"unsupported results format {fmt}")


def _solutions(
    result: QuerySolutions, fmt: QueryResultsFormat, max_rows: int, max_bytes: int, chunk: int, out: Outcome
) -> Iterator[bytes]:
    names = [v.value for v in result.variables]
    head, row, tail = _select_writer(fmt, names)
    sep = "," if fmt == QueryResultsFormat.JSON else ""
    tail_b = tail.encode()
    buf = bytearray(head.encode())
    sent = 0
    for sol in result:
        if out.rows >= max_rows:
            out.truncated = "rows"
            break
        text = (sep if out.rows else "") + row([sol[i] for i in range(len(names))])
        data = text.encode("utf-8")
        if sent + len(buf) + len(data) + len(tail_b) > max_bytes:
            out.truncated = "bytes"
            break
        buf += data
        out.rows += 1
        if len(buf) >= chunk:
            sent += len(buf)
            yield bytes(buf)
            buf.clear()
    buf += tail_b
    yield bytes(buf)


def _triples(
    result: Iterator[object], fmt: RdfFormat, max_rows: int, max_bytes: int, chunk: int, out: Outcome
) -> Iterator[bytes]:
    batchable = fmt in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES)
    kept: list[object] = []
    batch: list[object] = []
    size = 0  # bytes written or, for unbatchable formats, an estimate from N-Triples lengths
    buf = bytearray()
    for t in result:
        if out.rows + len(batch) >= max_rows:
            out.truncated = "rows"
            break
        if not batchable:
            size += len(str(t)) + 3
            if size > max_bytes:
                out.truncated = "bytes"
                break
            kept.append(t)
            out.rows += 1
            continue
        batch.append(t)
        if len(batch) >= _BATCH_TRIPLES:
            data = serialize(batch, format=fmt) or b""
            if size + len(buf) + len(data) > max_bytes:
                batch.clear()
                out.truncated = "bytes"
                break
            out.rows += len(batch)
            batch.clear()
            buf += data
            if len(buf) >= chunk:
                size += len(buf)
                yield bytes(buf)
                buf.clear()
    if batch:
        data = serialize(batch, format=fmt) or b""
        if size + len(buf) + len(data) > max_bytes:
            out.truncated = "bytes"
        else:
            out.rows += len(batch)
            buf += data
    if not batchable:
        buf += serialize(kept, format=fmt) or b""
    yield bytes(buf)


def stream(
    result: object,
    fmt: QueryResultsFormat | RdfFormat,
    max_rows: int,
    max_bytes: int,
    out: Outcome,
    chunk: int = 64 * 1024,
) -> Iterator[bytes]:
    """``result`` written in ``fmt`` as chunks (see the module docstring); ``out`` is filled in
    as it goes. A SELECT is evaluated while it is written: the store's errors surface here."""
    if isinstance(result, QueryBoolean):
        yield result.serialize(format=fmt) or b""
    elif isinstance(result, QuerySolutions):
        yield from _solutions(result, fmt, max_rows, max_bytes, chunk, out)  # type: ignore[arg-type]
    else:
        yield from _triples(iter(result), fmt, max_rows, max_bytes, chunk, out)  # type: ignore[call-overload, arg-type]
