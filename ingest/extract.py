"""Extraction: one read document to its :class:`~ingest.model.PlanRecord`.

Reads: :class:`~ingest.readers.Document` (original + normalised text).
Returns: :class:`~ingest.model.PlanRecord` with evidence offsets into the
original text. Pure: no store, no network, no global state but the cached
gazetteer and campaign scheme.

The document is read the way a person reads it, one part per module, each
returning its values with their evidence: the header block (:mod:`ingest.header`:
number, place and date, type, title), the preamble that says what the plan
carries out ("Thực hiện ...", "Căn cứ ...": :mod:`ingest.references`), the body
that names its issuer (:mod:`ingest.issuer`), other cited documents, campaigns
(:mod:`ingest.campaigns`) and numeric targets (:mod:`ingest.targets`), and the
closing block (:mod:`ingest.closing`: recipients, signature). This module only
puts them together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.accents import restore, text_quality
from ingest.announced import Announced, own_type, read_announced
from ingest.campaigns import find_campaigns
from ingest.closing import read_closing
from ingest.header import Header, read_header
from ingest.issuer import read_issuer
from ingest.model import Evidence, Issuer, PlanRecord, Signer, symbol_of
from ingest.ocr_evidence import locate
from ingest.organs import match_organ, to_issuer
from ingest.portal import PortalMeta, read_portal, site_unit
from ingest.readers import Document, read_document
from ingest.references import issuer_from_symbol, preamble_mentions, references
from ingest.refs import Mention, norm_key, type_of_symbol
from ingest.targets import read_targets
from ingest.text import NormalizedText, fold


def extract_file(path: str) -> PlanRecord:
    """Read and extract one file; raises :class:`~ingest.errors.DocumentError`."""
    return extract(read_document(path))


def extract(doc: Document) -> PlanRecord:
    """The record of one document (see the module docstring for the reading order)."""
    nt = doc.norm
    quality = text_quality(nt.text)
    if quality == "accentless":  # the marks of known words put back, offsets unchanged
        nt = replace(nt, text=restore(nt.text))
    t = nt.text
    head = read_header(nt)
    evidence = dict(head.evidence)
    own = _own_fields(nt, head, evidence)
    implements_m, based_m = preamble_mentions(t, head.preamble, head.title_span)
    if own.number:  # a document never carries out itself (a news page's "ban hành Kế hoạch số ...")
        implements_m = [m for m in implements_m if not _names_itself(m, own)]
        based_m = [m for m in based_m if not _names_itself(m, own)]
    issuer, issuer_ev = read_issuer(
        nt, head.preamble, head.place_line, head.title, implements_m, head.block_end, head.title_span
    )
    by_symbol = issuer_from_symbol(own.number, None, named=True) if own.number else None
    if by_symbol is not None and (
        issuer is None
        or fold(by_symbol.name or "").startswith(fold(issuer.name or "-"))
        or issuer.level == "central"
        and issuer.system != by_symbol.system
    ):
        # no body named where a plan names its issuer, a central body printed in capitals, or
        # a central header line above the body ("BAN CHẤP HÀNH TRUNG ƯƠNG" over "ĐOÀN TNCS ..."):
        # the central body its symbol names, as the vocabulary spells it
        issuer = by_symbol
    if issuer is None:
        issuer, issuer_ev = _issuer_from_page(nt, own.announced)
    implements, based_on, cites = references(nt, implements_m, based_m, issuer, own.number)
    campaigns = tuple(find_campaigns(t))
    closing = read_closing(nt)
    targets = read_targets(nt)
    if issuer_ev:
        evidence["/issuer"] = issuer_ev
    signer = closing.signer
    if closing.signer_evidence:
        evidence["/signer"] = closing.signer_evidence
    elif own.portal.signer:
        # a legal portal's "Người ký" where the excerpt has no signature block: the name only
        signer = Signer(name=own.portal.signer, title=None)
        a, b = next((a, b) for f, a, b in own.portal.spans if f == "signer")
        evidence["/signer"] = Evidence.of_span(nt, a, b, "portal:nguoi-ky", 0.8)
    elif own.announced is not None and own.announced.signer_span is not None:
        # a news page: "Ông Ngô Đức Sáu – Phó Chủ tịch UBND huyện ... đã ký hướng dẫn số ..."
        signer = own.announced.signer
        evidence["/signer"] = Evidence.of_span(nt, *own.announced.signer_span, "prose:da-ky", 0.7)
    record = PlanRecord(
        source=doc.source,
        doc_type=own.doc_type or "other",
        number=own.number,
        symbol=own.symbol,
        date=own.date,
        title=head.title,
        issuer=issuer,
        implements=implements,
        based_on=based_on,
        cites=cites,
        campaigns=campaigns,
        signer=signer,
        recipients=closing.recipients,
        targets=targets,
        evidence=evidence,
        sha256=doc.sha256,
        text_quality=quality,
    )
    return locate(record, doc)  # OCR'd text: evidence placed on its pages


@dataclass(frozen=True, slots=True)
class _Own:
    doc_type: str | None
    number: str | None
    symbol: str | None
    date: str | None
    portal: PortalMeta
    announced: Announced | None


def _names_itself(m: Mention, own: _Own) -> bool:
    """Whether a mention is the document itself: its number, and no date or the document's
    own date (a parent may share the number: "Kế hoạch số 22/KH-UBND ngày 11/04/2024 của
    UBND huyện ..." above a commune's own 22/KH-UBND of 15/4/2024)."""
    same_number = own.number is not None and norm_key(m.number) == norm_key(own.number)
    return same_number and (m.date is None or own.date is None or m.date == own.date)


def _issuer_from_page(nt: NormalizedText, news: Announced | None) -> tuple[Issuer | None, Evidence | None]:
    """Who issued a document whose text names no issuer where documents do: the body the news
    sentence says issued it ("Phó Chủ tịch UBND huyện Lâm Thao, tỉnh Phú Thọ đã ký ..."), else
    the local government whose e-portal the page is ("Trang thông tin điện tử xã Thạch Kim")."""
    if news is not None and news.organ is not None:
        issuer, _used = to_issuer(news.organ)
        return issuer, Evidence.of_span(nt, news.organ.start, news.organ.end, "prose:ban-hanh", 0.8)
    site = site_unit(nt.text)
    if site is not None:
        om = match_organ(site[0])
        if om is not None and om.place:
            issuer, _used = to_issuer(om)
            return issuer, Evidence.of_span(nt, *site[1], "portal:site", 0.6, "inferred")
    return None, None


def _own_fields(nt: NormalizedText, head: Header, evidence: dict[str, Evidence]) -> _Own:
    """The document's type, number, symbol and date: from its header block; where the header
    lacks them, from a legal portal's labelled lines; where there is no header number at all,
    from the sentence of a news page that announces the document. Fills ``evidence``."""
    t = nt.text
    number, symbol, date = head.number, head.symbol, head.date
    doc_type = head.doc_type or type_of_symbol(symbol)
    portal = read_portal(t)
    span = {f: (a, b) for f, a, b in portal.spans}
    if number is None and symbol is None and portal.number:
        # (the symbol is the code after the year too: "37/2016/NQ-HĐND" -> "NQ-HĐND")
        number, symbol = portal.number, re.sub(r"^(?:19|20)\d\d/", "", symbol_of(portal.number) or "") or None
        evidence["/number"] = Evidence.of_span(nt, *span["number"], "portal:so-hieu", 0.8)
    if date is None and portal.date:
        date = portal.date
        evidence["/date"] = Evidence.of_span(nt, *span["date"], "portal:ngay-ban-hanh", 0.8)
    doc_type = doc_type or portal.doc_type or type_of_symbol(symbol)
    news = None
    if number is None and symbol is None and head.title_span is None:
        news = read_announced(t)
        if news is not None:
            number, symbol, doc_type = news.number, news.symbol, head.doc_type or news.doc_type
            evidence["/number"] = Evidence.of_span(nt, *news.number_span, "prose:ban-hanh", 0.8)
            if news.date_span is not None:  # the page's own stamps are not the document's date
                date = news.date
                evidence["/date"] = Evidence.of_span(nt, *news.date_span, "prose:ban-hanh", 0.8)
    if doc_type is None:
        said = own_type(t, head.preamble[0], min(len(t), head.preamble[1] + 400))
        if said is not None:
            doc_type = said[0]
            evidence["/doc_type"] = Evidence.of_span(nt, *said[1], "prose:xay-dung", 0.7, "inferred")
    return _Own(doc_type, number, symbol, date, portal, news)
