"""The read model's lifecycle: built, published, replaced, and saved beside the store.

Reads: the store (four whole-store queries, :func:`graph.readmodel.facts_from_store`),
or facts in hand after a bulk write; the snapshot file. Writes: the derived named
graph (``lin:parent`` edges and ``lin:stub`` marks, tagged with the facts' digest)
and the snapshot. Returns: nothing; :attr:`ReadState.view` is the current
:class:`graph.readview.ReadView`, replaced whole each time a model is published.
Before a model is first read, a batch that an interrupted ingest left is finished
or undone (:mod:`graph.journal`); one that another process may still be writing
is left out of the model, so readers never take a half batch for a whole one.

Why derived data: the store is the source of truth, and listing, search and
traversals must not run one SPARQL query per node. The digest tags both the
derived graph and the snapshot, so a process starting on an unchanged store
unpickles its model instead of reading 100,000 graphs back.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

from pyoxigraph import Literal, Triple

from graph import ingestlog, journal, settle, snapshot
from graph.bulk import nquads
from graph.identity import Catalogue
from graph.index import LineageIndex
from graph.paths import SparqlIndex
from graph.readmodel import Facts, ReadModel, facts_from_store
from graph.readview import ReadView
from graph.sparql import select
from graph.storage import Store
from graph.terms import N
from ingest import faults
from ontology import campaign_scheme
from ontology.ns import DCTERMS, LIN, XSD

__all__ = ["Ahead", "ReadState"]

log = logging.getLogger(__name__)


class Ahead(NamedTuple):
    """A model built before it is published: its facts, the model and their digest."""

    facts: Facts
    model: ReadModel
    token: str


class ReadState:
    """The read model in use over one store, and how it is replaced (see module docstring)."""

    def __init__(self, store: Store, base: str, traversal: str, snapshot_path: Path | None) -> None:
        """No I/O: the view starts empty; :meth:`load_snapshot` or :meth:`refresh` fill it."""
        self.store = store
        self.base = base
        self.traversal = traversal
        self.snapshot = snapshot_path
        self.derived = f"{base}graph/derived"
        self.facts: Facts | None = None  # kept after a refresh so the next ingest extends them
        self.recovered: str | None = None  # what opening did with an interrupted ingest, if any
        self.view = self._view_of(self.model_of(Facts()).model)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue of known document keys (writes add to it)."""
        return self.view.model.catalogue

    def select(self, query: str) -> list[tuple[str, ...]]:
        """A SELECT on the store as value tuples (see :func:`graph.sparql.select`)."""
        return select(self.store, query)

    # ------------------------------------------------------------- building
    def model_of(self, facts: Facts) -> Ahead:
        """The read model of ``facts`` and their digest (the store generation it describes)."""
        known = {c.id for c in campaign_scheme()}
        return Ahead(facts, ReadModel.build(facts, self.base, known), facts.digest())

    def model_ahead(self, new_facts: Facts) -> Ahead | None:
        """The facts in hand extended by ``new_facts`` and their model; None when the facts
        in hand are unknown. Pure: nothing is published until :meth:`install`."""
        if self.facts is None:
            return None
        facts = Facts()
        facts.extend(self.facts)
        facts.extend(new_facts)
        return self.model_of(facts)

    def refresh(self, changed: bool = False) -> None:
        """Rebuild the read model from the whole store (``changed``: the store was just written),
        without the graphs of a batch another process is still writing."""
        facts = facts_from_store(self.select)
        unsettled = journal.foreign(self.store, self.base)
        if unsettled is not None:
            log.warning("%s: its documents are left out until it has", unsettled.describe())
            skip = set(unsettled.graphs)
            facts.docs = [row for row in facts.docs if row[3] not in skip]
        self.install(self.model_of(facts), changed)

    def install(self, ahead: Ahead, changed: bool) -> None:
        """Make ``ahead`` the model queries read: the derived graph, the snapshot, then memory."""
        self.facts = ahead.facts
        self._write_derived(ahead.token, changed, ahead.model)
        faults.point("derived")
        if self.snapshot is not None and ahead.model.docs:
            try:
                snapshot.save(self.snapshot, ahead.token, ahead.model)
            except OSError as e:  # a read-only disk costs start-up time, not answers
                log.warning("could not write the index snapshot %s: %s", self.snapshot, e)
        self.view = self._view_of(ahead.model)

    def _view_of(self, model: ReadModel) -> ReadView:
        if self.traversal == "sparql":  # the server walks the lin:parent graph; drop the lists
            model.index = LineageIndex()
            return ReadView(model, SparqlIndex(self.store, self.base, self.derived))
        return ReadView(model, model.index)

    # ------------------------------------------------------------- snapshot
    def token(self) -> str | None:
        """The store's generation token (see :mod:`graph.snapshot`), if any."""
        rows = self.select(
            f"SELECT ?t WHERE {{ GRAPH <{self.derived}> {{ <{self.derived}> dcterms:identifier ?t }} }}"
        )
        return rows[0][0] if rows else None

    def load_snapshot(self) -> bool:
        """Use the snapshot's model when it describes the store as it is; whether it did.
        First, a batch an interrupted ingest left is finished or undone (:mod:`graph.journal`)."""
        self.recovered = self.recover()
        if self.snapshot is None or not self.snapshot.exists():
            return False
        token = self.token()
        model = snapshot.load(self.snapshot, token) if token else None
        if model is None:
            return False
        self.view = self._view_of(model)
        return True

    # ------------------------------------------------------------ recovery
    def recover(self) -> str | None:
        """Finish or undo the batch an interrupted ingest left (see :mod:`graph.journal`) and
        clean its leftovers; the one-line account of what was done, None when there was
        nothing to do. A batch whose writer may still run is left alone."""
        p = journal.pending(self.store, self.base)
        if p is None or not journal.repairable(self.store, p):
            journal.sweep(self.snapshot)
            return None
        files = None if p.loaded else p.nquads()
        if files is not None:  # the load was cut short: finish it (a quad loaded twice is one)
            for f in files:
                self.store.load_nquads(f)
            journal.loaded(self.store, self.base)
        if p.loaded or files is not None:  # every graph is whole: settle, as the ingest would have
            present = set(self.store.graphs())  # the change feed dates them, as the ingest would have
            ingestlog.stamp(self.store, self.base, [g for g in p.graphs if g in present])
            self.refresh(changed=True)
            settle.finish(self)
            how = "loaded again from its N-Quads and " if files is not None else ""
            what = f"{how}completed ({len(p.graphs)} new document graph(s))"
        else:  # the store as it was before the batch (its derived graph and snapshot still hold)
            for g in p.graphs:
                self.store.remove_graph(g)
            what = f"undone (the {len(p.graphs)} document graph(s) it had begun to load were removed)"
        journal.end(self.store, self.base)
        journal.sweep(self.snapshot)  # its work folder too, now that its files are not needed
        msg = f"an ingest interrupted after {p.started} was {what}; run the same ingest again to finish it"
        log.warning("%s", msg)
        return msg

    # -------------------------------------------------------- derived graph
    def _write_derived(self, token: str, changed: bool, model: ReadModel) -> None:
        """Materialise ``lin:parent`` and ``lin:stub`` in their own named graph, tagged
        with ``token`` (the digest of the facts they derive from; see :mod:`graph.snapshot`).
        Unchanged facts leave the graph alone, unless ``changed`` says the store was written."""
        if not changed and self.token() == token:
            return
        docs = model.docs
        triples = [Triple(N(docs[a].iri), N(LIN.parent), N(docs[b].iri)) for a, b in model.index.edges()]
        true = Literal("true", datatype=N(XSD.boolean))
        triples += [Triple(N(d.iri), N(LIN.stub), true) for d in docs.values() if d.stub]
        graphs = set(self.store.graphs()) if not triples else set()
        if not triples and self.derived not in graphs:
            return
        self.store.remove_graph(self.derived)
        if triples:
            triples.append(Triple(N(self.derived), N(DCTERMS.identifier), Literal(token)))
            self.store.load_nquads(nquads(self.derived, triples).encode("utf-8"))
