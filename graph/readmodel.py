"""The read model: what the service answers from, built from a few kinds of facts.

Reads: :class:`Facts`, either fetched from the store with four whole-store
SPARQL queries (:func:`facts_from_store`) or taken from the triples of graphs
being written (:func:`facts_of_graph`). Returns: :class:`ReadModel`, the
document summaries, issuing bodies, number catalogue and lineage index.

Why facts as a separate step: a bulk ingest already holds the triples it
writes, so it can extend the facts in memory and rebuild the model without
reading 100,000 graphs back from the store; a fresh process, or a change that
replaced graphs, reads them from the store instead. Both paths feed the very
same :meth:`ReadModel.build`, so they cannot disagree. The built model pickles
(see :mod:`graph.snapshot`), which is how ``lineage serve`` starts in seconds.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from hashlib import blake2b as _blake

from pyoxigraph import Triple

from graph import terms
from graph.identity import CENTRAL, Catalogue, id_of_iri, key_of_id
from graph.index import LineageIndex
from ingest.text import fold, normalize
from ontology import campaign_scheme
from ontology.ns import CAMPAIGN_NS, DCTERMS, ELI, LIN, ORG, PROV, RDF, RDFS, SKOS

__all__ = ["Body", "Doc", "Facts", "ReadModel", "facts_from_store", "facts_of_graph"]

_DOC_PROPS = frozenset(
    str(p)
    for p in (
        RDF.type,
        ELI.id_local,
        ELI.date_document,
        ELI.title,
        ELI.passed_by,
        LIN.implements,
        ELI.is_about,
        PROV.wasDerivedFrom,
    )
)
_PLACE_PROPS = frozenset(str(p) for p in (SKOS.prefLabel, DCTERMS.isPartOf, LIN.successor))
_ORG_PROPS = frozenset(str(p) for p in (RDFS.label, ORG.classification, DCTERMS.spatial))
_TYPE = str(RDF.type)
_DOC_CLASS, _PLACE_CLASS = str(ELI.LegalResource), str(LIN.AdministrativeUnit)
_ORG_CLASS, _CAMPAIGN_CLASS = str(ORG.Organization), str(LIN.Campaign)
_PREF_LABEL = str(SKOS.prefLabel)
_FACT_PROPS = _DOC_PROPS | _PLACE_PROPS | _ORG_PROPS | {_TYPE, _PREF_LABEL}
_SYSTEMS = {str(x) for x in terms.SYSTEM_CONCEPT.values()}
_LEVELS = {str(x) for x in terms.LEVEL_CONCEPT.values()}


@dataclass
class Doc:
    """The summary of one document node, as the whole store describes it."""

    id: str
    iri: str
    doc_type: str = "other"
    number: str | None = None
    date: str | None = None
    title: str | None = None
    body: str | None = None
    stub: bool = True
    campaigns: set[str] = field(default_factory=set)
    haystack: str = ""
    folded: str = ""


@dataclass
class Body:
    id: str
    iri: str
    name: str | None = None
    system: str | None = None
    level: str | None = None
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    province_current: str | None = None


@dataclass
class Facts:
    """The triples the read model needs, as plain strings.

    ``docs``: (document, property, value, graph) for documents' own properties;
    ``places``, ``orgs``: (node, property, value) of administrative units and
    organisations; ``campaigns``: (campaign, prefLabel).
    """

    docs: list[tuple[str, str, str, str]] = field(default_factory=list)
    places: set[tuple[str, str, str]] = field(default_factory=set)
    orgs: set[tuple[str, str, str]] = field(default_factory=set)
    campaigns: set[tuple[str, str]] = field(default_factory=set)

    def digest(self) -> str:
        """A hash of the facts, whatever their order: the store's generation token.

        Two stores holding the same documents get the same token (and identical
        dumps); any change a reader could see changes it.
        """
        # Order-free without sorting: the sum of the rows' own hashes, one sum per part
        # (sorting ~700,000 rows of a 20,000-plan store took seconds; this is linear).
        h = hashlib.sha256()
        for part in (set(self.docs), self.places, self.orgs, self.campaigns):
            total = sum(
                int.from_bytes(_blake("\x1f".join(row).encode("utf-8"), digest_size=16).digest(), "big")
                for row in part
            )
            h.update(f"{len(part)}:{total % (1 << 128):032x};".encode("ascii"))
        return h.hexdigest()

    def extend(self, other: Facts) -> None:
        self.docs.extend(other.docs)
        self.places |= other.places
        self.orgs |= other.orgs
        self.campaigns |= other.campaigns


def facts_from_store(select: Callable[[str], list[tuple[str, ...]]]) -> Facts:
    """The facts of the whole store; ``select`` runs a SELECT (prefixes included) as tuples."""
    f = Facts()
    f.docs = select(  # type: ignore[assignment]
        """SELECT ?d ?p ?o ?g WHERE { GRAPH ?g {
            ?d a eli:LegalResource ; ?p ?o .
            VALUES ?p { rdf:type eli:id_local eli:date_document eli:title eli:passed_by
                        lin:implements eli:is_about prov:wasDerivedFrom } } }"""
    )
    f.places = set(
        select(  # type: ignore[arg-type]
            """SELECT DISTINCT ?u ?p ?v WHERE { GRAPH ?g { ?u a lin:AdministrativeUnit ; ?p ?v .
                VALUES ?p { skos:prefLabel dcterms:isPartOf lin:successor } } }"""
        )
    )
    f.orgs = set(
        select(  # type: ignore[arg-type]
            """SELECT DISTINCT ?o ?p ?v WHERE { GRAPH ?g { ?o a org:Organization ; ?p ?v .
                VALUES ?p { rdfs:label org:classification dcterms:spatial } } }"""
        )
    )
    known = _known_campaigns()
    f.campaigns = {
        (c, lab)
        for c, lab in select(
            "SELECT DISTINCT ?c ?l WHERE { GRAPH ?g { ?c a lin:Campaign ; skos:prefLabel ?l } }"
        )
        if c not in known  # the scheme's own graph describes these
    }
    return f


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a large structure is built or loaded.

    Why: a read model of 100,000 plans is millions of small containers; every
    young-generation threshold they cross makes the collector rescan the heap
    (unpickling one took 3 s instead of 1 s). None of them is garbage until the
    model is replaced, and they hold no cycles the collector could free.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def _known_campaigns() -> frozenset[str]:
    """The IRIs of the scheme's campaigns: the facts keep only the campaigns plans describe."""
    return frozenset(c.iri for c in campaign_scheme())


