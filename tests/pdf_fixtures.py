"""Tiny PDFs written byte by byte: a text layer in a chosen font encoding, over a picture or not.

Why by hand: the cases the readers must tell apart (a scan under a text layer
that is junk, Vietnamese set in a TCVN3 font and so read as Latin-1) are what
old tools wrote; no library on hand writes them on purpose.
"""

from __future__ import annotations

import zlib


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def tiny_pdf(lines: list[bytes], jpeg: bytes | None = None, size: tuple[int, int] = (0, 0)) -> bytes:
    """One A4 page: ``lines`` drawn in Helvetica (WinAnsi codes as given), over ``jpeg`` when given."""
    text = b"".join(
        b"BT /F1 9 Tf 40 %d Td (%s) Tj ET\n" % (800 - 12 * i, _escape(line)) for i, line in enumerate(lines)
    )
    content = (b"q 595 0 0 842 0 0 cm /Im0 Do Q\n" if jpeg else b"") + text
    packed = zlib.compress(content)
    resources = b"/Font << /F1 5 0 R >>" + (b" /XObject << /Im0 6 0 R >>" if jpeg else b"")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << "
        + resources
        + b" >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if jpeg:
        objs.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (size[0], size[1], len(jpeg))
            + jpeg
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
