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
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest import faults, fields
from ingest.errors import DocumentError, IngestError
from ingest.extract import extract
from ingest.model import Evidence, PlanRecord, Ref
from ingest.readers import Document, read_document
from ingest.refs import norm_key

ACTIONS = ("confirm", "reject", "add", "correct")
RELATIONS = ("implements", "based_on", "cites")

log = logging.getLogger(__name__)


class CurationError(IngestError):
    """The curation file cannot be used: names the entry and what is wrong with it."""


# What a decision may say, besides notes of the researcher's own (keys starting with "_").
KEYS = ("document", "action", "relation", "number", "ref", "field", "value", "note")


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
    origin: str = ""  # "data/curation.json: decision 3": where it was read, for messages

    def names(self, record: PlanRecord) -> bool:
        doc = self.document.strip()
        if record.sha256 and len(doc) >= 12 and record.sha256.startswith(doc.lower()):
            return True
        return Path(record.source).name == doc


def read(path: str | Path) -> tuple[list[Verdict], list[str]]:
    """The usable decisions of a curation file, and one line for each decision that is not
    (naming the file, the decision and what is wrong). A missing file means no decisions;
    only a file that cannot be used at all (not JSON, no list) raises :class:`CurationError`."""
    p = Path(path)
    if not p.exists():
        return [], []
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CurationError(f"{p}: not a readable JSON file ({e})") from e
    entries = data.get("decisions") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise CurationError(f"{p}: expected a list of decisions under 'decisions'")
    verdicts, problems = [], []
    for i, e in enumerate(entries):
        where = f"{p}: decision {i + 1}"
        wrong = _problem(e)
        if wrong is None:
            verdicts.append(_verdict(e, where))
        else:
            problems.append(f"{where}{_label(e)}: {wrong}")
    return verdicts, problems


def load(path: str | Path) -> list[Verdict]:
    """:func:`read`'s decisions; each one that cannot be used is logged as one line."""
    verdicts, problems = read(path)
    for line in problems:
        log.warning("skipped: %s", line)
    return verdicts


def _label(e: Any) -> str:
    """ " (reject, 000_x.txt)": what a decision is about, when it says so in words."""
    if not isinstance(e, dict):
        return ""
    said = [str(e[k])[:60] for k in ("action", "document") if isinstance(e.get(k), str) and e[k].strip()]
    return f" ({', '.join(said)})" if said else ""


def _problem(e: Any) -> str | None:
    """What makes a decision unusable (None when it can be applied): every value is checked
    against the record's shapes and the vocabulary (:mod:`ingest.fields`)."""
    if not isinstance(e, dict):
        return f"a decision is an object with 'document' and 'action', not {_short(e)}"
    extra = [k for k in e if k not in KEYS and not str(k).startswith("_")]
    if extra:
        return f"unknown key {_short(extra[0])} (a decision has {', '.join(KEYS)})"
    doc = e.get("document")
    if not isinstance(doc, str) or not doc.strip():
        return f"'document' must name the file or its SHA-256, not {_short(doc)}"
    action = e.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        return f"'action' must be one of {', '.join(ACTIONS)}, not {_short(action)}"
    if e.get("note") is not None and not isinstance(e["note"], str):
        return f"'note' must be text, not {_short(e['note'])}"
    if action in ("confirm", "reject", "add"):
        rel = e.get("relation")
        if not isinstance(rel, str) or rel not in RELATIONS:
            return f"'{action}' needs a 'relation' among {', '.join(RELATIONS)}, not {_short(rel)}"
    if action in ("confirm", "reject"):
        num = e.get("number")
        if not isinstance(num, str) or not num.strip():
            return f"'{action}' needs the 'number' of the linked document, as text, not {_short(num)}"
    if action == "add":
        if not isinstance(e.get("ref"), dict):
            return f"'add' needs a 'ref' object (a REF of the extracted record), not {_short(e.get('ref'))}"
        return fields.problem(e["ref"], fields.REF, "ref")
    if action == "correct":
        pointer = e.get("field")
        if not isinstance(pointer, str) or not pointer.startswith("/"):
            return f"'correct' needs a 'field' JSON Pointer such as /issuer/province, not {_short(pointer)}"
        shape, why = fields.shape_at(pointer)
        if shape is None:
            return f"cannot correct {pointer}: {why}"
        if "value" not in e:
            return f"'correct' needs the 'value' {pointer} takes"
        return fields.problem(e["value"], shape, pointer)
    return None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _verdict(e: dict[str, Any], origin: str) -> Verdict:
    return Verdict(
        document=e["document"],
        action=e["action"],
        relation=e.get("relation"),
        number=e.get("number"),
        ref=e.get("ref"),
        field=e.get("field"),
        value=e.get("value"),
        note=e.get("note"),
        origin=origin,
    )


def apply(record: PlanRecord, verdicts: Iterable[Verdict]) -> PlanRecord:
    """The record with every verdict that names it applied, in file order. A verdict that
    cannot apply to this record (a list index it does not have) is skipped with one line."""
    for v in verdicts:
        if not v.names(record):
            continue
        if v.action == "correct":
            try:
                record = _correct(record, v)
            except CurationError as e:
                log.warning("skipped: %s: %s", v.origin or "curation", e)
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


# The reason an ingest gives for a file it leaves out (a README, notes): ``lineage ingest``
# reports it as skipped, not failed. A plan with a blank number still has its type or issuer.
NOT_A_DOCUMENT = "not an official document (no number, type or issuer)"


def is_document(record: PlanRecord) -> bool:
    """Whether a record is of an official document: it has a number, a symbol, a type or an issuer."""
    return bool(record.number or record.symbol or record.doc_type != "other" or record.issuer is not None)


def is_skipped(reason: str) -> bool:
    """Whether an ingest's one-line reason for a file is that it is no official document."""
    return reason.endswith(NOT_A_DOCUMENT)


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
        faults.poison(path)  # a test seam: inert unless LINEAGE_POISON names this file
        doc = read_document(path)
        record = extract(doc)
    except DocumentError as e:
        return None, str(e)
    except Exception as e:  # one bad document never stops the others
        return None, f"{path}: could not be extracted ({type(e).__name__}: {e})"
    if not is_document(record):
        return None, f"{Path(path).name}: {NOT_A_DOCUMENT}"
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
            if isinstance(node, list):
                node = node[int(p)]
            else:  # a field the record leaves empty (an issuer it did not find) is made
                if node.get(p) is None:
                    node[p] = {}
                node = node[p]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = v.value
        else:
            node[last] = v.value
    except (KeyError, IndexError, ValueError, TypeError) as e:
        raise CurationError(f"cannot correct {v.field} of {record.source}: it has no such item ({e})") from e
    corrected = PlanRecord.from_json(data)
    evidence = dict(corrected.evidence)
    old = evidence.get(v.field or "")
    evidence[v.field or ""] = (
        replace(old, review="corrected", method="curation", confidence=1.0)
        if old
        else (Evidence(0, 0, "curation", 1.0, "explicit", v.note or "", "corrected"))
    )
    return replace(corrected, evidence=evidence, sha256=record.sha256, source=record.source)
