"""What scans and conversions do to a text: PDF line breaks, old tone placement, NFD.

Reads: a rendered text and the text's random stream. Returns: :func:`degrade`,
the text as a share of real files arrive (about 6 % cut at ~80 columns with
blank lines between, as a PDF's text layer; 12 % with the old tone placement
"uỷ", "hoá"; 3 % decomposed to NFD), and :func:`pdf_breaks` alone.

Why: the extractor normalises these before it matches; a corpus without them
would not measure that it does.
"""

from __future__ import annotations

import random
import unicodedata

__all__ = ["degrade", "pdf_breaks"]


def degrade(text: str, rng: random.Random) -> str:
    """The text with the noise of real files, each kind drawn on its own."""
    r = rng.random()
    if r < 0.06:
        text = pdf_breaks(text, rng)
    if rng.random() < 0.12:
        text = text.replace("ủy", "uỷ").replace("hóa", "hoá").replace("Ủy", "Uỷ")
    if rng.random() < 0.03:
        text = unicodedata.normalize("NFD", text)
    return text


def pdf_breaks(text: str, rng: random.Random) -> str:
    """PDF-style: lines cut at ~80 columns with a blank line between them (seed 002)."""
    out: list[str] = []
    width = rng.randint(72, 90)
    for para in text.split("\n"):
        if len(para) <= width:
            out.append(" " + para + " ")
            continue
        line = ""
        for w in para.split(" "):
            if line and len(line) + 1 + len(w) > width:
                out.append(" " + line + " ")
                line = w
            else:
                line = f"{line} {w}" if line else w
        if line:
            out.append(" " + line + " ")
    return "\n\n".join(out)
