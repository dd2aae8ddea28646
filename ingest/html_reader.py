"""Saved web pages (.html, .htm) to the text of the document they show, tables in reading order.

Reads: a .html/.htm path (a page saved from a legal portal or a provincial
site, or an office suite's HTML export). Returns: the text. Raises
:class:`~ingest.errors.DocumentError` with a one-line reason for a page with
no text or one that cannot be parsed.

How: lxml parses the page (the charset its ``<meta>`` names, else UTF-8, else
the legacy Vietnamese encodings of :mod:`ingest.encodings`); what is not the
document is removed as elements (scripts, styles, navigation, page header and
footer landmarks, forms, hidden elements, an office export's page footer);
``<main>`` or a single ``<article>`` is kept when the page has one. Tables are
then unfolded cell by cell, each cell a block of its own, row by row: the
two-column header of a plan (organ and number | motto, place and date) keeps
each cell's lines together, as the .docx and PDF readers give it, instead of
interleaving the two columns line by line. inscriptis (a maintained HTML to
text renderer that follows CSS display rules) renders the result: blocks,
line breaks, lists, entities, collapsed white space.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.errors import DocumentError

__all__ = ["html_to_text", "read_html"]

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "object", "embed", "svg", "canvas", "button", "select", "input", "textarea", "menu", "dialog",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary", "dialog"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-element\s*:\s*footer", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)


def _decode(data: bytes, path: str) -> str:
    """The page's text: its declared charset, else UTF-8, else a legacy Vietnamese encoding."""
    from ingest.encodings import decode_text

    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        try:
            return data.decode(m.group(1).decode("ascii").lower())
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, path)


def _prune(root) -> None:
    """Remove what is not the document: code, navigation, landmarks, forms, hidden and footer elements."""
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            doomed.append(el)
            continue
        tag = el.tag.lower()
        if (
            tag in _DROP_TAGS
            or (el.get("role") or "").lower() in _DROP_ROLES
            or el.get("hidden") is not None
            or (el.get("aria-hidden") or "").lower() == "true"
            or _HIDDEN.search(el.get("style") or "")
            or (el.get("title") or "").lower() == "footer"
        ):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()


def _unfold_tables(root) -> None:
    """Every table becomes its cells as blocks, row by row: each cell's lines stay together."""
    for table in reversed(list(root.iter("table"))):  # innermost first
        parent = table.getparent()
        if parent is None:
            continue
        table.tag = "div"
        for el in list(table.iter()):
            if el is table or not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if tag in ("td", "th", "caption"):
                el.tag = "div"
            elif tag in ("tr", "tbody", "thead", "tfoot", "colgroup", "col"):
                if tag in ("colgroup", "col"):
                    el.drop_tree()
                else:
                    el.drop_tag()


def html_to_text(html: str) -> str:
    """The text of the document an HTML page shows (see the module's docstring)."""
    import lxml.html
    from inscriptis import Inscriptis
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    html = html.lstrip("\ufeff")
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a str that declares its encoding
    if not html.strip():
        return ""
    root = lxml.html.document_fromstring(html)
    _prune(root)
    body = root.find("body")
    scope = body if body is not None else root
    mains = scope.findall(".//main")
    articles = scope.findall(".//article")
    if len(mains) == 1:
        scope = mains[0]
    elif len(articles) == 1:
        scope = articles[0]
    _unfold_tables(scope)
    config = ParserConfig(css=CSS_PROFILES["strict"].copy())
    text = Inscriptis(scope, config).get_text()
    lines = [line.rstrip() for line in text.replace("\u00a0", " ").splitlines()]
    text = "\n".join(line.strip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return unicodedata.normalize("NFC", text) + "\n"


def read_html(path: Path) -> str:
    """The text of a saved web page."""
    text = _decode(path.read_bytes(), str(path))
    try:
        return html_to_text(text)
    except (ValueError, TypeError) as e:  # lxml's ParserError is a ValueError
        raise DocumentError(str(path), f"unreadable web page ({type(e).__name__})") from e
