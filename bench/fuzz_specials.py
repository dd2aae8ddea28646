"""The fuzz corpus's one-of-a-kind entries: bombs, huge files, long lines, hostile names and the
entries a folder walk must pass over.

Reads: a folder to write into, the corpus's :class:`bench.fuzz_corpus.Manifest`, a seeded
``random.Random``, each extension's signature and the size limit (MB). Writes: the entries,
each added to the manifest (``skipped``: one the walk reports instead of reading).

Why apart from :mod:`bench.fuzz_corpus`: these are built by hand, one construction each
(a zip bomb, a PDF whose stream inflates without end, a symbolic link loop), where the
corpus proper is random mutation at scale.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt"
DOCX = ROOT / "tests" / "fixtures" / "docs" / "000_5d5e4ef2eda93763.docx"
ODT = ROOT / "tests" / "fixtures" / "docs" / "000_5d5e4ef2eda93763.odt"
LONG_LINE = 1_000_000
BOMB_MB = 210  # what a zip bomb's part unpacks to (the .docx reader refuses past 200 MB)
PDF_BOMB_MB = 100  # what the PDF's content stream inflates to
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>\n"
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

__all__ = ["write"]


def _package(base: Path, part: str, write_part: Any) -> bytes:
    """A copy of the zip package ``base`` whose ``part`` is written by ``write_part(file)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n in src.namelist():
            if n == part:
                with z.open(n, "w", force_zip64=True) as f:
                    write_part(f)
            else:
                z.writestr(n, src.read(n))
    return out.getvalue()


def _spaces(mb: int) -> Any:
    def write(f: Any) -> None:
        chunk = b" " * (1 << 20)
        for _ in range(mb):
            f.write(chunk)

    return write


def _docx_body(xml: str) -> bytes:
    body = f'<?xml version="1.0"?><w:document {W}><w:body>{xml}</w:body></w:document>'
    return _package(DOCX, "word/document.xml", lambda f: f.write(body.encode()))


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj the catalog ...), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _inflating_pdf(mb: int) -> bytes:
    """One page whose content stream is ``mb`` MB of drawing operators, deflated."""
    comp = zlib.compressobj(9)
    chunk = b"q Q " * (1 << 18)
    stream = b"".join(comp.compress(chunk) for _ in range(mb)) + comp.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
        ]
    )


def _tiff_pages(n: int) -> bytes:
    from PIL import Image, ImageDraw

    pages = []
    for i in range(n):
        im = Image.new("L", (300, 200), 255)
        ImageDraw.Draw(im).text((10, 10 + i % 150), f"trang {i}", fill=0)
        pages.append(im)
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    return buf.getvalue()


def _image_bomb(side: int = 20_000) -> bytes:
    """A white 1-bit PNG of ``side`` x ``side`` pixels (400 million) in a few hundred kilobytes."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (side // 8)
    idat = b"".join(comp.compress(row * 1000) for _ in range(side // 1000)) + comp.flush()
    head = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def write(out: Path, m: Any, r: random.Random, signatures: dict[str, bytes], size_limit_mb: int) -> None:
    """Write every special entry under ``out`` and add it to the manifest ``m``."""
    out.mkdir(parents=True)
    seed = SEED.read_text("utf-8")
    words = seed.split()
    line = " ".join(r.choice(words) for _ in range(LONG_LINE // 4))[:LONG_LINE]

    def put(name: str, data: bytes, kind: str, good: bool = False) -> None:
        p = out / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        m.add(p, kind, good=good)

    for ext in signatures:
        put(f"empty{ext}", b"", "empty")
    put("blank.txt", b" \n\t\r\n" * 100, "blank")
    put("nuls.txt", b"\x00" * 4096, "nuls")
    put("zipbomb.docx", _package(DOCX, "word/document.xml", _spaces(BOMB_MB)), "zip-bomb")
    put("zipbomb.odt", _package(ODT, "content.xml", _spaces(BOMB_MB)), "zip-bomb")
    laughs = f"<w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    put(
        "entities.docx",
        _package(DOCX, "word/document.xml", lambda f: f.write((LAUGHS + laughs).encode())),
        "entity-bomb",
    )
    put("entities.html", (LAUGHS + "<html><body><p>&lol9;</p></body></html>").encode(), "entity-bomb")
    put("nested.html", ("<div>" * 100_000 + seed + "</div>" * 100_000).encode(), "deep-nesting")
    put(
        "nested.docx",
        _docx_body("<w:sdt><w:sdtContent>" * 20_000 + "</w:sdtContent></w:sdt>" * 20_000),
        "deep-nesting",
    )
    put("inflating.pdf", _inflating_pdf(PDF_BOMB_MB), "pdf-stream-bomb")
    put("pages.tif", _tiff_pages(40), "many-pages")
    put("imagebomb.png", _image_bomb(), "image-bomb")
    for ext in (".txt", ".pdf", ".docx", ".png", ".html", ".doc"):  # sparse: no disk
        p = out / f"huge{ext}"
        with open(p, "wb") as f:
            f.write(signatures[ext])
            f.truncate((size_limit_mb + 1) << 20)
        m.add(p, "over-size-limit")
    put("bigtext.txt", (seed * (9_000_000 // len(seed.encode()) + 1)).encode()[:9_000_000], "over-text-limit")
    put("longline.txt", line.encode(), "long-line")
    put("longline.md", (seed + "\n" + line + "\n").encode(), "long-line")
    put("longline.html", f"<html><body><p>{line}</p></body></html>".encode(), "long-line")
    put("longline.docx", _docx_body(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>"), "long-line")
    put("bad\nname.txt", b"\x00\x01binary", "hostile-name")
    put(os.fsdecode(b"caf\xe9-latin1-name.txt"), seed.replace("2024", "2023").encode(), "hostile-name")
    put("x.pdf/inside.txt", seed.replace("2024", "2022").encode(), "in-folder-named-like-a-file")
    # what the walk passes over, each said on a line of its own
    for d in ("x.pdf", "y.docx", "z.txt"):
        (out / d).mkdir(exist_ok=True)
        m.add(out / d, "folder-named-like-a-file", skipped=True)
    (out / "loops").mkdir()
    os.symlink("..", out / "loops" / "up")
    os.symlink("l2.txt", out / "loops" / "l1.txt")
    os.symlink("l1.txt", out / "loops" / "l2.txt")
    os.symlink("self.pdf", out / "loops" / "self.pdf")
    for n in ("up", "l1.txt", "l2.txt", "self.pdf"):
        m.add(out / "loops" / n, "symlink-loop", skipped=True)
    os.symlink("nowhere.docx", out / "dead.docx")
    os.symlink("/nonexistent/scan.png", out / "dead.png")
    m.add(out / "dead.docx", "dangling-symlink", skipped=True)
    m.add(out / "dead.png", "dangling-symlink", skipped=True)
    os.mkfifo(out / "pipe.txt")
    m.add(out / "pipe.txt", "fifo", skipped=True)
    os.symlink(SEED, out / "link-to-a-seed.txt")  # read as the file it points to
    m.add(out / "link-to-a-seed.txt", "symlink-to-file", good=True)
