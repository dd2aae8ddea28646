"""Who owns a store: the server file a running ``lineage serve`` keeps beside it, and the lock's holder.

Reads: ``<store>.server`` (JSON: the server's URL, its pid, its upload bounds),
``/proc/locks`` and ``/proc/<pid>/{cmdline,fd}`` (Linux). Writes: the server
file, for ``lineage serve`` while it runs, and removes it on exit (or, when
another command finds it stale: its process is gone). Returns: a
:class:`ServerInfo`, or a one-line description of the process holding the
store's lock.

Why: the embedded store admits one process. A command that finds a live
server goes through its HTTP API instead of failing on the lock
(:mod:`lineage.remote`); one that finds the lock held by something else says
which process holds it, in one line, instead of RocksDB's "While lock file:
.../LOCK: Resource temporarily unavailable".
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "ServerInfo",
    "announced",
    "bind",
    "describe_holders",
    "is_lock_error",
    "local_url",
    "lock_holders",
    "process_line",
    "read_server_file",
    "remove_server_file",
    "write_server_file",
]


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What a running ``lineage serve`` says of itself in its server file."""

    url: str
    pid: int
    store: str
    writes: bool = False
    upload_max_bytes: int | None = None
    upload_max_files: int | None = None


# -- the server file ---------------------------------------------------------
def write_server_file(path: Path, info: ServerInfo) -> None:
    """Say that this process serves the store (written whole, then renamed into place)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(info)), encoding="utf-8")
    os.replace(tmp, path)


def read_server_file(path: Path | None) -> ServerInfo | None:
    """The server named beside the store, when the file exists, reads, and its process runs."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        info = ServerInfo(
            url=str(data["url"]),
            pid=int(data["pid"]),
            store=str(data.get("store", "")),
            writes=bool(data.get("writes", False)),
            upload_max_bytes=_int_or_none(data.get("upload_max_bytes")),
            upload_max_files=_int_or_none(data.get("upload_max_files")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    from graph.processes import pid_alive  # here: the command line starts without the graph

    return info if pid_alive(info.pid) else None


def remove_server_file(path: Path | None, pid: int | None = None) -> None:
    """Remove the server file; with ``pid``, only when it still names that process."""
    if path is None:
        return
    if pid is not None:
        try:
            if int(json.loads(path.read_text(encoding="utf-8")).get("pid", -1)) != pid:
                return
        except (OSError, ValueError, TypeError, AttributeError):
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def announced(path: Path | None, info: ServerInfo) -> Iterator[None]:
    """The server file says ``info`` while the block runs (nothing when ``path`` is None)."""
    if path is not None:
        write_server_file(path, info)
    try:
        yield
    finally:
        remove_server_file(path, info.pid)


def _int_or_none(v: object) -> int | None:
    return int(v) if isinstance(v, int | str) and str(v).isdigit() else None


def local_url(host: str, port: int) -> str:
    """The URL a command on this machine reaches a server listening on ``host``:``port`` at."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port); OSError when it cannot."""
    family, kind, proto, _, addr = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


# -- the lock ----------------------------------------------------------------
def is_lock_error(message: str) -> bool:
    """Whether a store's open failed because another process holds its lock."""
    m = message.lower()
    return "lock" in m and ("temporarily unavailable" in m or "resource busy" in m or "lock hold" in m)


def lock_holders(store: Path) -> list[int]:
    """The pids holding a lock on ``store``/LOCK (RocksDB's), as far as /proc tells."""
    lock = store / "LOCK"
    try:
        ino = os.stat(lock).st_ino
    except OSError:
        return []
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if "->" in fields:  # a waiter, not the holder
                continue
            if len(fields) >= 6 and fields[4].lstrip("-").isdigit() and fields[5].endswith(f":{ino}"):
                pid = int(fields[4])
                if pid > 0 and pid != os.getpid() and pid not in pids:
                    pids.append(pid)
    return pids or _openers(lock.resolve())


def _openers(lock: Path) -> list[int]:
    """Processes with ``lock`` open (when the lock table names no pid, as with OFD locks)."""
    out = []
    with contextlib.suppress(OSError):
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            with contextlib.suppress(OSError):
                if any(os.readlink(fd) == str(lock) for fd in (proc / "fd").iterdir()):
                    out.append(int(proc.name))
    return out


def process_line(pid: int) -> str:
    """A short description of process ``pid``: ``lineage serve --store x (pid 12)``."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return f"pid {pid}"
    argv = [a for a in argv if a]
    for i, a in enumerate(argv):
        if Path(a).name == "lineage" or a in ("lineage.cli", "lineage"):
            cmd = " ".join(["lineage", *argv[i + 1 :]])
            break
    else:
        cmd = " ".join(argv)
    cmd = cmd if len(cmd) <= 100 else cmd[:99] + "…"
    return f"{cmd} (pid {pid})" if cmd else f"pid {pid}"


def describe_holders(store: Path) -> str:
    """One line saying which process holds ``store``'s lock."""
    pids = lock_holders(store)
    if not pids:
        return f"the store {store} is locked by another process (which one, this system does not say)"
    who = "; ".join(process_line(p) for p in pids[:3])
    lineage = all(process_line(p).startswith("lineage") for p in pids[:3])
    kind = "another lineage process" if lineage else "another process"
    return f"the store {store} is locked by {kind}: {who}; wait for it or stop it, or use another --store"
