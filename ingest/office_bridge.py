"""The LibreOffice side of the office converter: a small program run by the Python that has ``uno``.

Reads: JSON lines on stdin, ``{"in": PATH, "out": PATH}``. Writes: one JSON line
on stdout per request, ``{"ok": true}`` once ``out`` holds the document as
.docx, or ``{"error": "one line"}``. Argument: the UNO pipe name of a running
``soffice --accept=pipe,name=...`` to drive.

Why a program of its own: UNO's Python binding comes with LibreOffice (Debian's
``python3-uno``, for the system Python), not from PyPI, so the ingest process
(another Python, in a venv) cannot import it. This program imports only ``uno``
and the standard library; :mod:`ingest.office` starts it beside one long-lived
soffice and talks to it through pipes, so a batch of documents costs one
LibreOffice start, not one per file.

When stdin closes (the ingest process ended, however it ended) the bridge
shuts LibreOffice down, so no soffice outlives the process that started it.

Documents are opened hidden, read-only, with macros never run and links never
updated (a hostile .doc cannot run code or fetch anything).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time

import uno  # type: ignore[import-not-found]  # Debian python3-uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _props(**kw) -> tuple:
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def _desktop(pipe: str, wait: float = 60.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + wait
    while True:
        try:
            ctx = resolver.resolve(url)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def _convert(desktop, src: str, dst: str) -> None:
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(src),
        "_blank",
        0,
        _props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0, RepairPackage=False),
    )
    if doc is None:
        raise RuntimeError("LibreOffice could not open it")
    try:
        if not hasattr(doc, "getText"):
            raise RuntimeError("not a text document")
        doc.storeToURL(uno.systemPathToFileUrl(dst), _props(FilterName="MS Word 2007 XML", Overwrite=True))
    finally:
        doc.close(True)


def main() -> int:
    pipe = sys.argv[1]
    try:
        desktop = _desktop(pipe)
    except Exception as e:
        print(json.dumps({"error": f"cannot reach LibreOffice ({type(e).__name__})"}), flush=True)
        return 1
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            job = json.loads(line)
            _convert(desktop, job["in"], job["out"])
            answer = {"ok": True}
        except Exception as e:  # one document's failure is its answer; the bridge goes on
            detail = " ".join(str(getattr(e, "Message", "") or e).split())[:120]
            answer = {"error": f"{type(e).__name__}{': ' + detail if detail else ''}"}
        print(json.dumps(answer), flush=True)
    # stdin closed: the ingest process is done (or died, even by kill -9): LibreOffice goes with it
    with contextlib.suppress(Exception):  # a LibreOffice already gone
        desktop.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
