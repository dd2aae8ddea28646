"""Settings: where the store is, where the bundled corpus is, the IRI base, who may write.

Read once from arguments and the environment (``LINEAGE_STORE``,
``LINEAGE_BASE``, ``LINEAGE_CURATION``, ``LINEAGE_INDEX``, ``LINEAGE_WORKERS``,
``LINEAGE_TRAVERSAL``, ``LINEAGE_TEXTS``), for writes through a server (``LINEAGE_TOKEN``,
``LINEAGE_UPLOAD_MAX_BYTES``, ``LINEAGE_UPLOAD_MAX_FILES``), and the bounds of the
server: the SPARQL endpoint's time limit, caps and concurrency
(``LINEAGE_SPARQL_TIMEOUT`` seconds, ``LINEAGE_SPARQL_MAX_ROWS``,
``LINEAGE_SPARQL_MAX_BYTES``, ``LINEAGE_SPARQL_CONCURRENCY``,
``LINEAGE_SPARQL_MEMORY_MB``) and how long a stopping server waits for the
requests in flight (``LINEAGE_SHUTDOWN_TIMEOUT`` seconds); passed explicitly to
what needs them, never global.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "data" / "store"
DEFAULT_CORPUS = PROJECT_ROOT / "data"
DEFAULT_BASE = "https://w3id.org/vn-lineage/"
DEFAULT_CURATION = PROJECT_ROOT / "data" / "curation.json"
TRAVERSALS = ("index", "sparql")


class SettingsError(ValueError):
    """A setting the user gave that cannot be used (the CLI prints it as one line)."""


# (setting, type, smallest value) read from LINEAGE_<SETTING>
_BOUNDS = (
    ("sparql_timeout", float, 0.1),
    ("sparql_max_rows", int, 1),
    ("sparql_max_bytes", int, 1024),
    ("sparql_concurrency", int, 1),
    ("sparql_memory_mb", int, 0),
    ("shutdown_timeout", float, 0.0),
)


def _bound(name: str, raw: str, kind: type, low: float) -> float | int:
    try:
        value = kind(raw.strip())
    except ValueError:
        raise SettingsError(f"LINEAGE_{name.upper()} must be a number, not {raw[:40]!r}") from None
    if not value >= low or value != value:
        raise SettingsError(f"LINEAGE_{name.upper()} must be at least {low}, not {raw[:40]!r}")
    return value


@dataclass(frozen=True)
class Settings:
    store: str
    corpus: Path = DEFAULT_CORPUS
    base: str = DEFAULT_BASE
    curation: Path = DEFAULT_CURATION
    host: str = "127.0.0.1"
    port: int = 8000
    index: Path | None = None  # the read-model snapshot (graph.snapshot); None: rebuild at start
    workers: int | None = None  # extraction/build processes; None: every CPU
    # "index": traversals from the in-memory index; "sparql": property paths on the store
    traversal: str = "index"
    # The bearer token of the write routes (POST /api/documents); None: writes are off.
    # `lineage ingest` sends it to a running server. Never printed.
    token: str | None = field(default=None, repr=False)
    # Upload bounds of `lineage serve`; None: the server's defaults (api.uploads).
    upload_max_bytes: int | None = None  # one request's body, all its files together
    upload_max_files: int | None = None  # files in one request

    # The SPARQL endpoint's bounds (graph.sparql_pool.Limits), and the graceful-shutdown wait.
    sparql_timeout: float = 5.0
    sparql_max_rows: int = 100_000
    sparql_max_bytes: int = 32 * 1024 * 1024
    sparql_concurrency: int = 2
    sparql_memory_mb: int = 4096
    shutdown_timeout: float = 3.0

    @property
    def server_file(self) -> Path | None:
        """Where a running ``lineage serve`` says it owns an on-disk store (its URL and pid),
        beside the store (``data/store`` -> ``data/store.server``); none for other stores,
        which hold no lock."""
        if self.store == "memory:" or "://" in self.store:
            return None
        p = Path(self.store)
        return p.with_name(p.name + ".server")

    texts: Path | None = None  # the documents' texts and their analyses (graph.texts); None: not kept

    @staticmethod
    def default_texts(store: str) -> Path | None:
        """Beside an on-disk store (``data/store`` -> ``data/store.texts``); none for
        ``memory:``, and for a remote server unless ``LINEAGE_TEXTS`` names a file."""
        if store == "memory:" or "://" in store:
            return None
        p = Path(store)
        return p.with_name(p.name + ".texts")

    @staticmethod
    def default_index(store: str) -> Path | None:
        """Beside an on-disk store (``data/store`` -> ``data/store.index``); none for
        ``memory:``, and for a remote server unless ``LINEAGE_INDEX`` names a file."""
        if store == "memory:" or "://" in store:
            return None
        p = Path(store)
        return p.with_name(p.name + ".index")

    @classmethod
    def from_env(cls, store: str | None = None, **kw) -> Settings:
        spec = store or os.environ.get("LINEAGE_STORE") or str(DEFAULT_STORE)
        base = os.environ.get("LINEAGE_BASE") or DEFAULT_BASE
        curation = Path(os.environ.get("LINEAGE_CURATION") or DEFAULT_CURATION)
        env_index = os.environ.get("LINEAGE_INDEX")
        index = Path(env_index) if env_index else cls.default_index(spec)
        workers = os.environ.get("LINEAGE_WORKERS")
        kw.setdefault("workers", int(workers) if workers and workers.isdigit() else None)
        traversal = (os.environ.get("LINEAGE_TRAVERSAL") or "index").strip().lower()
        if traversal not in TRAVERSALS:
            raise SettingsError(
                f"LINEAGE_TRAVERSAL must be one of {', '.join(TRAVERSALS)}, not {traversal!r}"
            )
        kw.setdefault("traversal", traversal)
        kw.setdefault("token", (os.environ.get("LINEAGE_TOKEN") or "").strip() or None)
        kw.setdefault("upload_max_bytes", _positive("LINEAGE_UPLOAD_MAX_BYTES"))
        kw.setdefault("upload_max_files", _positive("LINEAGE_UPLOAD_MAX_FILES"))
        for name, kind, low in _BOUNDS:
            raw = os.environ.get("LINEAGE_" + name.upper())
            if raw is not None and raw.strip():
                kw.setdefault(name, _bound(name, raw, kind, low))
        env_texts = os.environ.get("LINEAGE_TEXTS")
        kw.setdefault("texts", Path(env_texts) if env_texts else cls.default_texts(spec))
        return cls(store=spec, base=base, curation=curation, index=index, **kw)


def _positive(name: str) -> int | None:
    """A positive whole number from the environment variable ``name`` (unset: None)."""
    raw = (os.environ.get(name) or "").strip().replace("_", "")
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a positive whole number, not {raw[:40]!r}")
    return int(raw)
