"""Legal-portal metadata: the labelled lines a portal prints above a document.

Reads: the normalised text of one document (its first 3,000 characters). Returns:
:class:`PortalMeta`, the values of the labelled fields ("Số hiệu:", "Loại văn bản:",
"Nơi ban hành:" / "Cơ quan ban hành", "Người ký:", "Ngày ban hành:") with their spans,
whether the portal prints them as "Label: value" runs on a line ("Số hiệu: 2658/QĐ-BTP
Loại văn bản: Quyết định") or as table rows ("| Người ký | Mai Sơn |").

Why a module of its own: these lines are a second, labelled source of the header's
fields and of the signer, laid out by the portal rather than by the document; the
header and the closing block read the document's own layout, and use these values only
where the document's text does not give them (an excerpt that stops before its
signature still has its "Người ký").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.refs import DATE_BODY, date_of
from ontology.vocab import DOC_TYPE_WORDS

# label (as printed, lower case) -> field
_LABELS = {
    "số hiệu": "number",
    "loại văn bản": "doc_type",
    "nơi ban hành": "issuer",
    "cơ quan ban hành": "issuer",
    "người ký": "signer",
    "ngày ban hành": "date",
}
_ANY_LABEL = (
    r"(?:Số\s+hiệu|Loại\s+văn\s+bản|Nơi\s+ban\s+hành|Cơ\s+quan\s+ban\s+hành|Người\s+ký|Ngày\s+ban\s+hành"
    r"|Ngày\s+hiệu\s+lực|Ngày\s+công\s+báo|Số\s+công\s+báo|Lĩnh\s+vực|Tình\s+trạng|Ngày\s+hết\s+hiệu\s+lực"
    r"|Ngày\s+đăng|Tình\s+trạng\s+hiệu\s+lực)"
)
# "Label: value" up to the next label on the line, or "| Label | value |"
_FIELD = re.compile(
    rf"(?P<label>{_ANY_LABEL})[ \t]*(?::|\|)[ \t]*(?P<value>[^|\n]*?)[ \t]*(?=\||{_ANY_LABEL}[ \t]*[:|]|$)",
    re.MULTILINE,
)
_NUMBER = re.compile(r"^\d{1,5}[a-z]?(?:[-/]\d{4})?[-/ ]?[A-ZĐ][\wĐđƯư]*(?:[-/][\wĐđƯư]+)*$")
_DATE = re.compile(DATE_BODY, re.IGNORECASE)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][^\s\d,;:()]*\s?){2,6}$")
_UNKNOWN = re.compile(r"(?i)đang\s+cập\s+nh")
# A local government's e-portal names its unit: "Trang thông tin điện tử xã Thạch Kim"
_SITE = re.compile(
    r"(?:Trang|Cổng)\s+thông\s+tin\s+điện\s+tử\s+(?:của\s+)?"
    r"(?P<unit>xã|phường|thị\s+trấn|huyện|quận|thị\s+xã|tỉnh|thành\s+phố)\s+"
    r"(?P<place>[A-ZĐÀ-Ỹ][^\W\d_]*(?:\s[A-ZĐÀ-Ỹ][^\W\d_]*){0,3})",
    re.IGNORECASE,
)
_SCAN = 3000


@dataclass(frozen=True, slots=True)
class PortalMeta:
    """The portal's labelled values (None where it has none), each with its span."""

    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    signer: str | None = None
    date: str | None = None
    spans: tuple[tuple[str, int, int], ...] = ()


def read_portal(text: str) -> PortalMeta:
    """The metadata block a legal portal prints near the top of ``text``, if any."""
    values: dict[str, str] = {}
    spans: list[tuple[str, int, int]] = []
    for m in _FIELD.finditer(text, 0, min(len(text), _SCAN)):
        field = _LABELS.get(re.sub(r"\s+", " ", m.group("label")).lower())
        value = m.group("value").strip()
        if field is None or field in values or not value or _UNKNOWN.search(value):
            continue
        parsed = _parse(field, value)
        if parsed is not None:
            values[field] = parsed
            spans.append((field, m.start("value"), m.start("value") + len(value)))
    return PortalMeta(**values, spans=tuple(spans))


def site_unit(text: str) -> tuple[str, tuple[int, int]] | None:
    """The People's Committee whose e-portal the page is ("Trang thông tin điện tử xã Thạch
    Kim" -> "Ủy ban nhân dân xã Thạch Kim"), from the page's first lines, with the span."""
    m = _SITE.search(text, 0, min(len(text), 300))
    if m is None or not m.group("place")[:1].isupper():
        return None
    unit = re.sub(r"\s+", " ", m.group("unit").lower())
    place = re.sub(r"(?:https?|www)$", "", m.group("place"))  # a banner's address glued on
    return f"Ủy ban nhân dân {unit} {place}", (m.start("unit"), m.start("place") + len(place))


def _parse(field: str, value: str) -> str | None:
    """The value of one field in the record's form, or None when it is not one."""
    if field == "number":
        compact = re.sub(r"\s+", "", value)
        return compact if _NUMBER.match(compact) else None
    if field == "doc_type":
        return DOC_TYPE_WORDS.get(value.lower())
    if field == "date":
        m = _DATE.search(value)
        return date_of(m) if m else None
    if field == "signer":
        return value if _NAME.match(value) else None
    return value  # the issuing body or place, as printed
