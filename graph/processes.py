"""Which process wrote something, and whether that process still runs.

Reads: the host name and ``/proc`` (a process's start time, so that a reused
process id is not taken for the process that once had it). Returns: a tag
naming this process (``host:pid:start``, or ``pid-start`` inside file names),
and whether the process a tag names still runs (True, False, or None when it
ran on another host and cannot be asked).

Why: an interrupted ingest leaves things behind (the journal of its batch in
the store, N-Quads in a work folder, a half-written snapshot); whether to undo,
finish or clean them depends on whether their writer is still at work.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["alive", "file_alive", "file_tag", "pid_alive", "tag"]


def _start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc: the pid alone has to do
        return "0"
    return stat.rsplit(b")", 1)[1].split()[19].decode("ascii")


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (ours or another user's); a zombie (killed, not yet
    reaped) is gone."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _runs(pid: int, start: str) -> bool:
    if start == "0" or not os.path.isdir("/proc"):
        return pid_alive(pid)
    return _start(pid) == start


def tag() -> str:
    """This process, as a journal names its writer."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start(pid) or '0'}"


def alive(writer: str) -> bool | None:
    """Whether the process ``writer`` (a :func:`tag`) still runs; None on another host."""
    host, _, rest = writer.rpartition(":")
    host, _, pid = host.rpartition(":")
    if host != socket.gethostname():
        return None
    return _runs(int(pid), rest) if pid.isdigit() else False


def file_tag() -> str:
    """This process, as the name of a file it writes says (``pid-start``)."""
    pid = os.getpid()
    return f"{pid}-{_start(pid) or '0'}"


def file_alive(ftag: str) -> bool:
    """Whether the process a :func:`file_tag` names still runs (False for a tag that is not one)."""
    pid, _, start = ftag.partition("-")
    return pid.isdigit() and start.isdigit() and _runs(int(pid), start)
