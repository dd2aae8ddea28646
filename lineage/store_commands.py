"""The commands on a store: ``lineage ingest``, ``query``, ``export`` and ``validate``.

Reads: their arguments and the settings. Returns: exit statuses; prints what each answers.
While ``lineage serve`` owns the store, each goes through that server (:mod:`lineage.remote`)
and prints what it would print on its own.

Why apart from :mod:`lineage.cli`: the parser stays one short table of commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lineage.common import CliError, iter_files, open_lineage, out, print_json, running_server
from lineage.config import Settings

__all__ = ["cmd_export", "cmd_ingest", "cmd_query", "cmd_validate", "ingest_paths"]


def ingest_paths(
    lin,
    paths: Sequence[str],
    settings: Settings,
    progress_bar: bool = False,
    exclude: Path | None = None,
) -> tuple[int, int, list[str], str]:
    """Extract, apply the curation file, and ingest every file; returns (ingested, unchanged,
    failures, what OCR took: "" when no file was a scan)."""
    from ingest import curation

    try:
        verdicts, problems = curation.read(settings.curation)
    except curation.CurationError as e:
        raise CliError(str(e)) from e
    for line in problems:  # one line per decision that cannot be used; the others apply
        print(f"skipped: {line}", file=sys.stderr)
    files = [str(f) for f in iter_files(paths, exclude)]
    bars: dict[str, Any] = {}
    progress = None
    if progress_bar and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(phase: str, n: int) -> None:
            if phase not in bars:
                for b in bars.values():
                    b.close()
                pages = phase == "ocr"  # the scans' pages, counted as they are OCR'd
                total = None if pages else len(files)
                bars[phase] = tqdm(total=total, unit="page" if pages else "doc", desc=phase, file=sys.stderr)
            bars[phase].update(n)

    try:
        report, sources = lin.ingest_files(files, settings.workers, verdicts, progress)
    finally:
        for b in bars.values():
            b.close()
    failures = [s.error for s in sources if s.error]
    return report.ingested, report.unchanged, failures, report.ocr.summary()


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    missing = [p for p in args.paths if not Path(p).exists()]
    present = [p for p in args.paths if p not in missing]
    server = running_server(settings)
    ocr = ""
    if server is not None:
        ingested, unchanged, failures = _ingest_through(server, present)
    else:
        lin = open_lineage(settings)
        ingested, unchanged, failures, ocr = ingest_paths(lin, present, settings, progress_bar=True)
    for m in missing:
        failures.insert(0, f"{m}: no such file or folder")
    from ingest.curation import is_skipped
    from ingest.walk import printable  # a hostile file name stays on its one line

    skipped = [f for f in failures if is_skipped(f)]
    failures = [f for f in failures if not is_skipped(f)]
    for f in skipped:  # a README or notes beside the documents: left out, not a failure
        print(f"skipped: {printable(f)}", file=sys.stderr)
    for f in failures:
        print(f"failed: {printable(f)}", file=sys.stderr)
    said = f"ingested {ingested} document(s), {unchanged} unchanged, {len(failures)} failed"
    out(said + (f"; {ocr}" if ocr else ""))
    return 1 if failures and not (ingested or unchanged) else 0


def _ingest_through(server, paths: Sequence[str]) -> tuple[int, int, list[str]]:
    """``lineage ingest`` through a running server: each file sent under the path as given."""
    files = [str(f) for f in iter_files(paths)]
    print(f"ingesting through {server}", file=sys.stderr)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="doc", desc="upload", file=sys.stderr)
    try:
        totals = server.ingest([(f, f) for f in files], bar.update if bar else None)
    finally:
        if bar is not None:
            bar.close()
    return totals.ingested, totals.unchanged, totals.failures


def cmd_query(args: argparse.Namespace) -> int:
    from graph.errors import NotFound

    settings = Settings.from_env(args.store)
    server = running_server(settings)
    if server is not None:
        print_json(server.query(args.relation, args.id_or_ref, args.max_depth))
        return 0
    lin = open_lineage(settings)
    ident = args.id_or_ref
    try:
        known = lin.summary(ident) is not None
    except NotFound:
        known = False
    if not known:
        ids = lin.resolve(ident)
        if not ids:
            raise CliError(f"no plan matches {ident!r}")
        ident = ids[0]
    try:
        if args.relation == "children":
            items = lin.children(ident)
        elif args.relation == "descendants":
            items = lin.descendants(ident, max_depth=args.max_depth)
        else:
            items = lin.ancestors(ident, max_depth=args.max_depth)
    except NotFound as e:
        raise CliError(str(e)) from e
    print_json({"id": ident, "relation": args.relation, "count": len(items), "items": items})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    server = running_server(settings)
    if server is not None:
        if args.out:
            with open(args.out, "wb") as f:
                n = server.export(args.format, f)
            print(f"wrote {n} bytes to {args.out}", file=sys.stderr)
        else:
            server.export(args.format, sys.stdout.buffer)
        return 0
    lin = open_lineage(settings)
    data = lin.export(args.format)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    server = running_server(settings)
    if server is not None:
        ok, report = server.validate()
    else:
        from graph import journal

        lin = open_lineage(settings)  # opening finishes or undoes an interrupted ingest
        unsettled = journal.pending(lin.store, lin.base)
        if unsettled is not None:  # another process's batch: its half would read as thousands of faults
            raise CliError(
                f"{unsettled.describe()}; validate once it has finished "
                "(if that process is gone, run the same ingest again with LINEAGE_RECOVER=1)"
            )
        ok, report = lin.validate()
    if ok:
        out("valid: the store conforms to the ontology's SHACL shapes")
        return 0
    sys.stderr.write(report if report.endswith("\n") else report + "\n")
    return 1
