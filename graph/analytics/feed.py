"""The change feed of a plan: the documents newly ingested below it, newest first, as Atom.

Reads: a :class:`graph.service.Lineage` (the plan's descendants and their
summaries) and the time each document was first ingested
(:func:`graph.ingestlog.first_ingested`, read once per read model). Returns:
:func:`feed`, the entries as a dict, and :func:`atom`, that dict as an Atom 1.0
document (RFC 4287) given the URLs it is served under.

Every entry is an ingested document below the plan (stubs are not news), its
``updated`` the time its first source was written to the store; a document
stored before the store kept its ingest log has no time and is left out. The
feed's own ``updated`` is its newest entry's (else the plan's own ingest time,
else the epoch), so it changes exactly when an entry arrives. Ids are the
documents' IRIs, permanent whatever host serves the feed. Text from documents
is escaped by the XML writer, and characters XML 1.0 cannot carry (control
characters a PDF leaves behind) are dropped.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from graph.errors import NotFound

__all__ = ["ATOM_MEDIA_TYPE", "DEFAULT_ENTRIES", "MAX_ENTRIES", "atom", "feed", "rfc3339"]

ATOM_MEDIA_TYPE = "application/atom+xml"
DEFAULT_ENTRIES = 50
MAX_ENTRIES = 1000
_ATOM = "http://www.w3.org/2005/Atom"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# What XML 1.0 cannot hold: C0 controls but tab, newline and return; surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rfc3339(t: datetime) -> str:
    """An aware datetime as Atom writes it: UTC, to the second, ``Z``."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(lin: Any, pid: str, times: dict[str, datetime], limit: int = DEFAULT_ENTRIES) -> dict[str, Any]:
    """The plan's summary, its ``updated`` time and up to ``limit`` entries (ingested documents
    below it with their ``ingested`` time, newest first); NotFound for an unknown id."""
    plan = lin.summary(pid)
    below = []
    for d, depth in lin.index.descendants(pid):
        t = times.get(d)
        if t is None:
            continue
        s = lin.summary(d)
        if not s["stub"]:
            below.append((t, s["date"] or "", d, depth))
    # Newest ingest first; among one batch, the latest document date, then the id (a stable sort).
    below.sort(key=lambda r: r[2])
    below.sort(key=lambda r: (r[0], r[1]), reverse=True)
    entries = [lin.summary(d) | {"depth": depth, "ingested": rfc3339(t)} for t, _, d, depth in below[:limit]]
    newest = below[0][0] if below else times.get(pid, _EPOCH)
    return {"plan": plan, "updated": rfc3339(newest), "total": len(below), "entries": entries}


def _text(s: object) -> str:
    return _NOT_XML.sub("", str(s))


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _label(s: dict[str, Any]) -> str:
    return str(s.get("number") or "không số")


def atom(answer: dict[str, Any], self_url: str, site: str) -> bytes:
    """The feed as Atom XML (UTF-8). ``self_url``: where it is served; ``site``: the server's root
    URL ending in ``/`` (the entries link to the plan pages there)."""
    if not answer.get("plan"):
        raise NotFound("no plan")
    ET.register_namespace("", _ATOM)
    plan = answer["plan"]
    root = ET.Element(f"{{{_ATOM}}}feed")
    _sub(root, "id", f"{plan['iri']}#feed")
    title = f"Newly ingested below {_label(plan)}"
    if plan.get("title"):
        title += f": {plan['title']}"
    _sub(root, "title", title)
    _sub(root, "subtitle", "Documents newly ingested below this plan, newest first")
    _sub(root, "updated", answer["updated"])
    author = _sub(root, "author")
    _sub(author, "name", (plan.get("issuer") or {}).get("name") or "Directive lineage")
    _sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(root, "link", rel="alternate", type="text/html", href=f"{site}view/plans/{plan['id']}")
    _sub(root, "generator", "Directive lineage")
    for e in answer["entries"]:
        entry = _sub(root, "entry")
        _sub(entry, "id", e["iri"])
        head = _label(e) + (f": {e['title']}" if e.get("title") else "")
        _sub(entry, "title", head)
        _sub(entry, "updated", e["ingested"])
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{site}view/plans/{e['id']}")
        issuer = e.get("issuer") or {}
        facts = [
            issuer.get("name"),
            e.get("date") and f"ngày {e['date']}",
            f"{e['depth']} step{'s' if e['depth'] != 1 else ''} below {_label(plan)}",
        ]
        _sub(entry, "summary", " · ".join(str(x) for x in facts if x), type="text")
        if issuer.get("name"):
            _sub(_sub(entry, "author"), "name", issuer["name"])
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
