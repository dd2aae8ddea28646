"""The fuzz corpus: hostile and broken files under every extension a reader takes, mixed with good plans.

Reads: the good documents of the repository (the seeds, ``tests/corpus``, the seeds saved in
every format by LibreOffice in ``tests/fixtures/docs``), a seed and a file count. Writes: a
folder of that many files plus the entries a folder walk must pass over (symbolic link
loops, dangling links, folders named like documents, a FIFO), and ``manifest.json`` beside
it: every entry with its kind and whether it is a good document (which must be ingested).
Returns: the :class:`Manifest`.

What the fuzz files are, for every extension of :data:`ingest.readers.READERS` (the
generator stops if a reader is added that it does not know): random bytes, random bytes
behind the format's signature (past the first check, into the parser), good files with
bytes flipped, cut at a random offset, spliced with another, a part of a zip package
flipped or cut (the package still opens), and text damaged in the ways text is (invalid
UTF-8, of even length too, UTF-16 with and without its mark, control characters, NULs,
long lines, lone CRs). Once each: an empty file under every extension, zip bombs in a .docx
and an .odt, XML entity bombs, HTML nested 100,000 deep, a PDF whose content stream
inflates to 300 MB, a multi-page TIFF, an image bomb, files over the size limit (sparse),
a single 1,000,000-character line (.txt, .md, .html, .docx), a name with a line break and
one whose bytes are not UTF-8. The good documents are copied (so "all good ones ingested"
is a count), some in UTF-8 with a BOM, UTF-16 and UTF-32 with their marks.

Why: deterministic (``random.Random(seed)``, Pillow and the standard library, nothing
downloaded), so a failure found is a failure anyone can make again.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.readers import READERS

ROOT = Path(__file__).resolve().parent.parent
FAMILIES: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".md"),
    "pdf": (".pdf",),
    "docx": (".docx",),
    "office": (".doc", ".odt", ".rtf"),
    "html": (".html", ".htm"),
    "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
}
assert {s for f in FAMILIES.values() for s in f} == set(READERS), "a reader the fuzz does not know"
SIGNATURES = {
    ".pdf": b"%PDF-1.4\n",
    ".docx": b"PK\x03\x04",
    ".odt": b"PK\x03\x04",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ".rtf": b"{\\rtf1\\ansi ",
    ".html": b"<!DOCTYPE html><html><body>",
    ".htm": b"<html><body><p>",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff\xe0",
    ".jpeg": b"\xff\xd8\xff\xe1",
    ".tif": b"II*\x00",
    ".tiff": b"MM\x00*",
    ".txt": b"K\xe1\xba\xbf ho\xe1\xba\xa1ch ",
    ".md": b"# ",
}
# Share of an image family's fuzz files made from a decodable image (each costs OCR, ~2 s).
IMAGE_DECODABLE = 0.15
SIZE_LIMIT_MB = 100  # the readers' default LINEAGE_MAX_FILE_MB: the huge files are past it


@dataclass
class Manifest:
    """What was written: entries (relative path, kind, good), and the walk's expected skips."""

    root: str
    entries: list[dict] = field(default_factory=list)

    def add(self, path: Path, kind: str, good: bool = False, skipped: bool = False) -> None:
        self.entries.append(
            {
                "path": os.fsencode(path.relative_to(self.root)).decode("utf-8", "replace"),
                "kind": kind,
                "good": good,
                "skipped": skipped,
            }
        )

    @property
    def documents(self) -> int:
        return sum(not e["skipped"] for e in self.entries)

    @property
    def good(self) -> int:
        return sum(e["good"] for e in self.entries)

    @property
    def skipped(self) -> int:
        return sum(e["skipped"] for e in self.entries)


