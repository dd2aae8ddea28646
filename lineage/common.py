"""What every ``lineage`` command shares: its one-line errors, printing, and the store or server.

Reads: the settings (:mod:`lineage.config`). Returns: a :class:`graph.service.Lineage` over
the store, or the running ``lineage serve`` that owns it (:mod:`lineage.remote`), plan ids
from what a user typed, the files a folder walk finds.

Why a module: the store commands and the analysis commands need the same few things, and
a lock held by another process must be one line naming it wherever a store is opened.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from lineage.config import Settings

__all__ = ["CliError", "iter_files", "open_lineage", "out", "plan_id", "print_json", "running_server"]


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 1."""


def out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def print_json(obj: object) -> None:
    out(json.dumps(obj, ensure_ascii=False, indent=2))


def open_lineage(settings: Settings):
    """The store the settings name, opened with its read model (a lock another process holds
    is one line naming that process, and its server when it runs one)."""
    from graph.errors import LineageError
    from graph.service import Lineage
    from graph.store import open_store
    from lineage import discovery

    try:
        lin = Lineage.open(
            open_store(settings.store),
            base=settings.base,
            snapshot=settings.index,
            traversal=settings.traversal,
            texts=settings.texts,
        )
    except LineageError as e:
        if discovery.is_lock_error(str(e)):
            line = discovery.describe_holders(Path(settings.store))
            info = discovery.read_server_file(settings.server_file)
            if info is not None:
                line += f"; its server at {info.url} does not answer"
            raise CliError(line) from e
        raise CliError(str(e)) from e
    if discovery.read_server_file(settings.server_file) is None:  # we hold the lock: none serves it
        discovery.remove_server_file(settings.server_file)
    return lin


def running_server(settings: Settings):
    """The running ``lineage serve`` that owns the store, when one answers; else None."""
    from lineage.remote import find_server

    return find_server(settings.server_file, settings.token)


def iter_files(paths: Sequence[str], exclude: Path | None = None) -> Iterator[Path]:
    """Files named, and the supported documents inside folders (never inside ``exclude``);
    every entry a folder walk passes over is one line ``skipped: ...`` (:mod:`ingest.walk`)."""
    from ingest.walk import walk

    for entry in walk(paths, exclude):
        if entry.reason is None:
            yield entry.path
        else:
            print(f"skipped: {entry.line()}", file=sys.stderr)


def plan_id(lin, ident: str) -> str:
    """A plan id as given, else the best plan a free-text reference names (CliError when none)."""
    if lin.knows(ident):
        return ident
    ids = lin.resolve(ident)
    if not ids:
        raise CliError(f"no plan matches {ident!r}")
    return ids[0]
