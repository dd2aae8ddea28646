"""Test seams: named points where a test makes this process die, and files a worker treats as poison.

Reads: two environment variables, at the moment a point is reached, and acts only
when they are set. ``LINEAGE_FAULT=kill@POINT`` (or ``kill@POINT#N``, the Nth time)
makes the process kill itself with SIGKILL at that point of an ingest (the points
are named where :func:`point` is called: ``extract``, ``build``, ``load``,
``loaded``, ``settle``, ``derived``, ``snapshot``). ``LINEAGE_POISON=NAME:HOW,...``
makes an extraction of a file whose base name is NAME ``crash`` (SIGSEGV),
``hang`` (block every signal and sleep: only a kill from outside ends it),
``spin`` (loop in Python: the worker's own time limit interrupts it), ``exit``
(leave the process with status 3) or ``oom`` (allocate until memory runs out);
``NAME:HOW@build`` does it when the graph of that file's record is built.
Returns: nothing.

Why: crash safety and worker isolation must be proven by tests that stop an
ingest at each phase and feed it files that crash or hang an extraction; no
real document does that on demand, and a special case for any document in the
production code would prove nothing. These seams are the only such hooks.
"""

from __future__ import annotations

import os
import signal
import time

__all__ = ["point", "poison"]

_SEEN: dict[str, int] = {}


def point(name: str) -> None:
    """Die here (SIGKILL, as ``kill -9`` would) when ``LINEAGE_FAULT`` names this point."""
    spec = os.environ.get("LINEAGE_FAULT")
    if not spec or not spec.startswith("kill@"):
        return
    want, _, nth = spec[5:].partition("#")
    if want != name:
        return
    _SEEN[name] = _SEEN.get(name, 0) + 1
    if _SEEN[name] >= (int(nth) if nth.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)


def poison(path: str, stage: str = "extract") -> None:
    """Misbehave as ``LINEAGE_POISON`` says when ``path`` reaches ``stage`` (``extract`` or
    ``build``; see module docstring)."""
    spec = os.environ.get("LINEAGE_POISON")
    if not spec:
        return
    name = os.path.basename(path)
    for entry in spec.split(","):
        target, _, how = entry.strip().rpartition(":")
        how, _, when = how.partition("@")
        if target != name or (when or "extract") != stage:
            continue
        if how == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif how == "exit":
            os._exit(3)
        elif how == "hang":
            signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
            while True:
                time.sleep(3600)
        elif how == "spin":
            while True:
                pass
        elif how == "oom":
            hog = []
            while True:
                hog.append(bytearray(64 << 20))
