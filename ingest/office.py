"""Legacy and other office files (.doc, .odt, .rtf) read through one long-lived LibreOffice.

Reads: a .doc, .odt or .rtf path. Returns: its text, as the .docx reader gives
it (LibreOffice saves the document as .docx; :mod:`ingest.docx_reader` reads
that, so tables, text boxes and headers come out in the same reading order for
every format). Raises :class:`~ingest.errors.DocumentError` with one line: the
file is not a document LibreOffice opens, it took longer than the timeout, it
crashed LibreOffice, or a tool is missing (the reason names the Debian package).

Why one process for a batch: starting LibreOffice costs one to three seconds,
converting a plan a few hundredths. So each process (each worker of the ingest
pool) keeps one ``soffice --headless`` with a private profile, listening on a
UNO pipe, and one :mod:`ingest.office_bridge` beside it that drives it (UNO's
Python binding is Debian's ``python3-uno``, for the system Python). A document
that takes longer than ``LINEAGE_OFFICE_TIMEOUT`` seconds (default 60), or
that makes LibreOffice die, costs that document: the pair is killed (its whole
process group) and started afresh for the next one. Both stop when the process
exits.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing.util
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path

from ingest.errors import DocumentError

__all__ = ["OFFICE_SUFFIXES", "missing_tool", "read_office", "running_pid", "shutdown"]

OFFICE_SUFFIXES = frozenset({".doc", ".odt", ".rtf"})
_BRIDGE = Path(__file__).with_name("office_bridge.py")
# What the bridge answers when the LibreOffice it drives is gone.
_BRIDGE_GONE = "DisposedException"
# Seconds LibreOffice may take to start and answer the bridge.
START_TIMEOUT = 90.0


def _timeout() -> float:
    value = os.environ.get("LINEAGE_OFFICE_TIMEOUT", "").strip()
    try:
        return max(1.0, float(value)) if value else 60.0
    except ValueError:
        return 60.0


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@cache
def _uno_python() -> str | None:
    """A Python that can ``import uno``: ``LINEAGE_UNO_PYTHON``, the system one, LibreOffice's own."""
    own = os.environ.get("LINEAGE_UNO_PYTHON")
    for exe in filter(None, (own, "/usr/bin/python3", "/usr/lib/libreoffice/program/python")):
        if not os.access(exe, os.X_OK):
            continue
        try:
            ok = subprocess.run([exe, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return exe
    return None


def missing_tool() -> str | None:
    """The one-line reason LibreOffice cannot convert here (naming the Debian package), or None."""
    if _soffice() is None:
        return "needs LibreOffice, which is not installed (Debian package libreoffice-writer-nogui)"
    if _uno_python() is None:
        return "needs LibreOffice's Python bridge, which is not installed (Debian package python3-uno)"
    return None


class _Converter:
    """One soffice and its bridge, started on first use, killed and restarted after a failure."""

    def __init__(self) -> None:
        self.office: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self.tmp: tempfile.TemporaryDirectory[str] | None = None
        self.lock = threading.Lock()

    def _start(self) -> None:
        soffice, python = _soffice(), _uno_python()
        assert soffice and python
        self.tmp = tempfile.TemporaryDirectory(prefix="lineage-office-")
        pipe = f"lineage_office_{os.getpid()}_{id(self.tmp)}"
        profile = Path(self.tmp.name, "profile").as_uri()
        self.office = subprocess.Popen(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--nologo",
             "--norestore", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self.bridge = subprocess.Popen(
            [python, str(_BRIDGE), pipe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        answer = self._answer(START_TIMEOUT)
        if not answer or not answer.get("ready"):
            self.stop()
            raise RuntimeError((answer or {}).get("error", "LibreOffice did not start"))

    def _answer(self, timeout: float) -> dict | None:
        """The bridge's next line, or None when it did not come in time or the bridge died."""
        assert self.bridge and self.bridge.stdout
        fd = self.bridge.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        line = self.bridge.stdout.readline()
        if not line:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return None

    def stop(self) -> None:
        for proc in (self.bridge, self.office):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
            if proc is not None:
                proc.wait()
                for pipe in (proc.stdin, proc.stdout):
                    if pipe is not None:
                        with contextlib.suppress(OSError):
                            pipe.close()
        self.bridge = self.office = None
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None

    def _send(self, src: Path, dst: Path, timeout: float) -> tuple[dict | None, bool]:
        """The bridge's answer for one document (None: no answer in time), and whether soffice died."""
        if self.bridge is None or self.bridge.poll() is not None or self.office.poll() is not None:  # type: ignore[union-attr]
            self.stop()
            self._start()
        assert self.bridge and self.bridge.stdin
        try:
            self.bridge.stdin.write((json.dumps({"in": str(src), "out": str(dst)}) + "\n").encode())
            self.bridge.stdin.flush()
        except OSError:
            return None, True
        answer = self._answer(timeout)
        return answer, self.office is not None and self.office.poll() is not None

    def convert(self, src: Path, dst: Path, timeout: float) -> str | None:
        """Convert ``src`` to .docx at ``dst``; None when done, else the one-line reason.

        Interrupted (the worker's time limit per file, :class:`ingest.limits.TimeLimit`),
        LibreOffice is still busy with the document and its answer would come to the next
        one: the pair is stopped, and the next document starts a fresh one."""
        with self.lock:
            try:
                return self._convert(src, dst, timeout)
            except BaseException:
                self.stop()
                raise

    def _convert(self, src: Path, dst: Path, timeout: float) -> str | None:
        """One document through the pair (the lock held)."""
        answer, died = self._send(src, dst, timeout)
        if answer is not None and _BRIDGE_GONE in str(answer.get("error", "")):
            # LibreOffice had died before this document came (the bridge only learns it now):
            # not this document's fault, so once more on a fresh one
            self.stop()
            answer, died = self._send(src, dst, timeout)
        if answer is None:
            self.stop()  # hung or dead: the next document gets a fresh LibreOffice
            return "LibreOffice crashed on it" if died else f"LibreOffice took over {timeout:g} s on it"
        if _BRIDGE_GONE in str(answer.get("error", "")):
            self.stop()
            return "LibreOffice crashed on it"
        return None if answer.get("ok") else str(answer.get("error", "conversion failed"))


_CONVERTER = _Converter()
atexit.register(_CONVERTER.stop)
# A pool's worker leaves by os._exit, past atexit: multiprocessing's own finalizers still run.
multiprocessing.util.Finalize(None, _CONVERTER.stop, exitpriority=10)


def running_pid() -> int | None:
    """The process id (and process group) of this process's LibreOffice, None when none runs."""
    office = _CONVERTER.office
    return office.pid if office is not None and office.poll() is None else None


def shutdown() -> None:
    """Stop this process's LibreOffice (it starts again when the next office file comes)."""
    _CONVERTER.stop()


def read_office(path: Path) -> str:
    """The text of a .doc / .odt / .rtf file (see the module's docstring)."""
    reason = missing_tool()
    if reason:
        raise DocumentError(str(path), f"a {path.suffix.lower()} file {reason}")
    with open(path, "rb") as f:
        head = f.read(8)
    kind = path.suffix.lower()
    if kind == ".rtf" and not head.startswith(b"{\\rtf"):
        raise DocumentError(str(path), "not an RTF file (no {\\rtf signature)")
    if kind == ".odt" and not head.startswith(b"PK"):
        raise DocumentError(str(path), "not an OpenDocument file (not a zip package)")
    if kind == ".doc" and not head.startswith(b"\xd0\xcf\x11\xe0") and not head.startswith(b"{\\rtf"):
        raise DocumentError(str(path), "not a Word 97-2003 document (no OLE2 signature)")
    from ingest.docx_reader import read_docx

    with tempfile.TemporaryDirectory(prefix="lineage-doc-") as tmp:
        # LibreOffice picks the filter from the name: give it a clean one
        src = Path(tmp, f"in{kind}")
        shutil.copyfile(path, src)
        dst = Path(tmp, "out.docx")
        try:
            error = _CONVERTER.convert(src, dst, _timeout())
        except (OSError, RuntimeError) as e:
            raise DocumentError(str(path), f"LibreOffice could not be started ({e})") from e
        if error is not None or not dst.exists():
            raise DocumentError(str(path), f"unreadable {kind} file: {error or 'nothing converted'}")
        try:
            return read_docx(dst)
        except DocumentError as e:
            raise DocumentError(str(path), e.reason) from e
