"""What each field of a record may hold: its type, the shared vocabulary, real dates.

Reads: the vocabulary (:mod:`ontology.vocab`: document types, systems, levels).
Returns: the shapes of a record, a reference and an issuer as the contract gives
them (:data:`RECORD`, :data:`REF`, :data:`ISSUER`); :func:`problem`, the first
thing wrong with a value for a shape (None when it fits); :func:`shape_at`, the
shape a JSON Pointer into a record names; :func:`is_date`.

Why: a researcher writes curation values by hand (``data/curation.json``). What
a decision may write into a record is what extraction may produce, no more: a
document type, system or level outside the vocabulary, a date that is not a
date, a number where text belongs, a nested object where a string belongs, are
refused when the file is read, with the decision named, instead of failing an
ingest later or reaching the graph.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ontology.vocab import DOC_TYPES, LEVELS, SYSTEMS

__all__ = ["ISSUER", "RECORD", "REF", "Shape", "is_date", "problem", "shape_at"]

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MAX_DEPTH = 12  # a chain of references deeper than this is not a document's


def is_date(value: object) -> bool:
    """A date as records write it, by precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``,
    and one the calendar has (no month 13, no 30 February)."""
    if not isinstance(value, str) or not (m := _DATE.fullmatch(value)):
        return False
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year or 0, month or 1, day or 1)
    except ValueError:
        return False
    return True


def _show(value: object) -> str:
    """A value as a message quotes it: JSON-like, never longer than a line."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Shape:
    """What one field may hold. ``kind``: ``text``, ``choice`` (one of ``values``),
    ``date``, ``number``, ``year``, ``object`` (``fields``, those in ``required`` must be
    there) or ``list`` (of ``item``). ``nullable``: null is allowed."""

    kind: str
    nullable: bool = True
    values: tuple[str, ...] = ()
    fields: Mapping[str, Shape] | Callable[[], Mapping[str, Shape]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    item: Shape | Callable[[], Shape] | None = None

    def members(self) -> Mapping[str, Shape]:
        return self.fields() if callable(self.fields) else self.fields

    def element(self) -> Shape:
        assert self.item is not None
        return self.item() if callable(self.item) else self.item


def problem(value: Any, shape: Shape, where: str = "the value", depth: int = 0) -> str | None:
    """What is wrong with ``value`` for ``shape``, or None. ``where`` names the value in the
    message; the fields and items inside it are named as by a JSON Pointer (``where/name``)."""
    if value is None:
        return None if shape.nullable else f"{where} is required"
    if depth > _MAX_DEPTH:
        return f"{where} nests deeper than {_MAX_DEPTH} levels"
    k = shape.kind
    if k == "text":
        return None if isinstance(value, str) else f"{where} must be text, not {_show(value)}"
    if k == "choice":
        if isinstance(value, str) and value in shape.values:
            return None
        return f"{where} must be one of {', '.join(shape.values)}, not {_show(value)}"
    if k == "date":
        if is_date(value):
            return None
        return f"{where} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not {_show(value)}"
    if k in ("number", "year"):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if k == "year":
            ok = ok and isinstance(value, int) and 1000 <= value <= 9999
        return None if ok else f"{where} must be a {'year' if k == 'year' else 'number'}, not {_show(value)}"
    if k == "list":
        if not isinstance(value, list):
            return f"{where} must be a list, not {_show(value)}"
        for i, v in enumerate(value):
            if (p := problem(v, shape.element(), f"{where}/{i}", depth + 1)) is not None:
                return p
        return None
    if not isinstance(value, dict):
        return f"{where} must be an object, not {_show(value)}"
    members = shape.members()
    for key in value:
        if key not in members:
            return f"{where} has no field {_show(key)} (fields: {', '.join(members)})"
    for key in shape.required:
        if value.get(key) is None:
            return f"{where}/{key} is required"
    for key, sub in members.items():
        if (p := problem(value.get(key), sub, f"{where}/{key}", depth + 1)) is not None:
            return p
    return None


TEXT = Shape("text")
WORDS = Shape("list", nullable=False, item=Shape("text", nullable=False))
ISSUER = Shape(
    "object",
    fields={
        "name": TEXT,
        "system": Shape("choice", values=SYSTEMS),
        "level": Shape("choice", values=LEVELS),
        "province": TEXT,
        "district": TEXT,
        "commune": TEXT,
        "province_current": TEXT,
    },
)


def _ref_fields() -> Mapping[str, Shape]:
    return {
        "doc_type": Shape("choice", values=DOC_TYPES),
        "number": TEXT,
        "date": Shape("date"),
        "title": TEXT,
        "issuer": ISSUER,
        "implements": Shape("list", item=lambda: REF),
    }


REF = Shape("object", fields=_ref_fields)
REFS = Shape("list", nullable=False, item=REF)
TARGET = Shape(
    "object",
    fields={
        "indicator": TEXT,
        "comparator": TEXT,
        "value": Shape("number", nullable=False),
        "unit": TEXT,
        "year": Shape("year"),
        "text": TEXT,
    },
    required=("value",),
)
SIGNER = Shape("object", fields={"name": Shape("text", nullable=False), "title": TEXT}, required=("name",))
RECORD = Shape(
    "object",
    nullable=False,
    fields={
        "doc_type": Shape("choice", nullable=False, values=DOC_TYPES),
        "number": TEXT,
        "symbol": TEXT,
        "date": Shape("date"),
        "title": TEXT,
        "issuer": ISSUER,
        "implements": REFS,
        "based_on": REFS,
        "cites": REFS,
        "campaigns": WORDS,
        "signer": SIGNER,
        "recipients": WORDS,
        "targets": Shape("list", nullable=False, item=TARGET),
    },
)
FIXED = ("source", "sha256", "evidence")  # what the extraction records of the file itself


def shape_at(pointer: str) -> tuple[Shape | None, str | None]:
    """The shape of the field a JSON Pointer into a record names (``/issuer/level``,
    ``/implements/0/date``), or None and why there is no such field to correct."""
    parts: Sequence[str] = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts or parts == [""]:
        return None, "it names the whole record, not a field"
    if parts[0] in FIXED:
        return None, f"/{parts[0]} is what the file itself gives and cannot be corrected"
    shape = RECORD
    for depth, part in enumerate(parts):
        if depth > _MAX_DEPTH:
            return None, "it nests too deep"
        if shape.kind == "list":
            if not part.isdigit():
                return None, f"{_show(part)} is not an index into a list"
            shape = shape.element()
        elif shape.kind == "object":
            members = shape.members()
            if part not in members:
                return None, f"a record has no field {_show(part)} there (fields: {', '.join(members)})"
            shape = members[part]
        else:
            return None, f"{_show(part)} is inside a value that has no fields"
    return shape, None