def facts_of_graph(graph: str, triples: Iterable[Triple]) -> Facts:
    """The facts one named graph contributes (what :func:`facts_from_store` would read of it)."""
    # Most triples (links, evidence, targets) carry no fact: skip them on the predicate alone.
    ts = [(t.subject.value, p, t.object.value) for t in triples if (p := t.predicate.value) in _FACT_PROPS]
    types: dict[str, set[str]] = defaultdict(set)
    for s, p, o in ts:
        if p == _TYPE:
            types[s].add(o)
    f = Facts()
    for s, p, o in ts:
        kinds = types.get(s)
        if not kinds:
            continue
        if _DOC_CLASS in kinds and p in _DOC_PROPS:
            f.docs.append((s, p, o, graph))
        if _PLACE_CLASS in kinds and p in _PLACE_PROPS:
            f.places.add((s, p, o))
        if _ORG_CLASS in kinds and p in _ORG_PROPS:
            f.orgs.add((s, p, o))
        if _CAMPAIGN_CLASS in kinds and p == _PREF_LABEL and s not in _known_campaigns():
            f.campaigns.add((s, o))
    return f


def _best(values: Iterable[str]) -> str | None:
    """The most informative of several stated values: longest, then smallest."""
    vs = sorted(set(values), key=lambda v: (-len(v), v))
    return vs[0] if vs else None


