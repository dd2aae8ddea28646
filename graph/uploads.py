"""Uploads: files a client sent, ingested under the names it gave, and where each plan landed.

Reads: files on disk (a server's spool of one request), each with the name the
client gave it, and the curation file. Writes: through the one write path
(:meth:`graph.service.Lineage.ingest_records`), holding the Lineage's write lock.
Returns: an :class:`UploadReport`: per file its outcome (ingested, unchanged, or
failed with a one-line reason), the record extracted, and the plan's parents
and roots as the read model published by that write sees them.

Why names and not paths: a record keeps where it was read from as its
``source``, and its graph keeps the record, so the same text read from two
paths makes two different graphs. An upload is read from a temporary file but
ingested under the client's name: re-sending a file, or sending through a
server what ``lineage ingest`` would read from the same path, writes exactly
what is already there and changes nothing. The temporary path never reaches
the graph or the client.

Why each file's outcome is read around the write: the write path reports
counts; a file's named graph that was not in the store is new, and one that
was is compared before and after the write (under the same lock, so no other
writer slips in between) to say whether it changed.
Extraction runs before the lock is taken, in the project's worker pool
(:func:`ingest.parallel.imap`), so a queue of uploads extracts while another writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from graph.errors import LineageError, NotFound
from graph.identity import id_of_iri
from graph.service import Lineage
from graph.sources import source_sha
from graph.sparql import select
from graph.terms import graph_iri
from ingest import curation
from ingest.errors import DocumentError
from ingest.extract import extract_file
from ingest.model import PlanRecord
from ingest.parallel import imap

__all__ = [
    "CurationUnusable",
    "Failed",
    "Landed",
    "Upload",
    "UploadReport",
    "extract_upload",
    "ingest_uploads",
]


class CurationUnusable(LineageError):
    """The server's curation file cannot be read: no upload is ingested without its verdicts."""


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: where its bytes are, and the name the client gave it."""

    path: str
    name: str


@dataclass(frozen=True, slots=True)
class Failed:
    """A file that was not ingested, and why (one line, naming no server path)."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class Landed:
    """A file that was ingested or found unchanged: its plan and where it sits."""

    file: str
    status: str  # "ingested" or "unchanged"
    id: str
    record: dict[str, Any]
    parents: list[dict[str, Any]]
    root: list[dict[str, Any]]


@dataclass(slots=True)
class UploadReport:
    """Every file of one upload, in the order sent."""

    landed: list[Landed] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    def ids(self, status: str) -> list[str]:
        """The plan ids with ``status``, each once, in the order sent."""
        return list(dict.fromkeys(x.id for x in self.landed if x.status == status))

    def to_json(self) -> dict[str, Any]:
        """The answer of ``POST /api/documents``."""
        return {
            "ingested": self.ids("ingested"),
            "unchanged": self.ids("unchanged"),
            "failed": [{"file": f.file, "reason": f.reason} for f in self.failed],
            "documents": [
                {
                    "file": x.file,
                    "status": x.status,
                    "id": x.id,
                    "record": x.record,
                    "parents": x.parents,
                    "root": x.root,
                }
                for x in self.landed
            ],
        }


def extract_upload(
    item: tuple[str, str], verdicts: Sequence[curation.Verdict] = ()
) -> tuple[PlanRecord | None, str | None]:
    """The record of ``(path, name)`` read from ``path`` as the document ``name``, with the
    verdicts naming it applied; or None and the one-line reason. Never raises (a worker's job)."""
    path, name = item
    try:
        record = replace(extract_file(path), source=name)
    except DocumentError as e:
        return None, e.reason
    except Exception as e:  # one bad document never stops the others
        return None, f"could not be extracted ({type(e).__name__}: {str(e).replace(path, name)[:200]})"
    if verdicts:
        try:
            record = curation.apply(record, verdicts)
        except Exception as e:  # a verdict that cannot apply loses this record, not the upload
            return None, f"curation could not be applied ({type(e).__name__}: {str(e)[:200]})"
    return record, None


def ingest_uploads(
    lin: Lineage,
    uploads: Sequence[Upload],
    workers: int | None = None,
    curation_file: str | Path | None = None,
) -> UploadReport:
    """Extract ``uploads`` (in workers), write them in one batch, and say where each landed."""
    try:
        verdicts = tuple(curation.load(curation_file)) if curation_file else ()
    except curation.CurationError as e:
        raise CurationUnusable(str(e)) from e
    report = UploadReport()
    items = [(u.path, u.name) for u in uploads]
    work = partial(extract_upload, verdicts=verdicts)
    records: list[tuple[str, PlanRecord]] = []
    for (_, name), (rec, err) in zip(
        items, imap(work, items, workers, chunksize=16, preload=["ingest.extract"]), strict=True
    ):
        if rec is None:
            report.failed.append(Failed(name, err or "could not be extracted"))
        else:
            records.append((name, rec))
    if not records:
        return report
    graphs = [graph_iri(source_sha(rec), lin.base) for _, rec in records]
    with lin.write_lock:
        # Only graphs already stored can come out unchanged: keep what they hold now.
        before = {g: lin.store.graph_triples(g) for g in _doc_ids(lin, set(graphs))}
        lin.ingest_records([rec for _, rec in records], workers)
        changed = {g for g in before if lin.store.graph_triples(g) != before[g]}
        ids = _doc_ids(lin, set(graphs))
        changed |= set(ids) - set(before)  # new graphs
        seen: set[str] = set()
        for (name, rec), g in zip(records, graphs, strict=True):
            pid = ids.get(g)
            if pid is None:  # the write path skipped it: say so rather than guess
                report.failed.append(Failed(name, "not written to the graph"))
                continue
            status = "ingested" if g in changed and g not in seen else "unchanged"
            seen.add(g)
            parents, root = _place(lin, pid)
            report.landed.append(Landed(name, status, pid, rec.to_json(with_evidence=False), parents, root))
    return report


def _doc_ids(lin: Lineage, graphs: set[str]) -> dict[str, str]:
    """The id of the document each named graph was made from (its ``prov:wasDerivedFrom`` source)."""
    out: dict[str, str] = {}
    rows = select(
        lin.store,
        f"""SELECT ?g ?d WHERE {{ VALUES ?g {{ {" ".join(f"<{g}>" for g in sorted(graphs))} }}
            GRAPH ?g {{ ?d a eli:LegalResource ; prov:wasDerivedFrom ?s . ?s a lin:SourceDocument }} }}
            ORDER BY ?g ?d""",
    )
    for g, d in rows:
        pid = id_of_iri(d, lin.base)
        if pid is not None and g not in out:
            out[g] = pid
    return out


def _place(lin: Lineage, pid: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Summaries of the plan's parents and of the roots of its cascade (from the read model;
    the caller holds the write lock, so the view does not change in between)."""
    index = lin.index
    try:
        return [lin.summary(p) for p in index.parents(pid)], [lin.summary(r) for r in index.roots(pid)]
    except (NotFound, KeyError):
        return [], []
