"""The extracted record: frozen values that flow from ingest to the graph.

Reads: nothing. Returns: nothing. This module only defines the shapes that the
extraction stage produces and every later stage consumes, and their JSON form
(the contract in docs/interface.md). Keys of the contract are never omitted;
facts that cannot be found are ``None`` (or empty tuples for lists).

Provenance travels with the facts: every reference and header field carries an
:class:`Evidence` whose offsets point into the *original* text of the source
document, so a view can highlight the sentence a link came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

# The record speaks the shared vocabulary; re-exported for the stages that check against it.
from ontology.vocab import DOC_TYPES, LEVELS, SYSTEMS  # noqa: F401

if TYPE_CHECKING:
    from ingest.text import NormalizedText

# How a fact was established: stated in the text, completed from the citing
# document's context (a bare "Tỉnh ủy" takes the citing plan's province), or
# inferred (e.g. the body deduced from the number's symbol).
Basis = Literal["explicit", "context", "inferred"]


@dataclass(frozen=True, slots=True)
class PagePlace:
    """Where an OCR'd span was read: its page (from 1) and one box per line, in pixels of
    that page rendered at ``dpi`` (``width`` x ``height``) and levelled (deskewed)."""

    page: int
    width: int
    height: int
    dpi: int
    boxes: tuple[tuple[int, int, int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "boxes": [list(b) for b in self.boxes],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PagePlace:
        return cls(
            page=int(d["page"]),
            width=int(d["width"]),
            height=int(d["height"]),
            dpi=int(d["dpi"]),
            boxes=tuple((int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in d.get("boxes") or ()),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact came from: a span of the original text and how it was read."""

    start: int
    end: int
    method: str
    confidence: float = 1.0
    basis: Basis = "explicit"
    text: str = ""
    # A researcher's verdict from the curation file: unreviewed, accepted or corrected.
    review: str = "unreviewed"
    # OCR'd text only: the page and boxes the span was read from (the key is absent otherwise).
    page: PagePlace | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "method": self.method,
            "confidence": self.confidence,
            "basis": self.basis,
            "review": self.review,
        }
        if self.page is not None:
            d["page"] = self.page.to_json()
        return d

    @classmethod
    def of_span(
        cls,
        text: NormalizedText,
        start: int,
        end: int,
        method: str,
        confidence: float = 1.0,
        basis: Basis = "explicit",
    ) -> Evidence:
        """The evidence of ``text.text[start:end]``: the span of the original text it stands for."""
        a, b = text.orig_span(start, end)
        return cls(a, b, method, confidence, basis, text.original[a:b])

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Evidence:
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            method=str(d.get("method", "")),
            confidence=float(d.get("confidence", 1.0)),
            basis=d.get("basis", "explicit"),
            text=str(d.get("text", "")),
            review=str(d.get("review", "unreviewed")),
            page=PagePlace.from_json(d["page"]) if d.get("page") else None,
        )


@dataclass(frozen=True, slots=True)
class Issuer:
    """An issuing body as the text names it, placed in the administrative map.

    ``province`` and ``district`` are the units as of the document's date (the
    63-province map before July 2025); ``province_current`` is the province the
    place belongs to today, so researchers can ask for today's units.
    """

    name: str | None = None
    system: str | None = None
    level: str | None = None
    province: str | None = None
    district: str | None = None
    province_current: str | None = None
    commune: str | None = None  # for commune-level bodies: "Hoành Mô"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "system": self.system,
            "level": self.level,
            "province": self.province,
            "district": self.district,
            "commune": self.commune,
            "province_current": self.province_current,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Issuer | None:
        if d is None:
            return None
        return cls(
            name=d.get("name"),
            system=d.get("system"),
            level=d.get("level"),
            province=d.get("province"),
            district=d.get("district"),
            province_current=d.get("province_current"),
            commune=d.get("commune"),
        )


