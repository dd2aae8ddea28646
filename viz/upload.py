"""The upload page: documents dropped or picked in a browser, sent to ``POST /api/documents``.

Reads: whether the server takes writes, and its upload bounds (given by the
caller, the API that enforces them). Returns: the page's HTML, rendered with
jinja2 (autoescape on), and the Content-Security-Policy it is served with.

Why no data in the page but the bounds: the script (``/static/upload.js``)
asks for the token, sends the files and draws each answer with
``textContent`` only, so no string from a document is ever parsed as HTML.
The page loads nothing from elsewhere and has no inline script or style, so
it works offline and under ``script-src 'self'``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

__all__ = ["CSP", "upload_page"]

# What the page needs and nothing more: its own script, style, and fetches to its origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def upload_page(writes: bool, max_bytes: int, max_files: int) -> HTMLResponse:
    """The page; ``writes``: whether the server has a token (else it says writes are off)."""
    html = _env.get_template("upload.html").render(writes=writes, max_bytes=max_bytes, max_files=max_files)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})