@dataclass
class ReadModel:
    """Summaries, bodies, catalogue and index: everything queries read."""

    docs: dict[str, Doc]
    bodies: dict[str, Body]
    by_number: dict[str, list[str]]
    catalogue: Catalogue
    index: LineageIndex
    campaign_extra: dict[str, tuple[str, list[str]]]

    @classmethod
    @collector_paused()
    def build(cls, facts: Facts, base: str, known_campaigns: set[str]) -> ReadModel:
        docs: dict[str, Doc] = {}
        vals: dict[tuple[str, str], list[str]] = defaultdict(list)
        own: dict[tuple[str, str], list[str]] = defaultdict(list)
        edges: list[tuple[str, str]] = []
        ingested: set[str] = set()
        own_graphs: dict[str, set[str]] = defaultdict(set)
        derived_from, rdf_type, implements, is_about = (
            str(PROV.wasDerivedFrom),
            _TYPE,
            str(LIN.implements),
            str(ELI.is_about),
        )
        for d, p, _o, g in facts.docs:
            if p == derived_from:
                own_graphs[d].add(g)
        pids: dict[str, str | None] = {}
        for d, p, o, g in facts.docs:
            pid = pids.get(d, "")
            if pid == "":
                pid = pids[d] = id_of_iri(d, base)
            if pid is None:
                continue
            doc = docs.get(pid)
            if doc is None:
                doc = docs[pid] = Doc(id=pid, iri=d)
            if p == rdf_type:
                if o in terms.CLASS_DOC_TYPE:
                    doc.doc_type = terms.CLASS_DOC_TYPE[o]
            elif p == implements:
                tid = id_of_iri(o, base)
                if tid is not None:
                    edges.append((pid, tid))
            elif p == is_about:
                doc.campaigns.add(o.removeprefix(CAMPAIGN_NS))
            elif p == derived_from:
                ingested.add(pid)
            else:
                vals[(pid, p)].append(o)
                if g in own_graphs.get(d, ()):
                    own[(pid, p)].append(o)
        p_number, p_date, p_title, p_org = (
            str(ELI.id_local),
            str(ELI.date_document),
            str(ELI.title),
            str(ELI.passed_by),
        )
        org_prefix = f"{base}org/"
        for pid, doc in docs.items():
            doc.stub = pid not in ingested

            def pick(p: str, pid: str = pid) -> str | None:
                return _best(own.get((pid, p)) or vals.get((pid, p), ()))

            doc.number = pick(p_number)
            doc.date = pick(p_date)
            doc.title = pick(p_title)
            org = pick(p_org)
            doc.body = org.removeprefix(org_prefix).replace("/", ".") if org else None

        bodies = _bodies(facts, base)
        for doc in docs.values():
            b = bodies.get(doc.body or "")
            name = b.name if b else None
            doc.haystack = normalize(" ".join(x for x in (doc.number, doc.title, name) if x)).casefold()
            doc.folded = fold(doc.haystack)
        by_number: dict[str, list[str]] = defaultdict(list)
        keys = []
        for pid in sorted(docs):
            k = key_of_id(pid)
            keys.append(k)
            by_number[k.number].append(pid)
        extra: dict[str, tuple[str, list[str]]] = {}
        for c, lab in sorted(facts.campaigns):
            cid = c.removeprefix(CAMPAIGN_NS)
            if cid not in known_campaigns and cid not in extra:
                extra[cid] = (lab, [])
        return cls(
            docs=docs,
            bodies=bodies,
            by_number=dict(by_number),
            catalogue=Catalogue(keys),
            index=LineageIndex(edges, nodes=docs),
            campaign_extra=extra,
        )


def _bodies(facts: Facts, base: str) -> dict[str, Body]:
    places: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for u, p, v in facts.places:
        places[u][p].append(v)

    def label(u: str | None) -> str | None:
        return _best(places[u][_PREF_LABEL]) if u and u in places else None

    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for o, p, v in facts.orgs:
        props[o][p].append(v)
    bodies: dict[str, Body] = {}
    central = terms.place_iri(CENTRAL, base)
    p_label, p_class, p_spatial = str(RDFS.label), str(ORG.classification), str(DCTERMS.spatial)
    p_part, p_succ = str(DCTERMS.isPartOf), str(LIN.successor)
    for o in sorted(props):
        pv = props[o]
        bid = o.removeprefix(f"{base}org/").replace("/", ".")
        b = bodies[bid] = Body(id=bid, iri=o, name=_best(pv[p_label]))
        for c in sorted(pv[p_class]):
            v = terms.CONCEPT_VALUE.get(c)
            if c in _SYSTEMS:
                b.system = v
            elif c in _LEVELS:
                b.level = v
        unit = min(pv[p_spatial], default=None)
        if unit and unit != central:
            # up the isPartOf chain: commune -> district -> province
            chain = [unit]
            while len(chain) < 3 and (up := min(places[chain[-1]][p_part], default=None)):
                chain.append(up)
            prov = chain[-1]
            b.province = label(prov)
            if len(chain) >= 2:
                b.district = label(chain[-2])
            if len(chain) == 3:
                b.commune = label(chain[0])
            # No lin:successor: the province stayed itself in 2025 (graph.rdf writes no self-loop).
            succ = min(places[prov][p_succ], default=None)
            b.province_current = label(succ) if succ else label(prov)
    return bodies
