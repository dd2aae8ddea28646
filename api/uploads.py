"""A multipart/form-data request body streamed into files on disk, within bounds.

Reads: an ASGI request whose body is ``multipart/form-data`` with ``file``
fields. Writes: each file's bytes to its own file in a folder the caller owns,
named by its position and the suffix the client gave (the readers pick a
document's reader by suffix). Returns: a :class:`Spooled` per ``file`` field,
in the order sent, with the name the client gave it; raises
:class:`UploadRejected` (with the HTTP status it means) for a body too large,
too many files, a body that is not multipart, or a malformed one.

Why streamed: a request is never held whole in memory, and the bound is
checked as the bytes arrive (a declared ``Content-Length`` over it is refused
before any byte is read), so a client cannot make the server buffer more than
the limit. Other form fields are read past and dropped. The parser is
python-multipart's, the one Starlette uses, driven chunk by chunk.

Leftovers: a spool folder is named after the serving process
(:func:`spool_folder`), and :func:`sweep` removes those of processes that
died (a ``kill -9`` during an upload), so they never pile up.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import Request

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FILES",
    "Spooled",
    "UploadRejected",
    "display_name",
    "spool",
    "spool_folder",
    "sweep",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # one request body, every file together
DEFAULT_MAX_FILES = 500  # file fields in one request
MAX_NAME = 255  # characters of a file name kept
_PREFIX = "lineage-upload-"
_SUFFIX_RE = re.compile(r"\.[A-Za-z0-9]{1,10}$")


class UploadRejected(Exception):
    """A request body the upload refuses: ``status`` is the HTTP answer (400, 413, 415)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Spooled:
    """One ``file`` field on disk: its path, the client's name for it, its size in bytes."""

    path: str
    name: str
    size: int


def display_name(raw: str) -> str:
    """The client's file name as a label: as sent, less control characters (and the three that
    HTML's form encoding escapes, restored), at most :data:`MAX_NAME` characters.

    Browsers send the bare name; ``lineage ingest`` sends the path as given on its
    command line, so a document keeps the same ``source`` either way: nothing else
    is changed (not even Unicode normalisation), or the two would differ."""
    name = raw.replace("%22", '"').replace("%0A", "\n").replace("%0D", "\r")
    return "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()[:MAX_NAME]


def spool_folder() -> str:
    """A new private folder for one request's files (its name carries this process's pid)."""
    return tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")


def sweep(root: str | None = None) -> int:
    """Remove spool folders left by serving processes that no longer run; how many."""
    removed = 0
    base = Path(root or tempfile.gettempdir())
    for d in base.glob(f"{_PREFIX}*-*"):
        pid = d.name[len(_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or not d.is_dir() or _alive(int(pid)):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to clean
        return True
    return True


class _Parts:
    """The parser's callbacks: headers of each part, and its bytes into a file."""

    def __init__(self, folder: str, max_files: int) -> None:
        self.folder = folder
        self.max_files = max_files
        self.files: list[Spooled] = []
        self.unnamed = 0  # file fields sent without a file name
        self._header = b""
        self._value = b""
        self._headers: dict[bytes, bytes] = {}
        self._out: BinaryIO | None = None
        self._current: tuple[str, str] | None = None  # (path, name) being written
        self._size = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self._headers, self._header, self._value = {}, b"", b""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self._headers[self._header.lower()] = self._value
        self._header, self._value = b"", b""

    def headers_finished(self) -> None:
        _, opts = parse_options_header(self._headers.get(b"content-disposition", b"").decode("latin-1"))
        if opts.get(b"name") != b"file":
            return  # another form field: read past it
        name = display_name(opts.get(b"filename", b"").decode("utf-8", "replace"))
        if not name:
            self.unnamed += 1
            return
        if len(self.files) >= self.max_files:
            raise UploadRejected(413, f"more than {self.max_files} files in one request")
        m = _SUFFIX_RE.search(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
        path = os.path.join(self.folder, f"{len(self.files):05d}{m.group(0).lower() if m else ''}")
        self._out = open(path, "xb")  # noqa: SIM115 - closed in part_end (or by close())
        self._current, self._size = (path, name), 0

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])
            self._size += end - start

    def part_end(self) -> None:
        if self._out is not None and self._current is not None:
            self._out.close()
            self.files.append(Spooled(self._current[0], self._current[1], self._size))
        self._out, self._current = None, None

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def spool(request: Request, folder: str, max_bytes: int, max_files: int) -> tuple[list[Spooled], int]:
    """Stream the request's ``file`` fields into ``folder``; the files, and how many ``file``
    fields came without a file name. Raises :class:`UploadRejected` (see module docstring)."""
    ctype, opts = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data":
        raise UploadRejected(415, "send the documents as multipart/form-data, one `file` field each")
    boundary = opts.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise UploadRejected(400, "multipart/form-data without a usable boundary")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise UploadRejected(413, _too_large(max_bytes))
    parts = _Parts(folder, max_files)
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_bytes:
                raise UploadRejected(413, _too_large(max_bytes))
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except MultipartParseError as e:
        raise UploadRejected(400, f"malformed multipart/form-data body ({str(e)[:80]})") from e
    finally:
        parts.close()
    if parser.state not in (MultipartState.END, MultipartState.BOUNDARY_PADDING):
        raise UploadRejected(400, "the multipart/form-data body ends before its closing boundary")
    return parts.files, parts.unnamed


def _too_large(limit: int) -> str:
    return f"the upload is larger than this server's limit of {limit:,} bytes (LINEAGE_UPLOAD_MAX_BYTES)"