@dataclass(frozen=True, slots=True)
class Ref:
    """A document named by another: what the citing text says of it."""

    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    title: str | None = None
    issuer: Issuer | None = None
    implements: tuple[Ref, ...] = ()
    evidence: Evidence | None = None

    @property
    def symbol(self) -> str | None:
        """The code after the number ("KH/TU" of "241-KH/TU")."""
        return symbol_of(self.number)

    def to_json(self, with_evidence: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "doc_type": self.doc_type,
            "number": self.number,
            "date": self.date,
            "title": self.title,
            "issuer": self.issuer.to_json() if self.issuer else None,
            "implements": [r.to_json(with_evidence) for r in self.implements],
        }
        if with_evidence:
            d["evidence"] = self.evidence.to_json() if self.evidence else None
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Ref:
        ev = d.get("evidence")
        return cls(
            doc_type=d.get("doc_type"),
            number=d.get("number"),
            date=d.get("date"),
            title=d.get("title"),
            issuer=Issuer.from_json(d.get("issuer")),
            implements=tuple(cls.from_json(r) for r in d.get("implements") or ()),
            evidence=Evidence.from_json(ev) if ev else None,
        )


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title}


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric target: "đạt tỷ lệ trên 60% dân số" by 2030."""

    indicator: str | None
    comparator: str | None
    value: float | int
    unit: str | None
    year: int | None
    text: str
    evidence: Evidence | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "comparator": self.comparator,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Target:
        return cls(
            indicator=d.get("indicator"),
            comparator=d.get("comparator"),
            value=d["value"],
            unit=d.get("unit"),
            year=d.get("year"),
            text=d.get("text", ""),
        )


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """Everything extracted from one document (the contract's record)."""

    source: str
    doc_type: str = "other"
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    title: str | None = None
    issuer: Issuer | None = None
    implements: tuple[Ref, ...] = ()
    based_on: tuple[Ref, ...] = ()
    cites: tuple[Ref, ...] = ()
    campaigns: tuple[str, ...] = ()
    signer: Signer | None = None
    recipients: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    # Evidence of header fields, keyed by a JSON Pointer into the record
    # ("/number", "/issuer", "/title" ...). References carry their own.
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # SHA-256 of the original text: the same document read twice is recognised.
    sha256: str | None = None
    # Where the text came from when it was not a text of its own: "ocr" (a scan). Written only then.
    text_source: str | None = None
    # How good the text's Vietnamese is (ingest.accents): "ok", "accentless" or "mojibake".
    # In the JSON only when not "ok", so records of sound texts read as they always did.
    text_quality: str = "ok"

    def to_json(self, with_evidence: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source,
            "doc_type": self.doc_type,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date,
            "title": self.title,
            "issuer": self.issuer.to_json() if self.issuer else None,
            "implements": [r.to_json(with_evidence) for r in self.implements],
            "based_on": [r.to_json(with_evidence) for r in self.based_on],
            "cites": [r.to_json(with_evidence) for r in self.cites],
            "campaigns": list(self.campaigns),
            "signer": self.signer.to_json() if self.signer else None,
            "recipients": list(self.recipients),
            "targets": [t.to_json() for t in self.targets],
        }
        if self.text_quality != "ok":
            d["text_quality"] = self.text_quality
        if with_evidence:
            ev = {k: v.to_json() for k, v in sorted(self.evidence.items())}
            for i, t in enumerate(self.targets):
                if t.evidence:
                    ev[f"/targets/{i}"] = t.evidence.to_json()
            d["evidence"] = ev
            d["sha256"] = self.sha256
            if self.text_source:
                d["text_source"] = self.text_source
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlanRecord:
        sig = d.get("signer")
        return cls(
            source=d.get("source", ""),
            doc_type=d.get("doc_type") or "other",
            number=d.get("number"),
            symbol=d.get("symbol"),
            date=d.get("date"),
            title=d.get("title"),
            issuer=Issuer.from_json(d.get("issuer")),
            implements=tuple(Ref.from_json(r) for r in d.get("implements") or ()),
            based_on=tuple(Ref.from_json(r) for r in d.get("based_on") or ()),
            cites=tuple(Ref.from_json(r) for r in d.get("cites") or ()),
            campaigns=tuple(d.get("campaigns") or ()),
            signer=Signer(sig["name"], sig.get("title")) if sig and sig.get("name") else None,
            recipients=tuple(d.get("recipients") or ()),
            targets=tuple(Target.from_json(t) for t in d.get("targets") or ()),
            evidence={
                k: Evidence.from_json(v)
                for k, v in (d.get("evidence") or {}).items()
                if k.startswith("/") and not k.startswith("/targets/")
            },
            sha256=d.get("sha256"),
            text_source=d.get("text_source"),
            text_quality=d.get("text_quality") or "ok",
        )


def symbol_of(number: str | None) -> str | None:
    """The code after the number: "241-KH/TU" -> "KH/TU", "474/KH-MTTQ-BTT" -> "KH-MTTQ-BTT"."""
    if not number:
        return None
    i = 0
    while i < len(number) and number[i].isdigit():
        i += 1
    rest = number[i:].lstrip("-/")
    return rest or None
