"""The facade the API, the views and the CLI use: ``Lineage.open(store)``.

Reads: a :class:`graph.storage.Store`. Returns: plain dicts and lists (JSON-ready),
bytes for the prepared traversal answers and exports, the store's result for
a user's SPARQL query.

Why a thin facade: callers need one object with the questions they ask; each
job lives in its own module, which this class only wires to the current read
view: writing (:mod:`graph.writing`), the read model's lifecycle
(:mod:`graph.lifecycle`), summaries and caches (:mod:`graph.readview`), plans
(:mod:`graph.plans`), traversals (:mod:`graph.traversals`), search
(:mod:`graph.search`), listings (:mod:`graph.listings`), SPARQL
(:mod:`graph.sparql`), export and validation (:mod:`graph.export`), a document's
RDF description (:mod:`graph.describe`), and the texts kept beside the store with
what the analyses derive from them (:mod:`graph.texts`, :mod:`graph.analytics.reuse`:
aligned after each ingest). Each query takes the current view once, so it answers
from one generation even while an ingest publishes the next. Writes take
:attr:`Lineage.write_lock`: one at a time (a server's uploads queue behind each
other), never blocking a reader.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from graph import export, listings, plans, search, traversals, writing
from graph.bulk import Source
from graph.describe import describe as describe_document
from graph.describe import serialize_triples
from graph.identity import DEFAULT_BASE
from graph.index import LineageIndex, Subgraph
from graph.lifecycle import ReadState
from graph.paths import SparqlIndex
from graph.sparql import read_only_query
from graph.storage import QueryResult, Store
from graph.texts import TextStore
from graph.writing import IngestReport
from ingest.curation import Verdict
from ingest.model import PlanRecord

__all__ = ["DEFAULT_BASE", "IngestReport", "Lineage"]

TRAVERSALS = ("index", "sparql")

log = logging.getLogger(__name__)


class Lineage:
    """Ingest records, and answer lineage questions over the store."""

    def __init__(
        self,
        store: Store,
        base: str = DEFAULT_BASE,
        snapshot: str | os.PathLike[str] | None = None,
        traversal: str = "index",
        texts: str | os.PathLike[str] | None = None,
    ) -> None:
        """State only, no I/O: the read model starts empty. :meth:`open` loads it.

        ``traversal``: ``"index"`` answers lineage questions from the in-memory index;
        ``"sparql"`` asks the store with property paths (:mod:`graph.paths`) and keeps
        no adjacency lists in this process, for graphs too big to hold. ``texts``: the
        file where ingests keep the documents' texts (:mod:`graph.texts`; None: none kept)."""
        if traversal not in TRAVERSALS:
            raise ValueError(f"traversal must be 'index' or 'sparql', not {traversal!r}")
        self.store = store
        self.base = base
        self.traversal = traversal
        self.snapshot = Path(snapshot) if snapshot is not None else None
        self.from_snapshot = False  # how this process started (tests, logs)
        self._live = ReadState(store, base, traversal, self.snapshot)
        # One writer at a time: two batches must not sort, build and settle over each other
        # (the second would miss the first's graphs and plan the same source twice).
        # Re-entrant, so a caller can hold it around a write and what it reads after.
        self.write_lock = threading.RLock()
        self.texts = TextStore(texts) if texts is not None else None

    @classmethod
    def open(
        cls,
        store: Store,
        base: str = DEFAULT_BASE,
        snapshot: str | os.PathLike[str] | None = None,
        traversal: str = "index",
        texts: str | os.PathLike[str] | None = None,
    ) -> Lineage:
        """A Lineage over ``store`` with its read model: from the snapshot when it matches
        the store, else read from the store (which also writes the derived graph)."""
        lin = cls(store, base=base, snapshot=snapshot, traversal=traversal, texts=texts)
        lin.from_snapshot = lin._live.load_snapshot()
        if not lin.from_snapshot:
            lin.refresh()
        return lin

    # --------------------------------------------------------------- state
    @property
    def generation(self) -> int:
        """A token that changes exactly when the read model is replaced (unique in the process)."""
        return self._live.view.generation

    @property
    def index(self) -> LineageIndex | SparqlIndex:
        """The current lineage index (tests and the benchmark; views ask :meth:`subgraph`)."""
        return self._live.view.index

    def refresh(self, changed: bool = False) -> None:
        """Rebuild the read model from the whole store (``changed``: the store was just written)."""
        with self.write_lock:
            self._live.refresh(changed)

    # -------------------------------------------------------------- writing
    def ingest_records(self, records: Iterable[PlanRecord], workers: int | None = 1) -> IngestReport:
        """Write each record's named graph, then bring the read model up to date.

        New sources are built (in ``workers`` processes) and bulk-loaded in one
        go; a source already in the store is compared and replaced in its own
        transaction. Every complete key the batch states is catalogued first,
        so partial mentions resolve whatever the order of the records.
        """
        with self.write_lock:
            report = writing.ingest_records(self._live, records, workers)
            self._settle_texts(())
            return report

    def ingest_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        workers: int | None = None,
        verdicts: Sequence[Verdict] = (),
        progress: Callable[[str, int], None] | None = None,
    ) -> tuple[IngestReport, list[Source]]:
        """Extract, curate (``verdicts``) and ingest files: what ``lineage ingest`` runs.

        The same path as :meth:`ingest_records`, but each record stays in the
        worker that extracted it: the first pass sends back only its keys, the
        second writes its N-Quads straight to a file that the store bulk-loads.
        ``progress(phase, n)`` hears of every chunk done. Returns the report and
        a :class:`graph.bulk.Source` per path, in order (its ``error`` says why a
        file could not be read).
        """
        texts = str(self.texts.path) if self.texts is not None else None
        with self.write_lock:
            out = writing.ingest_files(self._live, paths, workers, verdicts, progress, texts)
            self._settle_texts(verdicts)
            return out

    def _settle_texts(self, verdicts: Sequence[Verdict]) -> None:
        """After a write: align the new parent → child pairs and suggest parents
        (:func:`graph.analytics.reuse.settle`), then compare their targets
        (:func:`graph.analytics.targets.settle`). The texts are an extra: a failure here is
        logged, and the ingest it follows stands."""
        if self.texts is None:
            return
        from graph.analytics import reuse, targets

        facts = self._live.facts
        try:
            reuse.settle(self, self.texts, facts.docs if facts is not None else None, verdicts)
        except Exception:
            log.exception("text reuse could not be settled after this ingest")
            return  # the plans' files are not recorded: the targets are compared when asked
        try:
            targets.settle(self, self.texts)
        except Exception:
            log.exception("targets could not be compared after this ingest")

    # ---------------------------------------------------------------- plans
    def knows(self, id: str) -> bool:
        """Whether ``id`` names a document of the graph (ingested or a stub)."""
        return id in self._live.view.docs

    def summary(self, id: str) -> dict[str, Any]:
        """A short description of a document (NotFound for an unknown id)."""
        v = self._live.view
        s = v.summary(v.doc(id))
        return s | {"issuer": dict(s["issuer"])}

    def documents(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Every document's id and summary as the read model keeps them, shared by every caller
        (read them, never change them): what an analysis of the whole store walks, without
        the copy :meth:`summary` makes of each."""
        v = self._live.view
        for pid, d in v.docs.items():
            yield pid, v.summary(d)

    def shared_summaries(self, ids: Iterable[str]) -> Mapping[str, Mapping[str, Any]]:
        """The summaries of ``ids`` as the read model keeps them (read them, never change them;
        NotFound for an unknown id): what an analysis of a cascade walks, without the copy
        :meth:`summary` makes of each (half a microsecond a document instead of three)."""
        return self._live.view.shared(ids)

    def plan(self, id: str) -> dict[str, Any] | None:
        """The extracted record plus id, iri, parents, children, roots, stub and links (with
        the suggested parent, if any: basis ``inferred``, review ``suggested``; never a parent)."""
        out = plans.plan(self._live.view, id, self._live.select, self.base)
        if out is not None and self.texts is not None and not out["parents"]:
            from graph.analytics import suggest

            answer = suggest.suggestion(self, self.texts, id)
            if answer is not None:
                out["links"] = [*out["links"], suggest.suggested_link(answer)]
        return out

    # ----------------------------------------------------------- traversals
    def children(self, id: str) -> list[dict[str, Any]]:
        """The documents whose parents include ``id``."""
        return traversals.children(self._live.view, id)

    def descendants(self, id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
        """Every document below ``id`` with its (minimum) depth, nearest first."""
        return traversals.descendants(self._live.view, id, max_depth)

    def ancestors(self, id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
        """Every document above ``id`` up to the roots, with its depth, nearest first."""
        return traversals.ancestors(self._live.view, id, max_depth)

    def traversal_json(self, id: str, down: bool = True, max_depth: int | None = None) -> bytes:
        """:meth:`descendants` (``down``) or :meth:`ancestors` as JSON bytes, ready to send."""
        return traversals.traversal_json(self._live.view, id, down, max_depth)

    def prepared_traversal_json(
        self, id: str, down: bool = True, max_depth: int | None = None
    ) -> bytes | None:
        """:meth:`traversal_json`'s answer if it is already made, else None (never computes)."""
        return traversals.prepared_json(self._live.view, id, down, max_depth)

    def roots(self) -> list[dict[str, Any]]:
        """Documents without parents that have descendants: the heads of cascades."""
        return traversals.roots(self._live.view)

    def cascade(self, id: str, max_depth: int | None = None) -> dict[str, Any]:
        """Ancestors (negative depth), the document (0) and descendants, with parent edges."""
        return traversals.cascade(self._live.view, id, max_depth)

    def subgraph(self, focus: str, max_depth: int | None = None) -> Subgraph:
        """``focus``'s members with their depth (negative above) and the parent edges among
        them (NotFound for an unknown id): what a view draws, in one query."""
        return traversals.subgraph(self._live.view, focus, max_depth)

    # --------------------------------------------------------------- search
    def search(
        self,
        q: str | None = None,
        province: str | None = None,
        level: str | None = None,
        system: str | None = None,
        year: int | str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[dict[str, Any]]]:
        """Filtered, diacritics-insensitive search; exact-tone matches rank first."""
        return search.search(self._live.view, q, province, level, system, year, limit, offset)

    def resolve(self, text: str, limit: int = 10) -> list[str]:
        """The ids a free-text reference names, best first ("241-KH/TU Bắc Kạn", "Kết luận 70")."""
        return search.resolve(self._live.view, text, limit)

    # ------------------------------------------------------------- listings
    def campaigns(self) -> list[dict[str, Any]]:
        """Known campaigns (and any other cited ones) with how many plans cite each."""
        return listings.campaigns(self._live.view)

    def campaign_plans(self, cid: str) -> list[dict[str, Any]]:
        """The plans citing a campaign (NotFound for an unknown campaign)."""
        return listings.campaign_plans(self._live.view, cid)

    def bodies(self) -> list[dict[str, Any]]:
        """Issuing bodies with their place and number of documents."""
        return listings.bodies(self._live.view)

    def body_plans(self, bid: str) -> list[dict[str, Any]]:
        """The documents of one issuing body (NotFound for an unknown body)."""
        return listings.body_plans(self._live.view, bid)

    def stats(self) -> dict[str, int]:
        """Counts of plans (ingested), stubs, parent edges, bodies, cited campaigns, provinces."""
        return listings.stats(self._live.view)

    # ------------------------------------------------- SPARQL, export, SHACL
    def sparql(self, query: str) -> QueryResult:
        """A read-only SPARQL query's result (QueryError for an update or a bad query);
        the caller serialises it (the endpoint negotiates the format)."""
        return read_only_query(self.store, query)

    def export(self, fmt: str) -> bytes:
        """The whole graph as ttl, nt or jsonld; the lineage index as graphml or csv."""
        return export.export(self.store, self._live.view, fmt)

    def describe(self, id: str, fmt: str = "ttl") -> bytes:
        """The document's own description in RDF, bounded (:mod:`graph.describe`): ``ttl``,
        ``nt``, ``jsonld`` or ``rdfxml``; what ``GET`` on its IRI answers. NotFound for an unknown id."""
        return serialize_triples(describe_document(self.store, self._live.view.doc(id).iri), fmt)

    def validate(self) -> tuple[bool, str]:
        """SHACL-validate the store content (with the ontology) against shapes.ttl."""
        return export.validate(self.store)
