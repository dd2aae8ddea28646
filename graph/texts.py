"""The texts of the ingested documents, and what the analyses derive from them, beside the store.

Reads and writes: one SQLite file (``data/store.texts`` beside a disk store;
``LINEAGE_TEXTS``). Returns: a document's original text by the SHA-256 of its file,
its body's sketch (:mod:`graph.sketch`) and its targets with their indicator
keys; which SHA-256 each plan id was read from; and the tables the reuse analysis keeps
(``pairs``: the share of a child's text taken from a parent, with the aligned passages;
``target_pairs``: a child's targets compared with its parent's; ``suggestions``: the
parent suggested for a plan that names none); and for a text read
from a scan (``scans``), the scanned file's SHA-256, the OCR settings, its pages' sizes
and its path, so the page a piece of evidence was read on can be shown (:mod:`graph.scans`).

Written in two places: each ingest worker keeps the text of every file it extracts
(:class:`TextSink`, called with the document read and its curated record, one
transaction per document), and the main process, after an ingest, records which file
each plan came from and the analyses' results (:mod:`graph.analytics.reuse`).

Why a file of its own and not the RDF store: a text is 5-20 kB, read whole, by one key,
and only by the reuse analysis and its view; the graph keeps the record (and the
evidence spans into this text). Why SQLite (standard library): several worker processes
write at once (WAL, one writer at a time, readers never blocked), a document is in or
out whole (a killed ingest leaves no half text), and a key lookup is one index probe.
Texts are kept compressed (zlib), the original characters so evidence offsets apply.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from graph.sketch import Sketch, sentence_before, sketch
from ingest.indicators import indicator_key
from ingest.layout import PageMap
from ingest.model import PlanRecord
from ingest.readers import Document
from ingest.text import NormalizedText

__all__ = ["TextSink", "TextStore", "remove", "target_rows"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS texts (
    sha TEXT PRIMARY KEY, source TEXT, text BLOB NOT NULL, sketch BLOB NOT NULL, targets TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, sha TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pairs (
    parent TEXT NOT NULL, child TEXT NOT NULL, tag TEXT NOT NULL, share REAL NOT NULL,
    counted INTEGER NOT NULL, reused INTEGER NOT NULL, passages BLOB NOT NULL,
    PRIMARY KEY (parent, child));
CREATE TABLE IF NOT EXISTS target_pairs (
    parent TEXT NOT NULL, child TEXT NOT NULL, tag TEXT NOT NULL, sig TEXT NOT NULL, rows BLOB NOT NULL,
    PRIMARY KEY (parent, child));
CREATE TABLE IF NOT EXISTS suggestions (child TEXT PRIMARY KEY, answer TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scans (
    sha TEXT PRIMARY KEY, file_sha TEXT NOT NULL, settings TEXT NOT NULL, dpi INTEGER NOT NULL,
    sizes TEXT NOT NULL, path TEXT);
"""

Pair = tuple[str, float, int, int, bytes]  # tag, share, counted chars, reused chars, passages


def target_rows(record: PlanRecord, norm: NormalizedText | None = None) -> list[dict[str, Any]]:
    """A record's targets as the targets analysis reads them: each with its indicator key
    (:func:`ingest.indicators.indicator_key` of its indicator, else of its clause, else of
    the whole sentence before its number in ``norm``, the document's text) and the span of
    its clause."""
    out = []
    for t in record.targets:
        ev = t.evidence
        key = indicator_key(t.indicator, t.unit) or indicator_key(t.text, t.unit)
        if key is None and norm is not None and ev is not None:
            before = sentence_before(norm, ev.end)
            cut = before.rfind(str(t.value))
            key = indicator_key(before[:cut] if cut > 0 else before, t.unit)
        out.append(
            {
                "key": key,
                "indicator": t.indicator,
                "comparator": t.comparator,
                "value": t.value,
                "unit": t.unit,
                "year": t.year,
                "text": t.text,
                "start": ev.start if ev else None,
                "end": ev.end if ev else None,
            }
        )
    return out


