"""The journal of a batch being written, and what the next process does with an interrupted one.

Reads/writes: two small named graphs in the store itself (so a remote store
carries them too). ``{base}graph/ingest-journal``, written before the first
write of a batch, names the graphs the batch adds (``dcterms:hasPart``), who
writes them (``dcterms:creator``, see :mod:`graph.processes`) and when
(``dcterms:created``). ``{base}graph/ingest-loaded`` says that every one of
them is loaded. Both are dropped once the batch has settled (partial references
re-resolved; derived graph, snapshot and read model published). Also the other
leftovers of a killed ingest: its work folders of N-Quads in the temporary
directory and the snapshot's temporary files. Returns: :class:`Pending`, and
whether a batch may be repaired; :meth:`graph.lifecycle.ReadState.recover` finishes
or undoes it.

Why: ``kill -9`` can stop an ingest anywhere, and the store's bulk loader is
not one transaction: a batch killed while loading is half there, and one killed
while settling has its graphs without the derived graph and snapshot that
describe them. With the journal, the next process to open the store knows
which: a batch that did not finish loading is loaded again from its N-Quads
(still in the temporary directory, on the same host: loading a quad twice
changes nothing) and then settled, or, when they are gone (a reboot, another
host), undone (its new graphs dropped, so the store is again what it was before
the batch, and its snapshot is valid again); one that did finish loading is
settled from the store. Readers never take a half batch
for a whole one: an embedded store is repaired as it opens (its lock means the
writer is gone); on a remote store a batch whose writer still runs, or runs on
another host, is left alone and the read model is built without its graphs.
``LINEAGE_RECOVER=1`` lets a process repair a batch whose writer it cannot ask.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, Triple

from graph import processes, snapshot
from graph.bulk import nquads
from graph.sparql import select
from graph.storage import Store
from graph.store import OxigraphStore
from graph.terms import N
from ontology.ns import DCTERMS, XSD

__all__ = [
    "Pending",
    "begin",
    "end",
    "foreign",
    "journal_iri",
    "loaded",
    "loaded_iri",
    "pending",
    "repairable",
    "sweep",
    "workdir",
]

WORK_PREFIX = "lineage-ingest-"


def journal_iri(base: str) -> str:
    return f"{base}graph/ingest-journal"


def loaded_iri(base: str) -> str:
    return f"{base}graph/ingest-loaded"


@dataclass(frozen=True, slots=True)
class Pending:
    """A batch that has not settled: the graphs it adds, its writer, when, whether loaded."""

    graphs: tuple[str, ...]
    writer: str
    started: str
    loaded: bool
    files: tuple[str, ...] = ()  # its N-Quads, in the temporary directory (names within it)

    def nquads(self) -> list[Path] | None:
        """The batch's N-Quads files when every one is still there (the same host, no reboot
        since), so that its load can be finished; None when the load can only be undone."""
        paths = [Path(tempfile.gettempdir()) / f for f in self.files]
        return paths if paths and all(p.is_file() for p in paths) else None

    def describe(self) -> str:
        state = "loaded, not settled" if self.loaded else "not fully loaded"
        return (
            f"an ingest started {self.started} by process {self.writer} has not finished "
            f"({len(self.graphs)} new document graph(s), {state})"
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def begin(store: Store, base: str, graphs: Sequence[str], files: Sequence[str] = ()) -> None:
    """Write the journal of a batch that adds ``graphs`` from the N-Quads ``files`` (in the
    temporary directory): before its first write."""
    j = N(journal_iri(base))
    store.remove_graph(loaded_iri(base))  # a mark left by a batch killed while ending
    tmp = Path(tempfile.gettempdir())
    triples = [Triple(j, N(DCTERMS.hasPart), N(g)) for g in graphs]
    # Names within the temporary directory, not paths: the store never learns the machine's layout.
    triples += [Triple(j, N(DCTERMS.source), Literal(Path(f).relative_to(tmp).as_posix())) for f in files]
    triples.append(Triple(j, N(DCTERMS.creator), Literal(processes.tag())))
    triples.append(Triple(j, N(DCTERMS.created), Literal(_now(), datatype=N(XSD.dateTime))))
    store.remove_graph(journal_iri(base))
    store.load_nquads(nquads(journal_iri(base), triples).encode("utf-8"))


def loaded(store: Store, base: str) -> None:
    """Every new graph of the batch is in the store."""
    mark = N(loaded_iri(base))
    store.replace_graph(loaded_iri(base), [Triple(mark, N(DCTERMS.created), Literal(_now()))])


def end(store: Store, base: str) -> None:
    """The batch has settled. The journal goes first: without it, the mark means nothing."""
    store.remove_graph(journal_iri(base))
    store.remove_graph(loaded_iri(base))


def pending(store: Store, base: str) -> Pending | None:
    """The batch the store's journal describes, or None when every batch has settled."""
    j = journal_iri(base)
    rows = select(store, f"SELECT ?p ?o WHERE {{ GRAPH <{j}> {{ <{j}> ?p ?o }} }}")
    if not rows:
        return None
    part, creator, created = str(DCTERMS.hasPart), str(DCTERMS.creator), str(DCTERMS.created)
    graphs = tuple(sorted(o for p, o in rows if p == part))
    files = tuple(sorted(o for p, o in rows if p == str(DCTERMS.source)))
    writer = next((o for p, o in rows if p == creator), "unknown:0:0")
    started = next((o for p, o in rows if p == created), "at an unknown time")
    done = select(store, f"SELECT ?s WHERE {{ GRAPH <{loaded_iri(base)}> {{ ?s ?p ?o }} }} LIMIT 1")
    return Pending(graphs, writer, started, bool(done), files)


def repairable(store: Store, p: Pending) -> bool:
    """Whether nobody can still be writing ``p``'s batch, so that it may be finished or undone:
    it is this process's own, the store is embedded (one process holds it), its writer ran
    on this host and is gone, or ``LINEAGE_RECOVER=1`` says so."""
    if p.writer == processes.tag() or isinstance(store, OxigraphStore):
        return True
    if os.environ.get("LINEAGE_RECOVER", "").strip().lower() in ("1", "true", "yes"):
        return True
    return processes.alive(p.writer) is False


def foreign(store: Store, base: str) -> Pending | None:
    """A batch another process is (or may be) writing: readers leave its graphs out."""
    p = pending(store, base)
    return p if p is not None and not repairable(store, p) else None


@contextlib.contextmanager
def workdir() -> Iterator[str]:
    """A folder for the N-Quads of one batch, named after this process and removed after."""
    d = tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{processes.file_tag()}-")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def sweep(snapshot_path: Path | None) -> None:
    """Remove what killed ingests left: work folders of processes that no longer run, and
    temporary snapshot files (see :func:`graph.snapshot.sweep`)."""
    for d in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        ftag = "-".join(d.name.removeprefix(WORK_PREFIX).split("-")[:2])
        if d.is_dir() and not processes.file_alive(ftag):
            shutil.rmtree(d, ignore_errors=True)
    if snapshot_path is not None:
        snapshot.sweep(snapshot_path)
