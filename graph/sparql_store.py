"""A remote store over the SPARQL 1.1 Protocol (and the Graph Store Protocol for reads).

Reads/writes: a SPARQL server over HTTP. Returns: the same pyoxigraph objects as
:class:`graph.store.OxigraphStore` (``QuerySolutions``, ``QueryBoolean``,
``QueryTriples``), so :class:`graph.service.Lineage` runs unchanged on it.

Why only the standard library (``urllib``): the store is a runtime component and
httpx is only a dev dependency; a handful of POSTs does not need more.

Spec (``LINEAGE_STORE`` or ``--store``), parsed by :func:`parse_spec`::

    sparql+http://HOST:PORT
        An Oxigraph server (``oxigraph serve``): queries go to ``/query`` with
        Oxigraph's ``union-default-graph`` option, updates to ``/update``, graph
        reads to the Graph Store Protocol endpoint ``/store``.

    sparql+http(s)://[USER:PASSWORD@]HOST[:PORT]/PATH[?update=U&store=S&graphs=P&timeout=T&...]
        Any SPARQL 1.1 server: queries go to ``/PATH``; updates to ``U``
        (default: ``/PATH`` itself, or its sibling ``.../update`` when ``/PATH``
        ends in ``/query``); graph reads to the Graph Store Protocol endpoint
        ``S`` (default: none, graphs are read with ``CONSTRUCT`` instead).
        ``U`` and ``S`` are paths on the same host or absolute URLs. ``P`` keeps
        only the named graphs whose IRI starts with it (servers with system
        graphs). ``T`` is the HTTP timeout in seconds (default 60). Every other
        parameter is sent with each query (e.g. GraphDB's ``infer=false``).
        ``USER:PASSWORD`` is sent as HTTP Basic authentication.

Pointing at other servers (the default graph must be the union of the named
graphs for users' own SPARQL; the service's queries all use ``GRAPH ?g``):

- Virtuoso: ``sparql+http://HOST:8890/sparql?store=/sparql-graph-crud&graphs=https://w3id.org/vn-lineage/graph/``
  (the ``SPARQL`` user needs the ``SPARQL_UPDATE`` role; the default graph is
  already the union of all graphs; ``graphs=`` hides Virtuoso's system graphs).
- GraphDB: ``sparql+http://HOST:7200/repositories/REPO?update=/repositories/REPO/statements&store=/repositories/REPO/rdf-graphs/service&infer=false``
  (the default graph is the union of all graphs).
- Amazon Neptune: ``sparql+https://CLUSTER:8182/sparql`` (queries and updates
  share the endpoint; the default graph is the union of the named graphs; IAM
  authentication needs SigV4 signing, so use a cluster without IAM auth or a
  signing proxy).
- Apache Jena Fuseki: ``sparql+http://HOST:3030/DS/query?store=/DS/data``
  (set ``tdb2:unionDefaultGraph true`` on the dataset).

Transactions: :meth:`SparqlStore.replace_graph` sends ``DROP SILENT GRAPH`` and
``INSERT DATA`` in one update request, which Oxigraph (and most servers) apply
as one transaction, so a reader never sees a half-written document.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import (
    NamedNode,
    Quad,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from pyoxigraph import Store as OxStore

from graph.errors import QueryError, StoreError
from graph.formats import GRAPH_FORMATS, RDF_FORMAT_NAMES, RESULT_FORMATS, media_type
from graph.storage import QueryResult, triple_line

__all__ = ["SparqlEndpoints", "SparqlStore", "parse_spec"]

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
# An empty embedded store only tells the query form (SELECT/ASK/CONSTRUCT) so the
# right Accept header is sent: some servers answer a CONSTRUCT in a results format.
_FORM_PROBE = OxStore()
BATCH_TRIPLES = 20_000
_SERVICE_RE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


@dataclass(frozen=True)
class SparqlEndpoints:
    """Where to send queries, updates and Graph Store Protocol reads."""

    query: str
    update: str
    store: str | None = None
    query_params: tuple[tuple[str, str], ...] = ()
    graph_prefix: str | None = None
    timeout: float = 60.0
    auth: str | None = field(default=None, repr=False)  # "Basic ..." header value
    # The most bytes read from one answer (None: no cap); the bounded SPARQL endpoint sets it.
    max_response: int | None = None


def parse_spec(spec: str) -> SparqlEndpoints:
    """Endpoints from a ``sparql+http(s)://`` spec (see the module docstring)."""
    if not spec.startswith(("sparql+http://", "sparql+https://")):
        raise StoreError(f"not a remote SPARQL store spec: {spec!r}")
    u = urllib.parse.urlsplit(spec.removeprefix("sparql+"))
    if not u.hostname:
        raise StoreError(f"no host in store spec {spec!r}")
    auth = None
    if u.username is not None:
        user = urllib.parse.unquote(u.username)
        pw = urllib.parse.unquote(u.password or "")
        auth = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode("ascii")
    netloc = u.hostname if ":" not in u.hostname else f"[{u.hostname}]"
    try:
        port = u.port
    except ValueError:
        raise StoreError(f"bad port in store spec {spec!r}") from None
    if port is not None:
        netloc += f":{port}"
    origin = f"{u.scheme}://{netloc}"
    params = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    opts = {k: v for k, v in params if k in ("update", "store", "graphs", "timeout")}
    rest = tuple((k, v) for k, v in params if k not in opts)
    try:
        timeout = float(opts.get("timeout", 60))
    except ValueError:
        raise StoreError(f"bad timeout in store spec {spec!r}") from None
    path = u.path.rstrip("/")
    if not path:  # an Oxigraph server
        query, update, store = f"{origin}/query", f"{origin}/update", f"{origin}/store"
        rest = (("union-default-graph", ""), *rest)
    else:
        query = origin + path
        update = origin + path[: -len("/query")] + "/update" if path.endswith("/query") else query
        store = None
    if "update" in opts:
        update = urllib.parse.urljoin(origin + "/", opts["update"])
    if "store" in opts:
        store = urllib.parse.urljoin(origin + "/", opts["store"]) if opts["store"] else None
    return SparqlEndpoints(
        query=query,
        update=update,
        store=store,
        query_params=rest,
        graph_prefix=opts.get("graphs") or None,
        timeout=timeout,
        auth=auth,
    )


