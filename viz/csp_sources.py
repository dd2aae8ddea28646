"""What the views need of a Content-Security-Policy beyond their own origin.

Reads: the vendored ``/static/vis-network/vis-network.min.js``. Returns: the
CSP hash sources (``'sha256-...'``) of the ``<style>`` elements that script
adds to the page when it loads (:func:`vis_style_hashes`).

Why: the views load every script and stylesheet from ``/static`` and embed no
inline script or style attribute, so ``script-src 'self'; style-src 'self'``
suffices, except for vis-network's standalone build, which injects its own CSS
(tooltip, navigation buttons) as seven ``<style>`` elements. Allowing exactly
those by hash keeps ``'unsafe-inline'`` out of ``style-src``; the hashes are
read from the file the server sends, so they follow the vendored version. The
browser test (tests/test_browser_hostile.py) fails on any CSP violation, which
is how a change of the injector's shape would show.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

__all__ = ["VIS_NETWORK_JS", "csp_hash", "vis_style_hashes"]

VIS_NETWORK_JS = Path(__file__).parent / "static" / "vis-network" / "vis-network.min.js"

# The standalone build's style injector: a function that creates a <style> element and
# appends a text node; it is called with each stylesheet as a plain string literal.
_INJECTOR = re.compile(r"function ([\w$]+)\([\w$]+,[\w$]+\)\{.{0,300}?document\.createElement\(\"style\"\)")


def csp_hash(text: str) -> str:
    """The CSP source allowing an inline element whose content is exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def vis_style_hashes(path: Path = VIS_NETWORK_JS) -> tuple[str, ...]:
    """Hash sources of the stylesheets the vis-network script injects, in file order.

    The first is the hash of the empty text: the injector appends each ``<style>``
    element empty and adds its text after, and the browser checks the element both
    times. Empty when the file has no such injector (a build that ships its CSS apart).
    A literal with a backslash escape is refused: its text would need a JavaScript
    parser to compute, and a wrong hash must fail loudly, not block a style.
    """
    js = path.read_text(encoding="utf-8")
    found = _INJECTOR.search(js)
    if found is None:
        return ()
    name = re.escape(found.group(1))
    calls = re.findall(rf"(?<![\w$.]){name}\([\"']", js)
    literals = re.findall(rf"(?<![\w$.]){name}\((\"[^\"\\]*\"|'[^'\\]*')\)", js)
    if len(literals) != len(calls):
        raise ValueError(f"{path}: a style literal with an escape; its hash cannot be read off")
    # The injector appends the <style> element empty, then its text: the browser checks both.
    return tuple(dict.fromkeys(csp_hash(text) for text in ["", *(lit[1:-1] for lit in literals)]))
