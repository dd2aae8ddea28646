"""The read model on disk, so ``lineage serve`` starts without re-reading the store.

Reads/writes: one pickle file beside the store, tagged with the store's
generation token (a fresh token is written into the derived graph whenever the
service changes the store). A snapshot whose token differs from the store's,
or that cannot be read, is ignored and the model is rebuilt from the store.
It is written to a temporary file named after the writing process, then
renamed; :func:`sweep` removes the temporary files of processes that died
while writing one (``kill -9``), so they never pile up beside the store.

Why pickle: the model is plain dicts, dataclasses and tuples of ints; pickle
loads 100,000 plans in about a second, while rebuilding them from the store
takes minutes. The file is written by this program next to the store it
describes (never downloaded), and replaced atomically.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
from pathlib import Path

from graph import processes
from graph.readmodel import ReadModel, collector_paused
from ingest import faults

__all__ = ["load", "save", "sweep"]

FORMAT = 2  # bump when the shape of ReadModel (or of what it holds) changes


def save(path: Path, token: str, model: ReadModel) -> None:
    """Write atomically: a reader never sees half a snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.{processes.file_tag()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((FORMAT, token, model), f, protocol=pickle.HIGHEST_PROTOCOL)
        faults.point("snapshot")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, token: str) -> ReadModel | None:
    """The snapshot's model when it matches ``token``; None otherwise."""
    try:
        with collector_paused(), path.open("rb") as f:
            fmt, saved, model = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    if fmt != FORMAT or saved != token or not isinstance(model, ReadModel):
        return None
    # Kept, the model lives as long as the process: frozen, the collector never rescans
    # it, so no collection of it lands in the middle of a request.
    gc.freeze()
    return model


def sweep(path: Path) -> None:
    """Remove the temporary files of snapshots whose writer no longer runs (or that predate
    the naming by process, ``{name}XXXX.tmp``)."""
    for tmp in path.parent.glob(f"{path.name}*.tmp"):
        ftag = tmp.name.removeprefix(f"{path.name}.").split(".")[0]
        if not processes.file_alive(ftag):
            with contextlib.suppress(OSError):  # not ours to remove: it stays, harmless
                tmp.unlink(missing_ok=True)
