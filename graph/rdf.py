"""Record -> RDF: one named graph per ingested source document.

Reads: an :class:`ingest.model.PlanRecord`. Returns: the graph IRI and the
triples of that graph (pyoxigraph terms, so the store writes them without
conversion): the document, every document it references (stubs carrying what
the reference says), the links with their evidence, issuers, places, campaigns,
signer, targets and the provenance of it all.

Why stubs carry no ``lin:stub`` here: a document is a stub when *no* named graph
ingested it, a fact about the whole store, not about one source. Ingested
documents carry ``prov:wasDerivedFrom`` their source; the service derives
``lin:stub`` from the absence of that triple.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode, Triple

from graph.identity import (
    CENTRAL,
    DEFAULT_BASE,
    UNKNOWN,
    Catalogue,
    DocKey,
    LayeredCatalogue,
    doc_key,
    number_norm,
    plan_id,
)
from graph.ocr_resolve import misread, resolved_evidence
from graph.placeslug import place_slug
from graph.sources import all_evidence, public_source, source_sha, stated_ref_keys
from graph.terms import (
    DOC_CLASS,
    LEVEL_CONCEPT,
    RDF_JSON,
    RELATIONS,
    SYSTEM_CONCEPT,
    N,
    Nodes,
    date_literal,
    graph_iri,
    org_iri,
    place_iri,
    source_iri,
)
from ingest.campaigns import case_normalised, match_campaign
from ingest.model import Evidence, Issuer, PlanRecord, Ref, symbol_of
from ingest.text import normalize, slugify
from ontology.ns import CAMPAIGN_NS, DCTERMS, ELI, FOAF, LIN, ORG, PROV, RDF, RDFS, SKOS, XSD

# Bodies below the province: a reference naming one without a place takes the
# citing document's district, the others its province.
_DISTRICT_BODIES = {"huyen-uy", "thanh-uy", "thi-uy", "quan-uy"}


def _decimal(x: float | int) -> Literal | None:
    try:
        d = Decimal(str(x))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return Literal(format(d.normalize(), "f"), datatype=N(XSD.decimal))


def _h(*parts: str, n: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


@dataclass
class RecordGraph:
    """The RDF of one record, and the keys it mentions (for the catalogue)."""

    graph: str
    triples: list[Triple]
    doc_id: str
    keys: list[DocKey] = field(default_factory=list)


_RDF, _RDFS, _ELI, _LIN, _ORG = Nodes(RDF), Nodes(RDFS), Nodes(ELI._NS), Nodes(LIN._NS), Nodes(ORG._NS)
_PROV, _DCTERMS, _SKOS, _FOAF = Nodes(PROV._NS), Nodes(DCTERMS), Nodes(SKOS), Nodes(FOAF)
_XSD = Nodes(XSD)


# Pieces of graphs that many records repeat word for word (the description of a
# cited parent, of a province, of an issuing body): built once per process.
_PIECES: dict[tuple[object, ...], tuple[NamedNode, frozenset[Triple]]] = {}
_MAX_PIECES = 500_000


class _Writer:
    """Accumulates the triples of one record; links are written in one place."""

    def __init__(
        self, record: PlanRecord, base: str, catalogue: Catalogue | None, sha: str | None = None
    ) -> None:
        self.record = record
        self.base = base
        self.catalogue = catalogue
        self.sha = sha or source_sha(record)
        self.triples: set[Triple] = set()
        self.keys: dict[str, DocKey] = {}
        self._linked: set[tuple[str, str, str]] = set()

    def add(self, s: object, p: object, o: object) -> None:
        self.triples.add(
            Triple(
                s if type(s) is NamedNode else N(s),
                p if type(p) is NamedNode else N(p),
                o if isinstance(o, (NamedNode, Literal)) else N(o),
            )
        )

    def _piece(self, key: tuple[object, ...], make: Callable[[], NamedNode]) -> NamedNode:
        """``make()``'s node, its triples added; memoised on ``key`` (which must name every
        input ``make`` reads), because a national cascade cites the same parent thousands of times."""
        hit = _PIECES.get(key)
        if hit is None:
            outer, self.triples = self.triples, set()
            try:
                node = make()
                hit = (node, frozenset(self.triples))
            finally:
                self.triples = outer
            if len(_PIECES) >= _MAX_PIECES:
                _PIECES.clear()
            _PIECES[key] = hit
        self.triples |= hit[1]
        return hit[0]

    # -- identity ---------------------------------------------------------
    def resolve_key(self, key: DocKey, context: str | None) -> DocKey:
        """Resolve against known documents; fill a missing place from the context."""
        cat = self.catalogue
        if cat is not None:
            found = cat.resolve(key, context)
            if found != key:
                return found
        if key.jurisdiction == UNKNOWN and context and context != UNKNOWN and key.body != UNKNOWN:
            jur = context if key.body in _DISTRICT_BODIES else context.split(".")[0]
            key = DocKey(jur, key.body, key.doc_type, key.number, key.year)
            if cat is not None:
                key = cat.resolve(key, context)
        return key

    # -- nodes --------------------------------------------------------------
    def document(
        self,
        key: DocKey,
        doc_type: str | None,
        number: str | None,
        symbol: str | None,
        date: str | None,
        title: str | None,
        issuer: Issuer | None,
    ) -> NamedNode:
        """A document node with what this text says of it."""
        pid = plan_id(key)
        self.keys[pid] = key
        return self._piece(
            ("doc", self.base, key, doc_type, number, symbol, date, title, issuer),
            lambda: self._document(pid, key, doc_type, number, symbol, date, title, issuer),
        )

    def _document(
        self,
        pid: str,
        key: DocKey,
        doc_type: str | None,
        number: str | None,
        symbol: str | None,
        date: str | None,
        title: str | None,
        issuer: Issuer | None,
    ) -> NamedNode:
        d = N(f"{self.base}doc/{pid.replace('.', '/')}")
        self.add(d, _RDF.type, _ELI.LegalResource)
        self.add(d, _RDF.type, DOC_CLASS.get(doc_type or "other", _LIN.OtherDocument))
        n = number_norm(number)
        if n and any(ch.isdigit() for ch in n):
            self.add(d, _ELI.id_local, Literal(n))
        sym = symbol or symbol_of(n)
        if sym:
            self.add(d, _LIN.symbol, Literal(sym))
        dl = date_literal(date)
        if dl is not None:
            self.add(d, _ELI.date_document, dl)
        if title:
            self.add(d, _ELI.title, Literal(normalize(title), language="vi"))
        if key.body != UNKNOWN:
            self.add(d, _ELI.passed_by, self.organisation(key, issuer))
        if key.jurisdiction != UNKNOWN:
            self.add(d, _ELI.jurisdiction, self.place(key.jurisdiction, issuer))
        return d

    def organisation(self, key: DocKey, issuer: Issuer | None) -> NamedNode:
        o = N(org_iri(key, self.base))
        self.add(o, _RDF.type, _ORG.Organization)
        if issuer is not None:
            if issuer.name:
                self.add(o, _RDFS.label, Literal(normalize(issuer.name), language="vi"))
            if issuer.system in SYSTEM_CONCEPT:
                self.add(o, _ORG.classification, SYSTEM_CONCEPT[issuer.system])
            if issuer.level in LEVEL_CONCEPT:
                self.add(o, _ORG.classification, LEVEL_CONCEPT[issuer.level])
        if key.jurisdiction != UNKNOWN:
            self.add(o, _DCTERMS.spatial, self.place(key.jurisdiction, issuer))
        return o

    def place(self, jurisdiction: str, issuer: Issuer | None) -> NamedNode:
        """The administrative unit node(s) of a jurisdiction, labelled when the issuer names them."""
        names = (
            (issuer.province, issuer.province_current, issuer.district, issuer.commune) if issuer else None
        )
        return self._piece(
            ("place", self.base, jurisdiction, names), lambda: self._place(jurisdiction, issuer)
        )

    def _place(self, jurisdiction: str, issuer: Issuer | None) -> NamedNode:
        u = N(place_iri(jurisdiction, self.base))
        self.add(u, _RDF.type, _LIN.AdministrativeUnit)
        if jurisdiction == CENTRAL:
            self.add(u, _SKOS.prefLabel, Literal("Việt Nam", language="vi"))
            self.add(u, _LIN.adminLevel, _LIN.Central)
            return u
        prov_slug, _, rest = jurisdiction.partition(".")
        district_slug, _, commune_slug = rest.partition(".")
        p = N(place_iri(prov_slug, self.base))
        self.add(p, _RDF.type, _LIN.AdministrativeUnit)
        self.add(p, _LIN.adminLevel, _LIN.Province)
        named = issuer is not None and issuer.province and slugify(issuer.province) == prov_slug
        if named:
            self.add(p, _SKOS.prefLabel, Literal(issuer.province, language="vi"))
            cur_slug = slugify(issuer.province_current) if issuer.province_current else prov_slug
            # A province that became another since 2025 points to it; one that stayed itself
            # (Hà Nội, or Thái Nguyên which took Bắc Kạn in) has no successor: never a self-loop.
            if cur_slug != prov_slug:
                c = N(place_iri(cur_slug, self.base))
                self.add(c, _RDF.type, _LIN.AdministrativeUnit)
                self.add(c, _LIN.adminLevel, _LIN.Province)
                self.add(c, _SKOS.prefLabel, Literal(issuer.province_current, language="vi"))
                self.add(p, _LIN.successor, c)
        if district_slug:
            d = N(place_iri(f"{prov_slug}.{district_slug}", self.base))
            self.add(d, _RDF.type, _LIN.AdministrativeUnit)
            self.add(d, _LIN.adminLevel, _LIN.District)
            self.add(d, _DCTERMS.isPartOf, p)
            if named and issuer.district and place_slug(issuer.district, issuer.province) == district_slug:
                self.add(d, _SKOS.prefLabel, Literal(issuer.district, language="vi"))
        if commune_slug:
            self.add(u, _LIN.adminLevel, _LIN.Commune)
            self.add(u, _DCTERMS.isPartOf, d)
            slug = named and issuer.commune and place_slug(issuer.commune, issuer.province, issuer.district)
            if slug == commune_slug:
                self.add(u, _SKOS.prefLabel, Literal(issuer.commune, language="vi"))
        return u

    def ref(self, ref: Ref, context: str | None) -> tuple[NamedNode, DocKey, Evidence | None]:
        """A referenced document (a stub unless some graph ingests it), and the link's evidence."""
        raw = doc_key(ref.doc_type, ref.number, ref.issuer, ref.date, ref.title)
        key = self.resolve_key(raw, context)
        if self.record.text_source == "ocr":  # a number or year misread by one look-alike
            cat = self.catalogue
            meant = misread(cat.under if isinstance(cat, LayeredCatalogue) else cat, key)
            if meant is not None:  # nothing the page may have misread is stated of it
                node = self.document(meant, ref.doc_type, None, None, None, None, ref.issuer)
                return node, meant, resolved_evidence(ref.evidence)
        node = self.document(key, ref.doc_type, ref.number, None, ref.date, ref.title, ref.issuer)
        return node, key, ref.evidence

    # -- links: the n-ary node and the direct triple, always together --------
    def link(self, src: NamedNode, relation: str, tgt: NamedNode, ev: Evidence | None) -> None:
        sig = (src.value, relation, tgt.value)
        if sig in self._linked:
            return
        self._linked.add(sig)
        prop = RELATIONS[relation]
        self.add(src, prop, tgt)
        ln = N(f"{self.base}link/{_h(self.sha, *sig)}")
        self.add(ln, _RDF.type, _LIN.Link)
        self.add(ln, _LIN.linkSource, src)
        self.add(ln, _LIN.linkTarget, tgt)
        self.add(ln, _LIN.relation, prop)
        self.add(ln, _PROV.wasDerivedFrom, N(source_iri(self.sha, self.base)))
        self.add(ln, _LIN.reviewState, Literal(ev.review if ev else "unreviewed"))
        self.add(ln, _LIN.method, Literal(ev.method if ev and ev.method else "unknown"))
        self.add(ln, _LIN.basis, Literal(ev.basis if ev else "explicit"))
        if ev is not None:
            if ev.text:
                self.add(ln, _LIN.evidenceText, Literal(ev.text))
            self.add(ln, _LIN.evidenceStart, Literal(int(ev.start)))
            self.add(ln, _LIN.evidenceEnd, Literal(int(ev.end)))
            conf = _decimal(max(0.0, min(1.0, float(ev.confidence))))
            if conf is not None:
                self.add(ln, _LIN.confidence, conf)

    def refs(self, src: NamedNode, relation: str, refs: tuple[Ref, ...], context: str | None) -> None:
        for r in refs:
            node, key, ev = self.ref(r, context)
            self.link(src, relation, node, ev)
            # A chain inside the reference: "474 ... thực hiện 241 ... thực hiện KL70".
            inner = key.jurisdiction if key.jurisdiction != UNKNOWN else context
            self.refs(node, "implements", r.implements, inner)