def good_sources() -> list[Path]:
    """The good documents: seeds, the labelled corpus, and the seeds in every other format."""
    fixtures = ROOT / "tests" / "fixtures" / "docs"
    return [
        *sorted((ROOT / "data" / "seeds").glob("*.txt")),
        *sorted((ROOT / "tests" / "corpus").glob("*.txt")),
        *sorted(p for p in fixtures.iterdir() if p.is_file() and p.suffix in READERS),
    ]


def _images() -> dict[str, bytes]:
    """Small decodable images with lines of text (the bases the image fuzz mutates)."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (240, 160), 255)
    draw = ImageDraw.Draw(im)
    for y in range(10, 150, 14):
        draw.text((10, y), "Ke hoach so 12-KH/TU ngay 2/4/2024", fill=0)
    out = {}
    for ext, fmt in (
        (".png", "PNG"),
        (".jpg", "JPEG"),
        (".jpeg", "JPEG"),
        (".tif", "TIFF"),
        (".tiff", "TIFF"),
    ):
        buf = io.BytesIO()
        im.save(buf, fmt)
        out[ext] = buf.getvalue()
    return out


def _bases(goods: list[Path]) -> dict[str, list[bytes]]:
    """Good bytes per extension, what the mutations start from."""
    bases: dict[str, list[bytes]] = {ext: [] for ext in READERS}
    for p in goods:
        bases[p.suffix].append(p.read_bytes())
        if p.suffix == ".txt":
            bases[".md"].append(p.read_bytes())
        if p.suffix == ".html":
            bases[".htm"].append(p.read_bytes())
    for ext, data in _images().items():
        bases[ext].append(data)
    return bases


# -- mutations: (rng, bytes) -> bytes ---------------------------------------------------------
def _flip(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    b = bytearray(d)
    for _ in range(r.choice((1, 2, 5, 20, 200))):
        i = r.randrange(len(b))
        b[i] = r.randrange(256) if r.random() < 0.5 else b[i] ^ (1 << r.randrange(8))
    return bytes(b)


def _cut(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    return d[: r.randrange(len(d))]


def _splice(r: random.Random, d: bytes, other: bytes) -> bytes:
    if not d or not other:
        return d + other
    return d[: r.randrange(len(d))] + other[r.randrange(len(other)) :]


def _insert(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    i = r.randrange(len(d))
    return d[:i] + r.randbytes(r.randrange(1, 4096)) + d[i:]


def _repeat(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    i = r.randrange(len(d))
    chunk = d[i : i + r.randrange(1, 200)]
    return d[:i] + chunk * r.randrange(2, 2000) + d[i:]


def _zip_part(r: random.Random, d: bytes) -> bytes:
    """A package whose parts still unzip, one of them flipped or cut."""
    try:
        src = zipfile.ZipFile(io.BytesIO(d))
        names = src.namelist()
    except zipfile.BadZipFile:
        return _flip(r, d)
    victim = r.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            data = src.read(n)
            if n == victim:
                data = _flip(r, data) if r.random() < 0.6 else _cut(r, data) if data else data
            z.writestr(n, data)
    return out.getvalue()


def _bad_text(r: random.Random, d: bytes) -> bytes:
    """Text damaged the ways text files are."""
    how = r.randrange(9)
    if how == 0:  # invalid UTF-8: stray continuation and lead bytes
        return bytes(b if b < 0x80 or r.random() < 0.7 else r.randrange(0x80, 0x100) for b in d)
    if how == 1:  # invalid UTF-8 of even length (decodes as UTF-16 if one tries codecs blindly)
        return bytes(r.randrange(0x80, 0x100) for _ in range(2 * r.randrange(1, 4000)))
    if how == 2:  # UTF-16 without its mark
        return d.decode("utf-8", "replace").encode(r.choice(("utf-16-le", "utf-16-be")))
    if how == 3:  # UTF-16 mark, then bytes that are not UTF-16
        return b"\xff\xfe" + r.randbytes(r.randrange(1, 5000))
    if how == 4:  # control characters sprinkled in
        return bytes(b if r.random() < 0.97 else r.randrange(0, 32) for b in d)
    if how == 5:  # NULs
        return d.replace(b" ", b"\x00", r.randrange(1, 50))
    if how == 6:  # lone CRs for line ends
        return d.replace(b"\n", b"\r")
    if how == 7:  # one long line
        return d.replace(b"\n", b" ")
    return _insert(r, d)


def _fuzz_one(r: random.Random, ext: str, bases: dict[str, list[bytes]]) -> tuple[str, bytes]:
    """One fuzz file of extension ``ext``: (kind, bytes)."""
    base = r.choice(bases[ext])
    image = ext in FAMILIES["image"]
    roll = r.random()
    if image and roll > IMAGE_DECODABLE:  # an image that decodes costs OCR: most are broken
        if r.random() < 0.5:
            return "random", r.randbytes(r.randrange(1, 200_000))
        return "signature", SIGNATURES[ext] + r.randbytes(r.randrange(0, 200_000))
    kinds: list[tuple[str, Callable[[], bytes]]] = [
        ("random", lambda: r.randbytes(int(2 ** r.uniform(0, 18)))),
        ("signature", lambda: SIGNATURES[ext] + r.randbytes(int(2 ** r.uniform(0, 17)))),
        ("flipped", lambda: _flip(r, base)),
        ("cut", lambda: _cut(r, base)),
        ("spliced", lambda: _splice(r, base, r.choice(bases[r.choice(list(bases))]))),
        ("inserted", lambda: _insert(r, base)),
        ("repeated", lambda: _repeat(r, base)),
    ]
    if image:  # the decodable share: damaged images
        kinds = kinds[2:]
    if ext in (".docx", ".odt"):
        kinds += [("zip-part", lambda: _zip_part(r, base))] * 3
    if ext in FAMILIES["text"] + FAMILIES["html"]:
        kinds += [("bad-text", lambda: _bad_text(r, base))] * 3
    kind, make = r.choice(kinds)
    return kind, make()


def generate(out: Path, files: int, seed: int = 1) -> Manifest:
    """Write the corpus of ``files`` files (and the walk's special entries) into ``out``."""
    from bench import fuzz_specials

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    m = Manifest(str(out))
    r = random.Random(seed)
    goods = good_sources()
    copies = max(1, round(files * 0.05 / len(goods)))
    good_dir = out / "good"
    good_dir.mkdir()
    for c in range(copies):
        for p in goods:
            dest = good_dir / f"{c:02d}-{p.name}"
            shutil.copyfile(p, dest)
            m.add(dest, "good", good=True)
    for i, p in enumerate(g for g in goods if g.suffix == ".txt"):  # the same plans, other encodings
        enc, bom = (
            ("utf-8", b"\xef\xbb\xbf"),
            ("utf-16-le", b"\xff\xfe"),
            ("utf-16-be", b"\xfe\xff"),
            ("utf-32-le", b"\xff\xfe\x00\x00"),
        )[i % 4]
        dest = good_dir / f"bom-{enc}-{p.name}"
        dest.write_bytes(bom + p.read_text("utf-8").encode(enc))
        m.add(dest, f"good-{enc}-bom", good=True)
    fuzz_specials.write(out / "special", m, r, SIGNATURES, SIZE_LIMIT_MB)
    bases = _bases(goods)
    families = list(FAMILIES)
    n = max(0, files - len(m.entries) + m.skipped)
    for i in range(n):
        folder = out / "fuzz" / f"{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        ext = r.choice(FAMILIES[r.choice(families)])
        kind, data = _fuzz_one(r, ext, bases)
        dest = folder / f"{i:05d}-{kind}{ext}"
        dest.write_bytes(data)
        m.add(dest, kind)
    (out.parent / f"{out.name}.manifest.json").write_text(json.dumps(asdict(m), indent=0) + "\n", "utf-8")
    return m


__all__ = ["FAMILIES", "Manifest", "generate", "good_sources"]
