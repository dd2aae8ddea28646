"""Settings: where the store is, where the bundled corpus is, the IRI base.

Read once from arguments and the environment (``LINEAGE_STORE``,
``LINEAGE_BASE``, ``LINEAGE_CURATION``, ``LINEAGE_INDEX``, ``LINEAGE_WORKERS``,
``LINEAGE_TRAVERSAL``, ``LINEAGE_TEXTS``);
passed explicitly to what needs them, never global.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "data" / "store"
DEFAULT_CORPUS = PROJECT_ROOT / "data"
DEFAULT_BASE = "https://w3id.org/vn-lineage/"
DEFAULT_CURATION = PROJECT_ROOT / "data" / "curation.json"
TRAVERSALS = ("index", "sparql")


class SettingsError(ValueError):
    """A setting the user gave that cannot be used (the CLI prints it as one line)."""


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
        env_texts = os.environ.get("LINEAGE_TEXTS")
        kw.setdefault("texts", Path(env_texts) if env_texts else cls.default_texts(spec))
        return cls(store=spec, base=base, curation=curation, index=index, **kw)
