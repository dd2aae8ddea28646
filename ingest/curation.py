"""Curation: a researcher's verdicts on extracted links and fields, kept across re-ingests.

Reads: ``data/curation.json`` (see docs/curation.md) and a
:class:`~ingest.model.PlanRecord` (or the file to extract it from:
:func:`extract_curated`, what an ingest runs on every file). Returns: the record
with the verdicts applied. Pure: the same record and file always give the same
result, so re-ingesting a document re-applies its corrections instead of losing them.

A verdict names its document by the SHA-256 of the original file (or a prefix
of at least 12 hex digits) or by the file name, and then does one of:

- ``confirm`` a link (``relation`` + ``number``): its evidence is marked
  ``accepted`` with confidence 1;
- ``reject`` a link: it is removed from the record, at whatever depth of a chain;
- ``add`` a link (``relation`` + ``ref``, a REF of the contract): written with
  method ``curation`` and review ``corrected``;
- ``correct`` a field (``field`` as a JSON Pointer such as ``/issuer/province``,
  and ``value``): the value is replaced and its evidence says ``corrected``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.errors import DocumentError, IngestError
from ingest.extract import extract
from ingest.model import Evidence, PlanRecord, Ref
from ingest.readers import Document, read_document
from ingest.refs import norm_key

ACTIONS = ("confirm", "reject", "add", "correct")
RELATIONS = ("implements", "based_on", "cites")


class CurationError(IngestError):
    """The curation file cannot be used: names the entry and what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Verdict:
    document: str
    action: str
    relation: str | None = None
    number: str | None = None
    ref: dict[str, Any] | None = None
    field: str | None = None
    value: Any = None
    note: str | None = None

    def names(self, record: PlanRecord) -> bool:
        doc = self.document.strip()
        if record.sha256 and len(doc) >= 12 and record.sha256.startswith(doc.lower()):
            return True
        return Path(record.source).name == doc


def load(path: str | Path) -> list[Verdict]:
    """Read and check a curation file; a missing file means no verdicts."""
    p = Path(path)
    if not p.exists():
        return []
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CurationError(f"{p}: not a readable JSON file ({e})") from e
    entries = data.get("decisions") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise CurationError(f"{p}: expected a list of decisions under 'decisions'")
    return [_verdict(p, i, e) for i, e in enumerate(entries)]


def _verdict(path: Path, i: int, e: Any) -> Verdict:
    where = f"{path}: decision {i + 1}"
    if not isinstance(e, dict) or not e.get("document") or e.get("action") not in ACTIONS:
        raise CurationError(f"{where}: needs 'document' and an 'action' among {', '.join(ACTIONS)}")
    action = e["action"]
    if action in ("confirm", "reject", "add") and e.get("relation") not in RELATIONS:
        raise CurationError(f"{where}: '{action}' needs a 'relation' among {', '.join(RELATIONS)}")
    if action in ("confirm", "reject") and not e.get("number"):
        raise CurationError(f"{where}: '{action}' needs the 'number' of the linked document")
    if action == "add" and not isinstance(e.get("ref"), dict):
        raise CurationError(f"{where}: 'add' needs a 'ref' object (a REF of the extracted record)")
    if action == "correct" and not str(e.get("field", "")).startswith("/"):
        raise CurationError(f"{where}: 'correct' needs a 'field' JSON Pointer such as /issuer/province")
    return Verdict(
        document=str(e["document"]),
        action=action,
        relation=e.get("relation"),
        number=e.get("number"),
        ref=e.get("ref"),
        field=e.get("field"),
        value=e.get("value"),
        note=e.get("note"),
    )


def apply(record: PlanRecord, verdicts: Iterable[Verdict]) -> PlanRecord:
    """The record with every verdict that names it applied, in file order."""
    for v in verdicts:
        if not v.names(record):
            continue
        if v.action == "correct":
            record = _correct(record, v)
            continue
        refs: tuple[Ref, ...] = getattr(record, v.relation or "implements")
        if v.action == "add":
            new = Ref.from_json({**(v.ref or {}), "implements": (v.ref or {}).get("implements") or []})
            new = replace(
                new, evidence=Evidence(0, 0, "curation", 1.0, "explicit", v.note or "", "corrected")
            )
            refs = (*refs, new)
        elif v.action == "reject":
            refs = _without(refs, norm_key(v.number or ""))
        else:
            refs = _accepted(refs, norm_key(v.number or ""))
        record = replace(record, **{v.relation or "implements": refs})
    return record


def extract_curated(
    path: str,
    verdicts: Sequence[Verdict] = (),
    keep: Callable[[Document, PlanRecord], None] | None = None,
) -> tuple[PlanRecord | None, str | None]:
    """The record of one file with the verdicts naming it applied, or None and the one-line
    reason it could not be had. Never raises: one bad document never stops the others.
    ``keep`` hears of the document read and its curated record (the ingest's text store,
    :class:`graph.texts.TextSink`, which never raises)."""
    try:
        doc = read_document(path)
        record = extract(doc)
    except DocumentError as e:
        return None, str(e)
    except Exception as e:  # one bad document never stops the others
        return None, f"{path}: could not be extracted ({type(e).__name__}: {e})"
    if verdicts:
        try:
            record = apply(record, verdicts)
        except Exception as e:  # a curation that cannot apply loses this record, not the run
            return None, f"{path}: curation could not be applied ({type(e).__name__}: {e})"
    if keep is not None:
        keep(doc, record)
    return record, None


def _curated(v: Verdict) -> Evidence:
    """Evidence of a fact a researcher wrote: no span in the text, the note as its text."""
    return Evidence(0, 0, "curation", 1.0, "explicit", v.note or "", "corrected")


def _without(refs: Sequence[Ref], key: str) -> tuple[Ref, ...]:
    return tuple(
        replace(r, implements=_without(r.implements, key))
        for r in refs
        if not (r.number and norm_key(r.number) == key)
    )


def _accepted(refs: Sequence[Ref], key: str) -> tuple[Ref, ...]:
    out = []
    for r in refs:
        if r.number and norm_key(r.number) == key:
            ev = r.evidence or Evidence(0, 0, "curation")
            r = replace(r, evidence=replace(ev, confidence=1.0, review="accepted"))
        out.append(replace(r, implements=_accepted(r.implements, key)))
    return tuple(out)


def _correct(record: PlanRecord, v: Verdict) -> PlanRecord:
    data = record.to_json()
    parts = [p.replace("~1", "/").replace("~0", "~") for p in (v.field or "/").split("/")[1:]]
    node: Any = data
    try:
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
            if node is None:
                raise KeyError(p)
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = v.value
        else:
            node[last] = v.value
    except (KeyError, IndexError, ValueError, TypeError) as e:
        raise CurationError(f"{record.source}: cannot correct {v.field}: no such field ({e})") from e
    corrected = PlanRecord.from_json(data)
    evidence = dict(corrected.evidence)
    old = evidence.get(v.field or "")
    evidence[v.field or ""] = (
        replace(old, review="corrected", method="curation", confidence=1.0)
        if old
        else (Evidence(0, 0, "curation", 1.0, "explicit", v.note or "", "corrected"))
    )
    return replace(corrected, evidence=evidence, sha256=record.sha256, source=record.source)