def build(
    record: PlanRecord,
    base: str = DEFAULT_BASE,
    catalogue: Catalogue | None = None,
    *,
    sha: str | None = None,
    record_json: str | None = None,
) -> RecordGraph:
    """The named graph of one record and the document keys it mentions.

    ``sha`` and ``record_json`` let the service rebuild a graph from the JSON it
    stored (when a later document resolves one of its references) unchanged.
    """
    # Keys the record itself states completely: its undated mentions resolve to them.
    w = _Writer(record, base, LayeredCatalogue(catalogue, stated_ref_keys(record)), sha)
    sha = w.sha
    src = N(source_iri(sha, base))
    act = N(f"{base}activity/{sha}")

    key = w.resolve_key(
        doc_key(record.doc_type, record.number, record.issuer, record.date, record.title), None
    )
    d = w.document(
        key, record.doc_type, record.number, record.symbol, record.date, record.title, record.issuer
    )
    own_id = plan_id(key)

    # provenance: the source (by hash, never a path) and the extraction run
    w.add(src, _RDF.type, _LIN.SourceDocument)
    w.add(src, _RDF.type, _PROV.Entity)
    w.add(src, _DCTERMS.identifier, Literal(sha))
    if record_json is None:  # the record as clients may see it: its file name, no machine path
        public = record.to_json() | {"source": public_source(record.source)}
        record_json = json.dumps(public, ensure_ascii=False)
    blob = record_json
    w.add(src, _LIN.recordJson, Literal(blob, datatype=RDF_JSON))
    w.add(act, _RDF.type, _LIN.ExtractionActivity)
    w.add(act, _RDF.type, _PROV.Activity)
    w.add(act, _PROV.used, src)
    methods = sorted({e.method for e in all_evidence(record) if e.method} or {"ingest.extract"})
    w.add(act, _LIN.method, Literal(" ".join(methods)))
    w.add(d, _PROV.wasDerivedFrom, src)
    w.add(d, _PROV.wasGeneratedBy, act)

    context = key.jurisdiction if key.jurisdiction != UNKNOWN else None
    w.refs(d, "implements", record.implements, context)
    w.refs(d, "based_on", record.based_on, context)
    w.refs(d, "cites", record.cites, context)

    for name in record.campaigns:
        c = match_campaign(name)
        if c is not None:  # described once, in the scheme's own graph (graph.writing.scheme_graph)
            w.add(d, _ELI.is_about, N(c.iri))
            continue
        iri = N(CAMPAIGN_NS + slugify(name))
        w.add(iri, _RDF.type, _LIN.Campaign)
        w.add(iri, _RDF.type, _SKOS.Concept)
        w.add(iri, _SKOS.inScheme, _LIN.campaigns)
        # one label per campaign, whatever case or layout each document prints it in
        w.add(iri, _SKOS.prefLabel, Literal(case_normalised(normalize(name)), language="vi"))
        w.add(d, _ELI.is_about, iri)

    if record.signer and record.signer.name:
        person = N(f"{base}person/{key.jurisdiction.replace('.', '/')}/{slugify(record.signer.name)}")
        w.add(person, _RDF.type, _FOAF.Person)
        w.add(person, _FOAF.name, Literal(normalize(record.signer.name)))
        w.add(d, _LIN.signedBy, person)
        if record.signer.title:
            w.add(d, _LIN.signerTitle, Literal(normalize(record.signer.title)))
    for r in record.recipients:
        w.add(d, _LIN.recipient, Literal(normalize(r)))
    for i, t in enumerate(record.targets):
        tn = N(f"{base}target/{sha[:16]}/{i}")
        w.add(tn, _RDF.type, _LIN.Target)
        w.add(d, _LIN.hasTarget, tn)
        v = _decimal(t.value)
        if v is not None:
            w.add(tn, _LIN.targetValue, v)
        if t.indicator:
            w.add(tn, _LIN.indicator, Literal(t.indicator))
        if t.comparator:
            w.add(tn, _LIN.comparator, Literal(t.comparator))
        if t.unit:
            w.add(tn, _LIN.unit, Literal(t.unit))
        if t.year:
            w.add(tn, _LIN.targetYear, Literal(f"{int(t.year):04d}", datatype=_XSD.gYear))
        if t.text:
            w.add(tn, _LIN.targetText, Literal(t.text))

    triples = list(w.triples)
    return RecordGraph(graph_iri(sha, base), triples, own_id, sorted(w.keys.values()))


def record_triples(
    record: PlanRecord, base: str = DEFAULT_BASE, catalogue: Catalogue | None = None
) -> tuple[str, list[Triple]]:
    """The graph IRI of a record and its triples (see :func:`build`)."""
    rg = build(record, base, catalogue)
    return rg.graph, rg.triples