def _one_line(text: str, limit: int = 300) -> str:
    s = " ".join(text.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


class SparqlStore:
    """The store interface over a remote SPARQL 1.1 server (see the module docstring)."""

    def __init__(self, endpoint: str | SparqlEndpoints) -> None:
        self.endpoints = parse_spec(endpoint) if isinstance(endpoint, str) else endpoint
        e = self.endpoints
        qs = urllib.parse.urlencode(e.query_params)
        self._query_url = f"{e.query}{'&' if '?' in e.query else '?'}{qs}" if qs else e.query
        # FILTER inserted in whole-dataset reads when only some graphs are ours.
        self._graph_filter = (
            f"FILTER(STRSTARTS(STR(?g), {_string(e.graph_prefix)}))" if e.graph_prefix else ""
        )

    def __repr__(self) -> str:
        return f"SparqlStore({self.endpoints.query!r})"

    # ----------------------------------------------------------------- HTTP
    def _request(
        self,
        url: str,
        *,
        data: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        method: str | None = None,
    ) -> tuple[int, str, bytes]:
        """One HTTP exchange: (status, media type, body). 4xx come back; the rest raise StoreError."""
        headers = {"User-Agent": "vn-directive-lineage"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        if self.endpoints.auth:
            headers["Authorization"] = self.endpoints.auth
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        where = url.split("?")[0]  # the endpoint, without options or graph names
        try:
            with urllib.request.urlopen(req, timeout=self.endpoints.timeout) as resp:
                cap = self.endpoints.max_response
                body = resp.read() if cap is None else resp.read(cap + 1)
                if cap is not None and len(body) > cap:
                    raise QueryError(f"the SPARQL server's answer is larger than {cap} bytes: add a LIMIT")
                return resp.status, media_type(resp.headers.get("Content-Type")), body
        except urllib.error.HTTPError as e:
            with e:
                body = e.read()
            if 400 <= e.code < 500:
                return e.code, media_type(e.headers.get("Content-Type")), body
            msg = _one_line(body.decode("utf-8", "replace")) or e.reason
            raise StoreError(f"SPARQL server at {where} failed (HTTP {e.code}): {msg}") from e
        except urllib.error.URLError as e:
            raise StoreError(f"cannot reach SPARQL server at {where}: {e.reason}") from e
        except (OSError, http.client.HTTPException) as e:  # timeouts, resets, truncated bodies
            raise StoreError(f"SPARQL server at {where} did not answer: {e!r}") from e

    def _update(self, update: str, what: str) -> None:
        body = urllib.parse.urlencode({"update": update}).encode()
        url = self.endpoints.update
        status, _, text = self._request(url, data=body, content_type="application/x-www-form-urlencoded")
        if status >= 400:
            msg = _one_line(text.decode("utf-8", "replace"))
            raise StoreError(f"cannot {what} at {url} (HTTP {status}): {msg}")

    def _select_rows(self, sparql: str) -> QuerySolutions:
        res = self.query(sparql)
        if not isinstance(res, QuerySolutions):
            raise StoreError(f"SPARQL server at {self.endpoints.query} answered a SELECT with {res!r}")
        return res

    # ------------------------------------------------------------- interface
    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        """Replace the named graph's content: DROP + INSERT DATA in one update request."""
        g = NamedNode(graph)
        body = "\n".join(triple_line(t) for t in triples)
        self._update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}", f"write {graph}")

    def load_nquads(self, source: bytes | str | os.PathLike[str]) -> None:
        """INSERT DATA in batches of whole graphs (plain SPARQL 1.1 Update, so every
        server takes it; ``BATCH_TRIPLES`` keeps each request a few megabytes)."""
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        by_graph: dict[str, list[str]] = {}
        for q in parse(data, format=RdfFormat.N_QUADS):
            if isinstance(q.graph_name, NamedNode):
                by_graph.setdefault(q.graph_name.value, []).append(f"{q.subject} {q.predicate} {q.object} .")
        batch: list[str] = []
        size = 0
        for g, lines in by_graph.items():
            batch.append(f"GRAPH {NamedNode(g)} {{\n" + "\n".join(lines) + "\n}")
            size += len(lines)
            if size >= BATCH_TRIPLES:
                self._update("INSERT DATA {\n" + "\n".join(batch) + "\n}", "load graphs")
                batch, size = [], 0
        if batch:
            self._update("INSERT DATA {\n" + "\n".join(batch) + "\n}", "load graphs")

    def remove_graph(self, graph: str) -> None:
        """Drop a named graph (no error if absent)."""
        self._update(f"DROP SILENT GRAPH {NamedNode(graph)}", f"remove {graph}")

    def graph_triples(self, graph: str) -> set[Triple]:
        """The triples of one named graph: a Graph Store Protocol GET, else a CONSTRUCT."""
        store = self.endpoints.store
        if store is None:
            res = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}")
            if not isinstance(res, QueryTriples):
                raise StoreError(f"SPARQL server at {self.endpoints.query} answered a CONSTRUCT with {res!r}")
            return set(res)
        url = f"{store}{'&' if '?' in store else '?'}{urllib.parse.urlencode({'graph': graph})}"
        status, mt, body = self._request(url, accept=_GRAPH_ACCEPT)
        if status == 404:  # the Graph Store Protocol's answer for an absent graph
            return set()
        if status >= 400:
            raise StoreError(f"cannot read graph {graph} at {store} (HTTP {status})")
        return {Triple(q.subject, q.predicate, q.object) for q in self._parse_rdf(body, mt, url)}

    def graphs(self) -> list[str]:
        """The named graph IRIs, sorted."""
        rows = self._select_rows(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter} }}"
        )
        return sorted(r["g"].value for r in rows if isinstance(r["g"], NamedNode))

    def query(self, sparql: str) -> QueryResult:
        """A read-only query over the union of the named graphs, parsed into pyoxigraph objects."""
        form: type | None = None
        if not _SERVICE_RE.search(sparql):  # the probe would call the federated service itself
            try:
                form = type(_FORM_PROBE.query(sparql))
            except (SyntaxError, ValueError, OSError):
                form = None  # maybe a server extension: let the server judge it
        if form is None:
            accept = f"{_RESULTS_ACCEPT}, {_GRAPH_ACCEPT}"
        else:
            accept = _GRAPH_ACCEPT if form is QueryTriples else _RESULTS_ACCEPT
        url = self._query_url
        body = urllib.parse.urlencode({"query": sparql}).encode()
        status, mt, payload = self._request(
            url, data=body, content_type="application/x-www-form-urlencoded", accept=accept
        )
        if status == 400:  # SPARQL 1.1 Protocol: a malformed query
            raise QueryError(_one_line(payload.decode("utf-8", "replace")) or "malformed query")
        if status >= 400:
            msg = _one_line(payload.decode("utf-8", "replace"))
            raise StoreError(
                f"SPARQL server at {self.endpoints.query} refused the query (HTTP {status}): {msg}"
            )
        if mt in RESULT_FORMATS and form is not QueryTriples:
            try:
                return parse_query_results(payload, RESULT_FORMATS[mt])
            except SyntaxError as e:
                raise StoreError(
                    f"bad SPARQL results from {self.endpoints.query}: {_one_line(str(e))}"
                ) from e
        if mt in GRAPH_FORMATS or (form is QueryTriples and mt == "application/json"):
            # QueryTriples cannot be built directly: replay the graph through an
            # in-memory store so callers get the very type the embedded store returns.
            tmp = OxStore()
            tmp.extend(self._parse_rdf(payload, mt, url))
            res = tmp.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            assert isinstance(res, QueryTriples)
            return res
        raise StoreError(f"unexpected answer from {self.endpoints.query}: content type {mt or 'missing'!r}")

    def dump(self, fmt: str = "nq") -> bytes:
        """The dataset (nq, trig) or the union of the named graphs (nt, ttl, jsonld)."""
        if fmt not in RDF_FORMAT_NAMES:
            raise ValueError(f"unknown format {fmt!r}; one of {sorted(RDF_FORMAT_NAMES)}")
        rf = RDF_FORMAT_NAMES[fmt]
        if rf.supports_datasets:
            rows = self._select_rows(
                f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter} }}"
            )
            quads = [Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
            return serialize(quads, format=rf) or b""
        union = self.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter} }}"
        )
        if not isinstance(union, QueryTriples):
            raise StoreError(f"SPARQL server at {self.endpoints.query} answered a CONSTRUCT with {union!r}")
        return union.serialize(format=rf) or b""

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    def __enter__(self) -> SparqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- parsing
    @staticmethod
    def _parse_rdf(body: bytes, mt: str, url: str) -> list[Quad]:
        fmt = GRAPH_FORMATS.get(mt, RdfFormat.JSON_LD if mt == "application/json" else None)
        if fmt is None:
            raise StoreError(f"unexpected answer from {url}: content type {mt or 'missing'!r}")
        try:
            return [Quad(q.subject, q.predicate, q.object) for q in parse(body, fmt, base_iri=url)]
        except SyntaxError as e:
            raise StoreError(f"bad RDF from {url}: {_one_line(str(e))}") from e


def _string(s: str) -> str:
    """A SPARQL string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
