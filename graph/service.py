"""The facade the API, the views and the CLI use: ``Lineage(store)``.

Reads: a :class:`graph.store.Store`. Returns: plain dicts and lists (JSON-ready).

Why a summary cache and an index in memory: listing, search and traversals
must not run one SPARQL query per node. Both are rebuilt from the store with a
handful of whole-store queries after each ingest (derived data; the store is
the source of truth). The same refresh writes the derived named graph
(``lin:parent`` edges and ``lin:stub true`` marks) so SPARQL users see them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
from pyoxigraph import Literal, NamedNode, QueryBoolean, QueryResultsFormat, QueryTriples, RdfFormat, Triple

from graph import rdf, snapshot
from graph.bulk import Shards, Source, build_many, nquads
from graph.errors import NotFound, QueryError
from graph.identity import (
    DEFAULT_BASE,
    UNKNOWN,
    DocKey,
    id_of_iri,
    iri_of,
    key_of_id,
    number_slug,
    organ_of,
)
from graph.index import LineageIndex
from graph.paths import SparqlIndex
from graph.readmodel import Doc, Facts, ReadModel, facts_from_store
from graph.store import Store
from ingest.model import Issuer, PlanRecord, symbol_of
from ingest.text import fold, normalize, slugify
from ontology import ONTOLOGY_PATH, SHAPES_PATH, campaign_scheme
from ontology.ns import DCTERMS, ELI, LIN, ORG, PROV, RDF, RDFS, SKOS, XSD

__all__ = ["DEFAULT_BASE", "IngestReport", "Lineage"]

log = logging.getLogger(__name__)
# Whole traversal answers kept per read model (graph.service.Lineage.traversal_json).
JSON_CACHE_BYTES = 128 * 1024 * 1024

_PREFIXES = f"""PREFIX eli: <{ELI._NS}>
PREFIX lin: <{LIN._NS}>
PREFIX org: <{ORG._NS}>
PREFIX prov: <{PROV._NS}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <{RDFS}>
PREFIX rdf: <{RDF}>
PREFIX dcterms: <{DCTERMS}>
"""
_UPDATE_RE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b\s*(DATA|WHERE|SILENT|GRAPH|DEFAULT|ALL|NAMED|\{|<)",
    re.IGNORECASE,
)
_RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
_TYPE_WORDS = {
    "ke hoach": "ke_hoach",
    "ket luan": "ket_luan",
    "nghi quyet": "nghi_quyet",
    "chi thi": "chi_thi",
    "quyet dinh": "quyet_dinh",
    "chuong trinh": "chuong_trinh",
    "de an": "de_an",
    "chien luoc": "chien_luoc",
    "huong dan": "huong_dan",
    "cong van": "cong_van",
    "thong bao": "thong_bao",
    "thong tu": "thong_tu",
    "nghi dinh": "nghi_dinh",
    "luat": "luat",
    "to trinh": "to_trinh",
    "bao cao": "bao_cao",
}
_NUMBER_RE = re.compile(
    r"(?<![\d/])(\d+)\s*[-/]?\s*((?:[A-ZĐ][A-ZĐa-z]*)(?:\s*[-/]\s*[A-ZĐ][A-ZĐa-z]*)*)(?![\w])"
)
_BARE_NUMBER_RE = re.compile(r"(?:^|\s)(?:số\s+)?(\d+)(?=$|[\s,;.])")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class IngestReport:
    """How many records were written, and how many were already there unchanged."""

    ingested: int
    unchanged: int
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds) where the ingest spent its time


@contextlib.contextmanager
def _alongside(work: Callable[[], object]) -> Iterator[None]:
    """Run ``work`` in a thread while the block runs; its error is raised after the block.

    Why: the store's bulk loader releases the GIL and leaves CPU idle, so the read
    model of the graphs being loaded can be built at the same time.
    """
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as e:  # handed to the caller's thread below
            errors.append(e)

    thread = threading.Thread(target=run, name="lineage-load", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if errors:
        raise errors[0]


def _sort_key(d: Doc) -> tuple[str, str]:
    return (d.date or "9999", d.id)


class Lineage:
    """Ingest records, and answer lineage questions over the store."""

    def __init__(
        self,
        store: Store,
        base: str = DEFAULT_BASE,
        snapshot: str | os.PathLike[str] | None = None,
        traversal: str = "index",
    ) -> None:
        """``traversal``: ``"index"`` answers lineage questions from the in-memory index;
        ``"sparql"`` asks the store with property paths (:mod:`graph.paths`) and keeps
        no adjacency lists in this process, for graphs too big to hold."""
        if traversal not in ("index", "sparql"):
            raise ValueError(f"traversal must be 'index' or 'sparql', not {traversal!r}")
        self.store = store
        self.base = base
        self.traversal = traversal
        self._derived = f"{base}graph/derived"
        self.snapshot = Path(snapshot) if snapshot is not None else None
        self._facts: Facts | None = None  # kept after a refresh so the next ingest extends them
        self.from_snapshot = self._load_snapshot()  # how this process started (tests, logs)
        if not self.from_snapshot:
            self.refresh()

    # ------------------------------------------------------------------ ingest
    def ingest_records(self, records: Iterable[PlanRecord], workers: int | None = 1) -> IngestReport:
        """Write each record's named graph, then bring the read model up to date.

        New sources are built (in ``workers`` processes) and bulk-loaded in one
        go; a source already in the store is compared and replaced in its own
        transaction. Every complete key the batch states is catalogued first,
        so partial mentions resolve whatever the order of the records.
        """
        records = list(records)
        if not records:
            return IngestReport(ingested=0, unchanged=0)
        for rec in records:
            for k in rdf.stated_keys(rec):
                self._catalogue.add(k)
        existing = set(self.store.graphs())
        ingested = unchanged = 0
        replaced = False
        seen: set[str] = set()
        new_facts = Facts()
        fd, tmp = tempfile.mkstemp(prefix="lineage-", suffix=".nq")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                built_all = build_many(records, self.base, self._catalogue, workers)
                for rec, built in zip(records, built_all, strict=True):
                    for k in built.keys:
                        self._catalogue.add(k)
                    if built.graph in seen:  # the same source twice in one batch
                        unchanged += 1
                    elif built.graph in existing:
                        if self._write(rdf.build(rec, self.base, self._catalogue)):
                            ingested += 1
                            replaced = True
                        else:
                            unchanged += 1
                    else:
                        seen.add(built.graph)
                        out.write(built.nquads)
                        new_facts.extend(built.facts)
                        ingested += 1
            ahead = None
            if seen:
                with _alongside(lambda: self.store.load_nquads(tmp)):
                    ahead = None if replaced else self._model_ahead(new_facts)
        finally:
            os.unlink(tmp)
        self._settle(ingested, replaced, new_facts, ahead)
        return IngestReport(ingested=ingested, unchanged=unchanged)

    def ingest_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        workers: int | None = None,
        verdicts: Sequence[object] = (),
        progress: Callable[[str, int], None] | None = None,
    ) -> tuple[IngestReport, list[Source]]:
        """Extract, curate (``verdicts``) and ingest files: what ``lineage ingest`` runs.

        The same result as extracting every file and calling :meth:`ingest_records`,
        but each record stays in the worker that extracted it: the first pass sends
        back only its keys, the second writes its N-Quads straight to a file that
        the store bulk-loads. ``progress(phase, n)`` hears of every chunk done.
        Returns the report and a :class:`graph.bulk.Source` per path, in order
        (its ``error`` says why a file could not be read).
        """
        names = [os.fspath(p) for p in paths]
        if not names:
            return IngestReport(ingested=0, unchanged=0), []
        tick = (lambda phase: lambda n: progress(phase, n)) if progress else (lambda phase: None)
        t0 = time.perf_counter()
        with Shards(self.base, verdicts, workers, size=len(names)) as shards:
            sources = shards.extract(names, tick("extract"))
            t1 = time.perf_counter()
            for s in sources:
                for k in s.keys:
                    self._catalogue.add(k)
            existing = set(self.store.graphs())
            seen: set[str] = set()
            build: list[int] = []
            compare: list[int] = []
            unchanged = 0
            for i, s in enumerate(sources):
                if s.graph is None:
                    continue
                if s.graph in seen:  # the same source twice in one batch
                    unchanged += 1
                elif s.graph in existing:
                    compare.append(i)
                else:
                    seen.add(s.graph)
                    build.append(i)
            with tempfile.TemporaryDirectory(prefix="lineage-") as tmp:
                files, made = shards.build(self._catalogue, build, tmp, tick("build"))
                t2 = time.perf_counter()
                new_facts = Facts()
                for m in made:
                    for k in m.keys:
                        self._catalogue.add(k)
                    new_facts.extend(m.facts)
                with _alongside(lambda: [self.store.load_nquads(f) for f in files]):
                    ahead = None if compare else self._model_ahead(new_facts)
            t3 = time.perf_counter()
            old = shards.take(compare)
        ingested, replaced = len(build), False
        for i in compare:
            if self._write(rdf.build(old[i], self.base, self._catalogue)):
                ingested += 1
                replaced = True
            else:
                unchanged += 1
        self._settle(ingested, replaced, new_facts, ahead)
        t4 = time.perf_counter()
        log.info(
            "ingest of %d files: extract %.1fs, build %.1fs, load (read model alongside) %.1fs, settle %.1fs",
            len(names),
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
        )
        phases = (("extract", t1 - t0), ("build", t2 - t1), ("load", t3 - t2), ("settle", t4 - t3))
        return IngestReport(ingested=ingested, unchanged=unchanged, phases=phases), sources

    def _settle(
        self,
        ingested: int,
        replaced: bool,
        new_facts: Facts,
        ahead: tuple[Facts, ReadModel, str] | None = None,
    ) -> None:
        """After writing: re-resolve partial references, then bring the read model up to date
        (extended in memory when nothing was replaced, else read again from the store).
        ``ahead`` is that extended model, built while the store was loading."""
        if not ingested:
            return
        self._write_scheme()
        t = time.perf_counter()
        rewrote = self._reresolve()
        log.info("re-resolved partial references in %.1fs (rewrote: %s)", time.perf_counter() - t, rewrote)
        if replaced or rewrote or self._facts is None:
            self.refresh(changed=True)
            return
        ahead = ahead or self._model_ahead(new_facts)
        assert ahead is not None  # the facts in hand are known on this path
        self._facts = ahead[0]
        self._publish(ahead[1], ahead[2], changed=True)

    def _model_ahead(self, new_facts: Facts) -> tuple[Facts, ReadModel, str] | None:
        """The facts in hand extended by ``new_facts``, their model and token; None when the
        facts in hand are unknown. Pure: the service's state is untouched until published."""
        if self._facts is None:
            return None
        facts = Facts()
        facts.extend(self._facts)
        facts.extend(new_facts)
        return (facts, *self._model_of(facts))

    def _write_scheme(self) -> None:
        """The campaign scheme's graph, written (again) when the store's copy differs,
        so that plans' ``eli:is_about`` links land on described concepts."""
        self._put(*rdf.scheme_graph(self.base))

    def _write(self, rg: rdf.RecordGraph) -> bool:
        for k in rg.keys:
            self._catalogue.add(k)
        return self._put(rg.graph, rg.triples)

    def _put(self, graph: str, triples: Sequence[Triple]) -> bool:
        """Replace ``graph`` by ``triples`` unless the store holds exactly them; True when written."""
        if self.store.graph_triples(graph) == set(triples):
            return False
        self.store.replace_graph(graph, triples)
        return True

    def _reresolve(self, rounds: int = 3) -> bool:
        """Rebuild the graphs whose partial references (no year, no place) now
        have exactly one known match, so a stub merges with the document that
        arrived later and ingest order does not matter. True when it rewrote any."""
        rewrote = False
        for _ in range(rounds):
            cat = self._catalogue
            partial = [k for k in cat.all_keys() if UNKNOWN in (k.year, k.jurisdiction, k.body)]
            stale = [k for k in partial if cat.resolve(k) != k]
            if not stale:
                return rewrote
            values = " ".join(f"<{iri_of('.'.join(k.parts), self.base)}>" for k in stale)
            rows = self.store.query(
                _PREFIXES
                + f"""SELECT DISTINCT ?g ?json WHERE {{
                    VALUES ?d {{ {values} }}
                    GRAPH ?g {{ ?d a eli:LegalResource . ?s lin:recordJson ?json }} }}"""
            )
            for row in rows:
                g = row["g"].value
                sha = g.rsplit("/", 1)[-1]
                blob = row["json"].value
                rec = PlanRecord.from_json(json.loads(blob))
                rewrote = self._write(rdf.build(rec, self.base, cat, sha=sha, record_json=blob)) or rewrote
            for k in stale:
                cat.discard(k)
        return rewrote

    # ----------------------------------------------------------------- refresh
    def _select(self, query: str) -> list[tuple[str, ...]]:
        out = []
        for row in self.store.query(_PREFIXES + query):
            out.append(tuple(t.value if t is not None else None for t in row))
        return out

    def refresh(self, changed: bool = False) -> None:
        """Rebuild the read model from the whole store (``changed``: the store was just written)."""
        self._facts = facts_from_store(self._select)
        self._rebuild(changed)

    def _rebuild(self, changed: bool) -> None:
        """The read model from the facts; then the derived graph and the snapshot."""
        assert self._facts is not None
        self._publish(*self._model_of(self._facts), changed)

    def _model_of(self, facts: Facts) -> tuple[ReadModel, str]:
        """The read model of ``facts`` and their digest (the store generation it describes)."""
        known = {c.id for c in campaign_scheme()}
        return ReadModel.build(facts, self.base, known), facts.digest()

    def _publish(self, model: ReadModel, token: str, changed: bool) -> None:
        """Make ``model`` the one queries read: the derived graph, the snapshot, then memory."""
        self._write_derived(token, changed, model)
        if self.snapshot is not None and model.docs:
            try:
                snapshot.save(self.snapshot, token, model)
            except OSError as e:  # a read-only disk costs start-up time, not answers
                log.warning("could not write the index snapshot %s: %s", self.snapshot, e)
        self._use(model)

    def _use(self, model: ReadModel) -> None:
        if self.traversal == "sparql":  # the server walks the lin:parent graph; drop the lists
            model.index = LineageIndex()
            self.index: LineageIndex | SparqlIndex = SparqlIndex(self.store, self.base, self._derived)
        else:
            self.index = model.index
        self._model = model
        self._docs = model.docs
        self._bodies = model.bodies
        self._by_number = model.by_number
        self._catalogue = model.catalogue
        self._campaign_extra = model.campaign_extra
        self._summary_cache: dict[str, dict[str, Any]] = {}
        self._fragments: dict[str, str] = {}
        self._json_cache: OrderedDict[tuple[bool, str, int | None], bytes] = OrderedDict()
        self._json_cache_bytes = 0

    def _token(self) -> str | None:
        """The store's generation token (see :mod:`graph.snapshot`), if any."""
        rows = self._select(
            f"SELECT ?t WHERE {{ GRAPH <{self._derived}> {{ <{self._derived}> dcterms:identifier ?t }} }}"
        )
        return rows[0][0] if rows else None

    def _load_snapshot(self) -> bool:
        if self.snapshot is None or not self.snapshot.exists():
            return False
        token = self._token()
        model = snapshot.load(self.snapshot, token) if token else None
        if model is None:
            return False
        self._use(model)
        return True

    def _write_derived(self, token: str, changed: bool, model: ReadModel) -> None:
        """Materialise ``lin:parent`` and ``lin:stub`` in their own named graph, tagged
        with ``token`` (the digest of the facts they derive from; see :mod:`graph.snapshot`).
        Unchanged facts leave the graph alone, unless ``changed`` says the store was written."""
        if not changed and self._token() == token:
            return
        n = rdf.N
        docs = model.docs
        triples = [Triple(n(docs[a].iri), n(LIN.parent), n(docs[b].iri)) for a, b in model.index.edges()]
        true = Literal("true", datatype=n(XSD.boolean))
        triples += [Triple(n(d.iri), n(LIN.stub), true) for d in docs.values() if d.stub]
        graphs = set(self.store.graphs()) if not triples else set()
        if not triples and self._derived not in graphs:
            return
        self.store.remove_graph(self._derived)
        if triples:
            triples.append(Triple(n(self._derived), n(DCTERMS.identifier), Literal(token)))
            self.store.load_nquads(nquads(self._derived, triples).encode("utf-8"))

    # ------------------------------------------------------------- summaries
    def _doc(self, pid: str) -> Doc:
        d = self._docs.get(pid)
        if d is None:
            raise NotFound(f"unknown plan id: {pid}")
        return d

    def _summary(self, d: Doc) -> dict[str, Any]:
        """The summary dict of a document, built once per read model and shared:
        callers copy before they change it (traversals at national scale return
        thousands of these per request)."""
        s = self._summary_cache.get(d.id)
        if s is not None:
            return s
        b = self._bodies.get(d.body or "")
        s = self._summary_cache[d.id] = {
            "id": d.id,
            "iri": d.iri,
            "doc_type": d.doc_type,
            "number": d.number,
            "date": d.date,
            "title": d.title,
            "issuer": {
                "name": b.name if b else None,
                "system": b.system if b else None,
                "level": b.level if b else None,
                "province": b.province if b else None,
                "district": b.district if b else None,
                "commune": b.commune if b else None,
                "province_current": b.province_current if b else None,
            },
            "stub": d.stub,
        }
        return s

    def knows(self, id: str) -> bool:
        """Whether ``id`` names a document of the graph (ingested or a stub)."""
        return id in self._docs

    def summary(self, id: str) -> dict[str, Any]:
        """A short description of a document (NotFound for an unknown id)."""
        s = self._summary(self._doc(id))
        return s | {"issuer": dict(s["issuer"])}

    def _summaries(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        return [dict(self._summary(d)) for d in sorted((self._docs[i] for i in ids), key=_sort_key)]

    # ------------------------------------------------------------------ plans
    def plan(self, id: str) -> dict[str, Any] | None:
        """The extracted record plus id, iri, parents, children, roots, stub and links."""
        d = self._docs.get(id)
        if d is None:
            return None
        iri = NamedNode(d.iri)
        rec: dict[str, Any]
        if not d.stub:
            rows = self._select(
                f"""SELECT ?s ?json WHERE {{ GRAPH ?g {{ {iri} prov:wasDerivedFrom ?s .
                    ?s lin:recordJson ?json }} }} ORDER BY ?s LIMIT 1"""
            )
            rec = json.loads(rows[0][1])
        else:
            s = self._summary(d)
            rec = {
                "source": None,
                "doc_type": d.doc_type,
                "number": d.number,
                "symbol": symbol_of(d.number),
                "date": d.date,
                "title": d.title,
                "issuer": s["issuer"],
                "implements": [
                    {k: v for k, v in self._summary(self._docs[t]).items() if k not in ("iri", "stub")}
                    | {"implements": []}
                    for t in self.index.implemented(id)
                ],
                "based_on": [],
                "cites": [],
                "campaigns": [],
                "signer": None,
                "recipients": [],
                "targets": [],
                "evidence": {},
                "sha256": None,
            }
        rec.update(
            id=d.id,
            iri=d.iri,
            parents=self.index.parents(id),
            children=self.index.children(id),
            root=self.index.roots(id),  # the contract names the top ids "root"
            stub=d.stub,
            links=self._links(iri),
        )
        return rec

    def _links(self, iri: NamedNode) -> list[dict[str, Any]]:
        """Every link whose source is ``iri``, with its evidence and the plan that states it.

        Two queries, not one: matching the stating plan inside the same pattern
        (an OPTIONAL per link) took a second on a province plan of a 20,000-plan
        store, whose children each restate its chain; looked up by source it is
        one indexed VALUES join.
        """
        links = self._select(
            f"""SELECT DISTINCT ?t ?rel ?text ?start ?end ?method ?conf ?basis ?review ?src
            WHERE {{ GRAPH ?g {{
                ?l lin:linkSource {iri} ; lin:linkTarget ?t ; lin:relation ?rel ;
                   lin:method ?method ; lin:basis ?basis ; lin:reviewState ?review ;
                   prov:wasDerivedFrom ?src .
                OPTIONAL {{ ?l lin:evidenceText ?text }}
                OPTIONAL {{ ?l lin:evidenceStart ?start }}
                OPTIONAL {{ ?l lin:evidenceEnd ?end }}
                OPTIONAL {{ ?l lin:confidence ?conf }}
            }} }}"""
        )
        staters: dict[str, list[str]] = defaultdict(list)
        sources = sorted({row[-1] for row in links if row[-1]})
        for i in range(0, len(sources), 500):
            values = " ".join(f"<{s}>" for s in sources[i : i + 500])
            for src, stater in self._select(
                f"""SELECT DISTINCT ?src ?stater WHERE {{ VALUES ?src {{ {values} }}
                    GRAPH ?g {{ ?stater prov:wasDerivedFrom ?src ; a eli:LegalResource }} }}"""
            ):
                staters[src].append(stater)
        rows = sorted(
            {(*row[:-1], st) for row in links for st in (staters.get(row[-1]) or [None])},
            key=lambda r: tuple("" if v is None else str(v) for v in r),
        )
        out = []
        src_id = id_of_iri(iri.value, self.base)
        for t, rel, text, start, end, method, conf, basis, review, stater in rows:
            out.append(
                {
                    "source": src_id,
                    "target": id_of_iri(t, self.base),
                    "relation": rdf.RELATION_NAME.get(rel, rel),
                    "evidence": {
                        "text": text,
                        "start": int(start) if start is not None else None,
                        "end": int(end) if end is not None else None,
                        "method": method,
                        "confidence": float(conf) if conf is not None else None,
                        "basis": basis,
                    },
                    "review": review,
                    "stated_by": id_of_iri(stater, self.base) if stater else None,
                }
            )
        return sorted(out, key=lambda x: (x["relation"], x["target"] or "", x["stated_by"] or ""))  # stable

    def children(self, id: str) -> list[dict[str, Any]]:
        """The documents whose parents include ``id``."""
        self._doc(id)
        return self._summaries(self.index.children(id))

    def _with_depth(self, pairs: list[tuple[str, int]], sign: int = 1) -> list[dict[str, Any]]:
        cache, docs, summary = self._summary_cache, self._docs, self._summary
        return [(cache.get(n) or summary(docs[n])) | {"depth": sign * dep} for n, dep in pairs]

    def descendants(self, id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
        """Every document below ``id`` with its (minimum) depth, nearest first."""
        self._doc(id)
        return self._with_depth(self.index.descendants(id, max_depth))

    def ancestors(self, id: str, max_depth: int | None = None) -> list[dict[str, Any]]:
        """Every document above ``id`` up to the roots, with its depth, nearest first."""
        self._doc(id)
        return self._with_depth(self.index.ancestors(id, max_depth))

    def traversal_json(self, id: str, down: bool = True, max_depth: int | None = None) -> bytes:
        """:meth:`descendants` (``down``) or :meth:`ancestors` as JSON bytes, ready to send.

        Why: a province plan has thousands of descendants at national scale and is
        asked for again and again. Each document's JSON is made once per read model,
        so an answer is a join of ready fragments; whole answers are kept in a
        small LRU bounded in bytes. Both caches go with the read model they came from.
        """
        key = (down, id, max_depth)
        cache = self._json_cache
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        self._doc(id)
        pairs = self.index.descendants(id, max_depth) if down else self.index.ancestors(id, max_depth)
        frag = self._fragment
        body = ("[" + ",".join(f'{frag(n)},"depth":{d}}}' for n, d in pairs) + "]").encode("utf-8")
        if len(body) <= JSON_CACHE_BYTES // 8:
            cache[key] = body
            self._json_cache_bytes += len(body)
            while self._json_cache_bytes > JSON_CACHE_BYTES:
                _, old = cache.popitem(last=False)
                self._json_cache_bytes -= len(old)
        return body

    def _fragment(self, pid: str) -> str:
        """A document's summary as JSON without its closing brace (see :meth:`traversal_json`)."""
        f = self._fragments.get(pid)
        if f is None:
            f = self._fragments[pid] = orjson.dumps(self._summary(self._docs[pid])).decode("utf-8")[:-1]
        return f

    def roots(self) -> list[dict[str, Any]]:
        """Documents without parents that have descendants: the heads of cascades."""
        return self._summaries(self.index.global_roots())

    def cascade(self, id: str, max_depth: int | None = None) -> dict[str, Any]:
        """Ancestors (negative depth), the document (0) and descendants, with parent edges."""
        d = self._doc(id)
        nodes = [self._summary(d) | {"depth": 0}]
        nodes += self._with_depth(self.index.ancestors(id, max_depth), -1)
        nodes += self._with_depth(self.index.descendants(id, max_depth))
        for n in nodes:
            n["level"] = n["issuer"]["level"]
        ids = {n["id"] for n in nodes}
        edges = [
            {"source": a, "target": b, "relation": "parent"}
            for a, b in self.index.edges()
            if a in ids and b in ids
        ]
        return {"nodes": nodes, "edges": edges}

    # ----------------------------------------------------------------- search
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
        qn = normalize(q).casefold() if q and q.strip() else None
        tokens = fold(q).split() if qn else []
        pf = fold(province) if province else None
        hits: list[tuple[int, bool, str, Doc]] = []
        for d in self._docs.values():
            b = self._bodies.get(d.body or "")
            if pf and not (b and pf in {fold(b.province or ""), fold(b.province_current or "")}):
                continue
            if level and (b is None or b.level != level):
                continue
            if system and (b is None or b.system != system):
                continue
            if year is not None and str(year) and (d.date or "")[:4] != str(year):
                continue
            exact = 0
            if qn:
                padded = f" {d.folded} "
                if not all(f" {t}" in padded for t in tokens):
                    continue
                exact = 0 if qn in d.haystack else 1
            hits.append((exact, d.stub, d.id, d))
        hits.sort(key=lambda h: h[:3])
        page = hits[max(0, offset) : max(0, offset) + max(0, limit)]
        return len(hits), [dict(self._summary(h[3])) for h in page]

    def resolve(self, text: str, limit: int = 10) -> list[str]:
        """The ids a free-text reference names, best first ("241-KH/TU Bắc Kạn", "Kết luận 70")."""
        t = normalize(text or "")
        if not t:
            return []
        if t in self._docs:
            return [t]
        ft = f" {fold(t)} "
        m = _NUMBER_RE.search(t)
        rest = t
        if m:
            num = number_slug(m.group(0))
            cands = list(self._by_number.get(num, ()))
            rest = t[: m.start()] + " " + t[m.end() :]
        else:
            bm = _BARE_NUMBER_RE.search(t)
            if not bm:
                total, hits = self.search(q=t, limit=limit)
                return [h["id"] for h in hits]
            digits = bm.group(1)
            cands = [
                i
                for n, ids in self._by_number.items()
                if n == digits or n.startswith(digits + "-")
                for i in ids
            ]
            rest = t[: bm.start()] + " " + t[bm.end() :]
        if not cands:
            return []
        doc_type = next((v for k, v in _TYPE_WORDS.items() if f" {k} " in ft), None)
        years = _YEAR_RE.findall(rest)
        year = years[-1] if years else None
        provinces = {
            slugify(b.province)
            for b in self._bodies.values()
            if b.province and f" {fold(b.province)} " in f" {fold(rest)} "
        }
        body = None
        issuer_text = re.split(r"\bcủa\b", rest, maxsplit=1, flags=re.IGNORECASE)
        if len(issuer_text) == 2 and issuer_text[1].strip():
            body = organ_of(Issuer(name=issuer_text[1].strip()))

        def checks(pid: str) -> dict[str, bool | None]:
            k: DocKey = key_of_id(pid)
            return {
                "type": None if doc_type is None else slugify(doc_type) == k.doc_type,
                "province": None if not provinces else k.jurisdiction.split(".")[0] in provinces,
                "year": None if year is None else k.year == year,
                "body": None if body in (None, UNKNOWN) else k.body == body,
            }

        scored = {pid: checks(pid) for pid in cands}
        # Drop candidates contradicting a stated fact, when some candidate agrees with it.
        for fact in ("type", "province", "year", "body"):
            if any(c[fact] for c in scored.values()):
                scored = {p: c for p, c in scored.items() if c[fact] is not False}
        weight = {"type": 4, "province": 3, "year": 2, "body": 2}

        def score(pid: str) -> tuple[int, int, str]:
            c = scored[pid]
            s = sum(weight[f] for f, ok in c.items() if ok)
            return (-s, 1 if self._docs[pid].stub else 0, pid)

        return sorted(scored, key=score)[:limit]

    # ------------------------------------------------------- campaigns, bodies
    def campaigns(self) -> list[dict[str, Any]]:
        """Known campaigns (and any other cited ones) with how many plans cite each."""
        counts: dict[str, int] = defaultdict(int)
        for d in self._docs.values():
            for c in d.campaigns:
                counts[c] += 1
        out = [
            {"id": c.id, "label": c.pref_label, "alt_labels": list(c.alt_labels), "plan_count": counts[c.id]}
            for c in campaign_scheme()
        ]
        out += [
            {"id": cid, "label": lab, "alt_labels": alts, "plan_count": counts[cid]}
            for cid, (lab, alts) in sorted(self._campaign_extra.items())
        ]
        return out

    def campaign_plans(self, cid: str) -> list[dict[str, Any]]:
        """The plans citing a campaign (NotFound for an unknown campaign)."""
        if cid not in {c["id"] for c in self.campaigns()}:
            raise NotFound(f"unknown campaign id: {cid}")
        return self._summaries(i for i, d in self._docs.items() if cid in d.campaigns)

    def bodies(self) -> list[dict[str, Any]]:
        """Issuing bodies with their place and number of documents."""
        counts: dict[str, int] = defaultdict(int)
        for d in self._docs.values():
            if d.body:
                counts[d.body] += 1
        return [
            {
                "id": b.id,
                "name": b.name,
                "system": b.system,
                "level": b.level,
                "province": b.province,
                "district": b.district,
                "plan_count": counts[b.id],
            }
            for b in sorted(self._bodies.values(), key=lambda b: b.id)
        ]

    def body_plans(self, bid: str) -> list[dict[str, Any]]:
        """The documents of one issuing body (NotFound for an unknown body)."""
        if bid not in self._bodies:
            raise NotFound(f"unknown body id: {bid}")
        return self._summaries(i for i, d in self._docs.items() if d.body == bid)

    def stats(self) -> dict[str, int]:
        """Counts of plans (ingested), stubs, parent edges, bodies, cited campaigns, provinces."""
        stubs = sum(1 for d in self._docs.values() if d.stub)
        provinces = {b.province for b in self._bodies.values() if b.province}
        cited = {c for d in self._docs.values() for c in d.campaigns}
        return {
            "plans": len(self._docs) - stubs,
            "stubs": stubs,
            "edges": len(self.index.edges()),
            "bodies": len(self._bodies),
            "campaigns": len(cited),
            "provinces": len(provinces),
        }

    # ------------------------------------------------------------------ SPARQL
    def sparql(self, query: str, accept: str | None = None) -> tuple[bytes, str]:
        """Run a read-only SPARQL query; the body and its media type."""
        if not query or not query.strip():
            raise QueryError("empty query")
        stripped = re.sub(r"#[^\n]*", " ", query)
        stripped = re.sub(r"\b(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)", " ", stripped, flags=re.I)
        if _UPDATE_RE.match(stripped.strip()) or re.match(
            r"\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|WITH)\b", stripped, re.I
        ):
            raise QueryError("the SPARQL endpoint is read-only: updates are refused")
        wanted = [a.split(";")[0].strip().lower() for a in (accept or "").split(",") if a.strip()]
        try:
            result = self.store.query(query)
            if isinstance(result, QueryTriples):
                mt = next((a for a in wanted if a in _GRAPH_TYPES), "text/turtle")
                return result.serialize(format=_GRAPH_TYPES[mt]), mt
            mt = next((a for a in wanted if a in _RESULT_TYPES), "application/sparql-results+json")
            if isinstance(result, QueryBoolean):
                return result.serialize(format=_RESULT_TYPES[mt]), mt
            return result.serialize(format=_RESULT_TYPES[mt]), mt
        except QueryError:
            raise
        except Exception as e:  # evaluation errors surface lazily while serialising
            raise QueryError(f"query failed: {e}") from e

    # ------------------------------------------------------------------ export
    def export(self, fmt: str) -> bytes:
        """The whole graph as ttl, nt or jsonld; the lineage index as graphml or csv."""
        if fmt in ("ttl", "nt", "jsonld"):
            return self.store.dump(fmt)
        if fmt == "graphml":
            g = nx.DiGraph()
            for d in self._docs.values():
                s = self._summary(d)
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
            g.add_edges_from(self.index.edges(), relation="parent")
            buf = io.BytesIO()
            nx.write_graphml(g, buf, encoding="utf-8")
            return buf.getvalue()
        if fmt == "csv":
            buf_s = io.StringIO()
            w = csv.writer(buf_s, lineterminator="\n")
            w.writerow(
                ["child_id", "child_number", "child_issuer", "parent_id", "parent_number", "parent_issuer"]
            )
            for a, b in self.index.edges():
                sa, sb = self._summary(self._docs[a]), self._summary(self._docs[b])
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
        raise ValueError(f"unknown export format {fmt!r}: one of ttl, nt, jsonld, graphml, csv")

    # ---------------------------------------------------------------- validate
    def validate(self) -> tuple[bool, str]:
        """SHACL-validate the store content (with the ontology) against shapes.ttl."""
        import pyshacl
        from rdflib import Graph

        data = Graph().parse(data=self.store.dump("nt"), format="nt")
        shapes = Graph().parse(SHAPES_PATH, format="turtle")
        ont = Graph().parse(ONTOLOGY_PATH, format="turtle")
        conforms, _, text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True
        )
        return bool(conforms), str(text)