class TextStore:
    """The SQLite file of texts and their analyses (see the module docstring); one connection
    per thread, opened on first use."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._made = False

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=120, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if not self._made:
                db.executescript(_SCHEMA)
                self._made = True
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -------------------------------------------------------------- texts
    def put(self, sha: str, source: str, text: str, sk: Sketch, targets: list[dict[str, Any]]) -> None:
        """Keep one document (replacing what the same SHA-256 had)."""
        row = (
            sha,
            os.path.basename(source),
            zlib.compress(text.encode("utf-8"), 6),
            sk.to_bytes(),
            json.dumps(targets, ensure_ascii=False),
        )
        self._db().execute("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", row)

    def put_scan(self, sha: str, layout: PageMap, path: str | None) -> None:
        """Keep where an OCR'd text was read: the scanned file's SHA-256, the OCR settings, its
        pages' sizes and the file's path then (to render a page again if the OCR cache lost it)."""
        row = (sha, layout.file_sha, layout.settings, layout.dpi, json.dumps(layout.sizes), path)
        self._db().execute("INSERT OR REPLACE INTO scans VALUES (?, ?, ?, ?, ?, ?)", row)

    def scan(self, sha: str) -> dict[str, Any] | None:
        """What :meth:`put_scan` kept of the text with this SHA-256, or None (not a scan)."""
        row = (
            self._db()
            .execute("SELECT file_sha, settings, dpi, sizes, path FROM scans WHERE sha = ?", (sha,))
            .fetchone()
        )
        if row is None:
            return None
        sizes = [tuple(s) for s in json.loads(row[3])]
        return {"file_sha": row[0], "settings": row[1], "dpi": row[2], "sizes": sizes, "path": row[4]}

    def text(self, sha: str) -> str | None:
        """The original text of the file with this SHA-256, or None."""
        row = self._db().execute("SELECT text FROM texts WHERE sha = ?", (sha,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def sketches(self, shas: Iterable[str]) -> dict[str, Sketch]:
        """The body sketches of the documents of ``shas`` that are kept."""
        return {sha: Sketch.from_bytes(blob) for sha, blob in self._many("sketch", shas)}

    def targets(self, shas: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """The targets (see :func:`target_rows`) of the documents of ``shas`` that are kept."""
        return {sha: orjson.loads(blob) for sha, blob in self._many("targets", shas)}

    def all_targets(self) -> dict[str, list[dict[str, Any]]]:
        """The targets of every kept document, by SHA-256."""
        return {sha: orjson.loads(blob) for sha, blob in self._db().execute("SELECT sha, targets FROM texts")}

    def _many(self, column: str, shas: Iterable[str]) -> Iterator[tuple[str, Any]]:
        keys = list(dict.fromkeys(shas))
        db = self._db()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            yield from db.execute(f"SELECT sha, {column} FROM texts WHERE sha IN ({marks})", chunk)

    def source_names(self, shas: Iterable[str]) -> dict[str, str]:
        """The file name each of ``shas`` was ingested from."""
        return dict(self._many("source", shas))

    def all_shas(self) -> list[str]:
        return [r[0] for r in self._db().execute("SELECT sha FROM texts")]

    # ---------------------------------------------------- plan id -> file
    def set_docs(self, docs: Mapping[str, str]) -> None:
        """Record which file (SHA-256) each ingested plan id was read from: the whole map."""
        db = self._db()
        with _transaction(db):
            db.execute("DELETE FROM docs")
            db.executemany("INSERT INTO docs VALUES (?, ?)", docs.items())

    def docs(self) -> dict[str, str]:
        return dict(self._db().execute("SELECT id, sha FROM docs"))

    def docs_of(self, ids: Iterable[str]) -> dict[str, str]:
        db = self._db()
        return {
            i: r[0] for i in ids if (r := db.execute("SELECT sha FROM docs WHERE id = ?", (i,)).fetchone())
        }

    # ------------------------------------------------------- reuse results
    def _by_pair(self, table: str, columns: str, keys: Iterable[tuple[str, str]] | None) -> dict:
        """The rows of a table keyed by (parent, child) SHA-256, the other columns as a tuple:
        every one, or those of ``keys`` (one index probe each)."""
        db = self._db()
        sql = f"SELECT parent, child, {columns} FROM {table}"
        if keys is None:
            return {(r[0], r[1]): r[2:] for r in db.execute(sql)}
        out = {}
        for p, c in dict.fromkeys(keys):
            row = db.execute(sql + " WHERE parent = ? AND child = ?", (p, c)).fetchone()
            if row:
                out[(p, c)] = row[2:]
        return out

    def _tags(self, table: str) -> dict[tuple[str, str], str]:
        return {(p, c): t for p, c, t in self._db().execute(f"SELECT parent, child, tag FROM {table}")}

    def _put(self, table: str, rows: Iterable[tuple[Any, ...]], width: int) -> None:
        db = self._db()
        with _transaction(db):
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({', '.join('?' * width)})", rows)

    def pairs(self, keys: Iterable[tuple[str, str]] | None = None) -> dict[tuple[str, str], Pair]:
        """Kept pair results by (parent SHA-256, child SHA-256): every one, or those of ``keys``."""
        return self._by_pair("pairs", "tag, share, counted, reused, passages", keys)

    def pair_tags(self) -> dict[tuple[str, str], str]:
        """The formulas' tag each kept pair was aligned with, by (parent, child) SHA-256."""
        return self._tags("pairs")

    def put_pairs(self, rows: Iterable[tuple[str, str, str, float, int, int, bytes]]) -> None:
        self._put("pairs", rows, 7)

    def target_pairs(
        self, keys: Iterable[tuple[str, str]] | None = None
    ) -> dict[tuple[str, str], tuple[str, str, bytes]]:
        """Kept target comparisons ``(tag, sig, rows)`` by (parent SHA-256, child SHA-256):
        every one, or those of ``keys`` (:mod:`graph.analytics.targets` says what they hold)."""
        return self._by_pair("target_pairs", "tag, sig, rows", keys)

    def target_pair_tags(self) -> dict[tuple[str, str], str]:
        """The tag of the comparison each kept target pair was made with."""
        return self._tags("target_pairs")

    def put_target_pairs(self, rows: Iterable[tuple[str, str, str, str, bytes]]) -> None:
        self._put("target_pairs", rows, 5)

    def suggestions(self) -> dict[str, dict[str, Any]]:
        """The suggested parent of each plan that has one (by plan id)."""
        return {c: json.loads(a) for c, a in self._db().execute("SELECT child, answer FROM suggestions")}

    def suggestion(self, pid: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT answer FROM suggestions WHERE child = ?", (pid,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_suggestions(self, answers: Mapping[str, dict[str, Any]]) -> None:
        db = self._db()
        with _transaction(db):
            db.execute("DELETE FROM suggestions")
            db.executemany(
                "INSERT INTO suggestions VALUES (?, ?)",
                ((c, json.dumps(a, ensure_ascii=False)) for c, a in answers.items()),
            )

    def meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db().execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def remove(path: str | os.PathLike[str]) -> None:
    """Delete a text store (its SQLite file and the write-ahead log beside it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{os.fspath(path)}{suffix}").unlink(missing_ok=True)


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *exc: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class TextSink:
    """What an ingest worker calls with each document it read and its curated record:
    the text, its sketch and its targets are kept under the file's SHA-256. A failure to
    keep a text is logged and costs only that text (the record is ingested all the same)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.store = TextStore(path)

    def __call__(self, doc: Document, record: PlanRecord) -> None:
        try:
            self.store.put(
                doc.sha256, doc.source, doc.raw, sketch(doc.norm, record), target_rows(record, doc.norm)
            )
            if doc.layout is not None and doc.layout.file_sha:
                path = os.path.abspath(doc.source) if os.path.isfile(doc.source) else None
                self.store.put_scan(doc.sha256, doc.layout, path)
        except Exception as e:  # the text is an extra: never lose the record for it
            log.warning("text of %s not kept: %s: %s", doc.source, type(e).__name__, e)
