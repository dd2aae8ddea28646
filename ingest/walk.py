"""Folder walks: the documents under the paths a command is given, and every entry passed over, with why.

Reads: paths (files or folders) and a folder to leave out (the store inside a corpus).
Returns: :class:`Entry` values: a document to read (``reason`` None), or an entry passed over
with its one-line reason: a symbolic link loop, a dangling symbolic link, a folder named like
a document (``x.pdf/``: walked as the folder it is, and said so), something of a document's
name that is not a regular file (a FIFO, a socket, a device), a folder that cannot be listed.
Files of a type no reader takes (``.json``, ``.csv`` ...) are not documents and pass silently.

Why: an ingest of a folder must account for every document-like entry in it, ingested or
one line saying why not, and a walk that follows links must never go round a loop.
Symbolic links to files are read as those files; links to folders outside the walk are
walked, once: a link back to a folder above it is a loop, a link to a folder inside the walk
or a second way into a folder already walked is said and not walked again (its documents
would be read twice).

Documents come in the order of their paths (as a sorted ``rglob`` gives them), so an
ingest reads the same folder in the same order on every machine.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.readers import supported

__all__ = ["Entry", "documents", "walk"]

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a walk: a document to read, or one passed over and why (``reason``)."""

    path: Path
    reason: str | None = None
    target: str | None = None  # what a symbolic link passed over points to

    def line(self) -> str:
        """``path: reason`` (``path -> target: reason`` for a link) on one line, control
        characters of a hostile name escaped."""
        to = f" -> {printable(self.target)}" if self.target is not None else ""
        return f"{printable(str(self.path))}{to}: {self.reason}"


def printable(text: str) -> str:
    """``text`` with line breaks and other control characters escaped: a name stays one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular one."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def walk(paths: Iterable[str | os.PathLike[str]], exclude: Path | None = None) -> Iterator[Entry]:
    """The entries of ``paths``: a path named that is not a folder is a document as given
    (reading it says what is wrong with it); a folder is walked (see the module docstring),
    never inside ``exclude``."""
    skip = exclude.resolve() if exclude else None
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from _folder(path, skip)
        else:
            yield Entry(path)


def documents(entries: Iterable[Entry]) -> list[Path]:
    """The documents of a walk, leaving out what it passed over."""
    return [e.path for e in entries if e.reason is None]


def _folder(root: Path, skip: Path | None) -> Iterator[Entry]:
    """Walk ``root``: documents sorted by path; each entry passed over as it is met."""
    found: list[Path] = []
    inside = root.resolve()
    top = os.stat(root)
    seen: dict[tuple[int, int], Path] = {(top.st_dev, top.st_ino): root}
    # (folder, the (device, inode) of the folders above it and of itself)
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [(root, frozenset({(top.st_dev, top.st_ino)}))]
    while stack:
        folder, above = stack.pop()
        try:
            with os.scandir(folder) as it:
                names = sorted(e.name for e in it)
        except OSError as e:
            yield Entry(folder, f"cannot list the folder ({e.strerror or e})")
            continue
        below: list[tuple[Path, frozenset[tuple[int, int]]]] = []
        for name in names:
            path = folder / name
            if skip is not None and path.resolve().is_relative_to(skip):
                continue
            link = path.is_symlink()
            try:
                st = os.stat(path)
            except OSError as e:
                if link and e.errno == errno.ELOOP:
                    yield Entry(path, "a symbolic link loop", _target(path))
                elif link and e.errno == errno.ENOENT:
                    yield Entry(path, "dangling symbolic link", _target(path))
                elif supported(path):
                    yield Entry(path, f"cannot read ({e.strerror or e})")
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in above:
                    yield Entry(path, "a symbolic link loop", _target(path) if link else None)
                    continue
                if link and inside is not None and path.resolve().is_relative_to(inside):
                    yield Entry(path, "a link to a folder this walk reads where it is", _target(path))
                    continue
                if key in seen:
                    yield Entry(path, f"the same folder as {printable(str(seen[key]))}, walked once")
                    continue
                seen[key] = path
                if supported(path):
                    yield Entry(path, f"a folder named like a {path.suffix} file, walked as a folder")
                below.append((path, above | {key}))
            elif supported(path):
                kind = _kind(st.st_mode)
                if kind is None:
                    found.append(path)
                else:
                    yield Entry(path, f"not a document: {kind}")
        stack.extend(reversed(below))
    yield from (Entry(p) for p in sorted(found))
