"""The ``lineage`` command: parses arguments, calls the library, prints.

Thin on purpose: every user mistake (missing file, unreadable document, unknown
id, bad SPARQL) becomes one line ``Error: ...`` on stderr and exit status 1 or 2,
never a traceback. Heavy modules are imported inside the commands so that
``lineage extract`` starts fast and never opens a store.

While ``lineage serve`` owns a store, ``ingest``, ``query``, ``export`` and
``validate`` on that store go through its HTTP API (:mod:`lineage.remote`; the
server is found by the file it keeps beside the store, :mod:`lineage.discovery`)
and print what they would print on their own; a store locked by any other
process is one line naming that process.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lineage.config import Settings, SettingsError
from lineage.remote import RemoteError  # a failure talking to a running server: one line too


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 1."""


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(obj: object) -> None:
    _out(json.dumps(obj, ensure_ascii=False, indent=2))


# -- extract ------------------------------------------------------------------
def cmd_extract(args: argparse.Namespace) -> int:
    from ingest import DocumentError, extract_file

    try:
        record = extract_file(args.file)
    except DocumentError as e:
        raise CliError(str(e)) from e
    data = record.to_json(with_evidence=not args.no_evidence)
    if args.format == "json":
        _json(data)
    else:
        _out(_text_summary(data))
    return 0


def _text_summary(d: dict) -> str:
    iss = d.get("issuer") or {}
    lines = [
        f"{d['doc_type']} {d.get('number') or '(no number)'}  {d.get('date') or ''}",
        f"  issuer: {iss.get('name')} ({iss.get('system')}, {iss.get('level')}, {iss.get('province')})",
        f"  title:  {d.get('title')}",
    ]

    def refs(rs: list, depth: int) -> None:
        for r in rs:
            ri = r.get("issuer") or {}
            lines.append(f"  {'  ' * depth}-> {r.get('number')} {r.get('date') or ''} {ri.get('name') or ''}")
            refs(r.get("implements") or [], depth + 1)

    refs(d.get("implements") or [], 0)
    return "\n".join(lines)


# -- store-backed commands ------------------------------------------------------
def _lineage(settings: Settings):
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


def _server(settings: Settings):
    """The running ``lineage serve`` that owns the store, when one answers; else None."""
    from lineage.remote import find_server

    return find_server(settings.server_file, settings.token)


def _iter_files(paths: Sequence[str], exclude: Path | None = None) -> Iterator[Path]:
    """Files named, and the supported documents inside folders (never inside ``exclude``)."""
    from ingest import supported

    skip = exclude.resolve() if exclude else None
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if skip and f.resolve().is_relative_to(skip):
                    continue
                if f.is_file() and supported(f):
                    yield f
        else:
            yield path


def ingest_paths(
    lin,
    paths: Sequence[str],
    settings: Settings,
    progress_bar: bool = False,
    exclude: Path | None = None,
) -> tuple[int, int, list[str]]:
    """Extract, apply the curation file, and ingest every file; returns (ingested, unchanged, failures)."""
    from ingest import curation

    try:
        verdicts, problems = curation.read(settings.curation)
    except curation.CurationError as e:
        raise CliError(str(e)) from e
    for line in problems:  # one line per decision that cannot be used; the others apply
        print(f"skipped: {line}", file=sys.stderr)
    files = [str(f) for f in _iter_files(paths, exclude)]
    bars: dict[str, Any] = {}
    progress = None
    if progress_bar and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(phase: str, n: int) -> None:
            if phase not in bars:
                for b in bars.values():
                    b.close()
                bars[phase] = tqdm(total=len(files), unit="doc", desc=phase, file=sys.stderr)
            bars[phase].update(n)

    try:
        report, sources = lin.ingest_files(files, settings.workers, verdicts, progress)
    finally:
        for b in bars.values():
            b.close()
    failures = [s.error for s in sources if s.error]
    return report.ingested, report.unchanged, failures


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    missing = [p for p in args.paths if not Path(p).exists()]
    present = [p for p in args.paths if p not in missing]
    server = _server(settings)
    if server is not None:
        ingested, unchanged, failures = _ingest_through(server, present)
    else:
        lin = _lineage(settings)
        ingested, unchanged, failures = ingest_paths(lin, present, settings, progress_bar=True)
    for m in missing:
        failures.insert(0, f"{m}: no such file or folder")
    from ingest.curation import is_skipped

    skipped = [f for f in failures if is_skipped(f)]
    failures = [f for f in failures if not is_skipped(f)]
    for f in skipped:  # a README or notes beside the documents: left out, not a failure
        print(f"skipped: {f}", file=sys.stderr)
    for f in failures:
        print(f"failed: {f}", file=sys.stderr)
    _out(f"ingested {ingested} document(s), {unchanged} unchanged, {len(failures)} failed")
    return 1 if failures and not (ingested or unchanged) else 0


def _ingest_through(server, paths: Sequence[str]) -> tuple[int, int, list[str]]:
    """``lineage ingest`` through a running server: each file sent under the path as given."""
    files = [str(f) for f in _iter_files(paths)]
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
    server = _server(settings)
    if server is not None:
        _json(server.query(args.relation, args.id_or_ref, args.max_depth))
        return 0
    lin = _lineage(settings)
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
    _json({"id": ident, "relation": args.relation, "count": len(items), "items": items})
    return 0


def _plan_id(lin, ident: str) -> str:
    """A plan id as given, else the best plan a free-text reference names (CliError when none)."""
    if lin.knows(ident):
        return ident
    ids = lin.resolve(ident)
    if not ids:
        raise CliError(f"no plan matches {ident!r}")
    return ids[0]


def cmd_analysis(args: argparse.Namespace) -> int:
    """``lineage coverage`` and ``lineage timeline``: the API's answer, as JSON or CSV."""
    from graph.analytics import Analytics
    from graph.errors import LineageError

    lin = _lineage(Settings.from_env(args.store))
    pid = _plan_id(lin, args.id_or_ref)
    params = {"province": args.province, "system": args.system} if args.command == "coverage" else {}
    analytics = Analytics(lin)
    try:
        if args.format == "csv":
            sys.stdout.write(analytics.csv(args.command, pid, **params))
        else:
            _json(analytics.answer(args.command, pid, **params))
    except LineageError as e:  # an unknown id, a parameter the analysis refuses
        raise CliError(str(e)) from e
    return 0


def cmd_texts_analysis(args: argparse.Namespace) -> int:
    """``lineage reuse`` and ``lineage targets``: the API's answer over the whole cascade, as
    JSON or CSV; ``lineage reuse ID --parent P``: one pair with its passages' text."""
    from graph.analytics import Analytics, reuse
    from graph.errors import LineageError

    lin = _lineage(Settings.from_env(args.store))
    pid = _plan_id(lin, args.id_or_ref)
    try:
        if getattr(args, "parent", None):
            parent = _plan_id(lin, args.parent)
            view = reuse.pair_view(lin, lin.texts, parent, pid)
            if not view["available"]:
                raise CliError(f"the text of {pid} or of {parent} is not kept (ingest it with a text store)")
            passages = [
                p | {"child_text": _cut(view, "child", p), "parent_text": _cut(view, "parent", p)}
                for p in view["passages"]
            ]
            keep = {k: v for k, v in view.items() if not k.endswith(("_segments", "_text"))}
            _json(keep | {"passages": passages})
            return 0
        analytics = Analytics(lin)
        params = {"limit": 1_000_000_000, "offset": 0}
        if args.format == "csv":
            sys.stdout.write(analytics.csv(args.command, pid, **params))
        else:
            _json(analytics.answer(args.command, pid, **params))
    except LineageError as e:  # an unknown id
        raise CliError(str(e)) from e
    return 0


def _cut(view: dict, side: str, passage: dict) -> str:
    """The text of one side of a passage."""
    a, b = passage[side]
    return view[f"{side}_text"][a:b]


def cmd_suggestions(args: argparse.Namespace) -> int:
    """``lineage suggestions``: the parents suggested for plans that name none, with the
    curation decisions that confirm or reject each."""
    from graph.analytics import suggest
    from graph.analytics.tables import to_csv

    lin = _lineage(Settings.from_env(args.store))
    items = suggest.suggestions(lin, lin.texts)
    if args.format == "csv":
        cols = ("plan", "file", "parent", "share", "child_chars", "reused_chars")
        sys.stdout.write(to_csv(cols, items))
    else:
        _json({"total": len(items), "items": items})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    server = _server(settings)
    if server is not None:
        if args.out:
            with open(args.out, "wb") as f:
                n = server.export(args.format, f)
            print(f"wrote {n} bytes to {args.out}", file=sys.stderr)
        else:
            server.export(args.format, sys.stdout.buffer)
        return 0
    lin = _lineage(settings)
    data = lin.export(args.format)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.store)
    server = _server(settings)
    if server is not None:
        ok, report = server.validate()
    else:
        from graph import journal

        lin = _lineage(settings)  # opening finishes or undoes an interrupted ingest
        unsettled = journal.pending(lin.store, lin.base)
        if unsettled is not None:  # another process's batch: its half would read as thousands of faults
            raise CliError(
                f"{unsettled.describe()}; validate once it has finished "
                "(if that process is gone, run the same ingest again with LINEAGE_RECOVER=1)"
            )
        ok, report = lin.validate()
    if ok:
        _out("valid: the store conforms to the ontology's SHACL shapes")
        return 0
    sys.stderr.write(report if report.endswith("\n") else report + "\n")
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    """Data quality (graph.analytics.quality): the findings as JSON or CSV; exit 1 on an error."""
    from collections import Counter

    from graph.analytics import Analytics
    from graph.analytics.quality import SEVERITIES, has_errors
    from graph.errors import NotFound

    lin = _lineage(Settings.from_env(args.store))
    plan = None
    if args.plan:
        plan = args.plan if lin.knows(args.plan) else next(iter(lin.resolve(args.plan)), None)
        if plan is None:
            raise CliError(f"no plan matches {args.plan!r}")
    analytics = Analytics(lin)
    try:
        answer = analytics.quality(plan, most_wanted=args.most_wanted)
        if args.format == "csv":
            kind = "most_wanted" if args.table == "most-wanted" else "quality"
            _out(analytics.quality_csv(kind, plan, most_wanted=args.most_wanted))
        else:
            _json(answer if plan is None else {"plan": plan} | answer)
    except NotFound as e:
        raise CliError(str(e)) from e
    counts = Counter(f["severity"] for f in answer["findings"])
    said = ", ".join(f"{s}: {counts.get(s, 0)}" for s in SEVERITIES)
    print(f"{said}; {len(answer['most_wanted'])} most-wanted listed", file=sys.stderr)
    return 1 if has_errors(answer) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api import create_app
    from api.routes.documents import upload_limits
    from api.uploads import sweep
    from lineage import discovery

    settings = Settings.from_env(args.store, host=args.host, port=args.port)
    lin = _lineage(settings)
    if lin.stats().get("plans", 0) == 0 and settings.corpus.exists():
        ingested, _unchanged, failures = ingest_paths(
            lin, [str(settings.corpus)], settings, exclude=Path(settings.store)
        )
        print(f"store was empty: ingested {ingested} document(s) from {settings.corpus}", file=sys.stderr)
        for f in failures:
            print(f"failed: {f}", file=sys.stderr)
    app = create_app(lin, settings)
    # The read model is long-lived: keep the cyclic GC from rescanning its
    # millions of objects during requests (a full pass costs tail latency).
    gc.collect()
    gc.freeze()
    sweep()  # spool folders of uploads a killed server left behind
    try:
        sock = discovery.bind(settings.host, settings.port)
    except OSError as e:
        raise CliError(f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}") from e
    url = discovery.local_url(settings.host, sock.getsockname()[1])
    max_bytes, max_files = upload_limits(settings)  # the bounds the server enforces
    me = discovery.ServerInfo(
        url=url,
        pid=os.getpid(),
        store=str(Path(settings.store).resolve()) if settings.server_file else settings.store,
        writes=settings.token is not None,
        upload_max_bytes=max_bytes,
        upload_max_files=max_files,
    )
    if settings.token is not None and len(settings.token) < 16:
        print("warning: LINEAGE_TOKEN is short; anyone who guesses it can write", file=sys.stderr)
    print(f"serving on {url}" + (" (writes on)" if me.writes else ""), file=sys.stderr)
    # Commands on the store come through us while the file says so (lineage.remote); uvicorn
    # stops on SIGTERM, then raises it again: let that unwind and remove the file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    # SIGTERM: stop accepting, give the requests in flight ``shutdown_timeout`` seconds, then
    # cancel them; the app's shutdown kills its SPARQL query processes, whatever they run.
    pool = app.state.sparql

    class Server(uvicorn.Server):
        """uvicorn's server, which also kills the SPARQL query processes on the first signal:
        the queries in flight end at once (a 503) instead of holding the graceful shutdown."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            pool.close()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_graceful_shutdown=settings.shutdown_timeout
    )
    with sock, discovery.announced(settings.server_file, me):
        Server(config).run(sockets=[sock])
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from bench.synth import generate

    if args.plans < 1:
        raise CliError("--plans must be at least 1")
    s = generate(args.plans, args.seed, args.out, plant=not args.no_plant)
    _out(f"wrote {s.n} plans ({s.bytes / 1e6:.1f} MB) to {s.out_dir} in {s.seconds:.1f}s")
    if s.planted is not None:
        counts = ", ".join(f"{k} {v}" for k, v in s.planted["planted"].items() if isinstance(v, int))
        _out(f"planted (truth in {Path(s.out_dir) / 'truth'}): {counts}")
    return 0


# -- parser -------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lineage", description="Directive lineage knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="extract one document and print its record")
    e.add_argument("file")
    e.add_argument("--format", choices=["json", "text"], default="json")
    e.add_argument("--no-evidence", action="store_true", help="leave out the evidence offsets")
    e.set_defaults(func=cmd_extract)

    i = sub.add_parser("ingest", help="ingest files and folders into the store")
    i.add_argument("paths", nargs="+")
    i.add_argument("--store")
    i.set_defaults(func=cmd_ingest)

    s = sub.add_parser("serve", help="serve the API and the views")
    s.add_argument("--store")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    q = sub.add_parser("query", help="children, descendants or ancestors of a plan")
    q.add_argument("relation", choices=["children", "descendants", "ancestors"])
    q.add_argument("id_or_ref", help="a plan id or a free-text reference such as '241-KH/TU Bắc Kạn'")
    q.add_argument("--max-depth", type=int)
    q.add_argument("--store")
    q.set_defaults(func=cmd_query)

    for name, what in (
        ("coverage", "the units expected to implement a plan and what each one issued"),
        ("timeline", "every link below a plan with its lag in days, and the lags per level"),
    ):
        a = sub.add_parser(name, help=what)
        a.add_argument("id_or_ref", help="a plan id or a free-text reference such as '241-KH/TU Bắc Kạn'")
        a.add_argument("--format", choices=["json", "csv"], default="json")
        if name == "coverage":
            a.add_argument("--province", help="a central document: the district-level units of this province")
            a.add_argument("--system", choices=["party", "state", "front"], help="the units of one system")
        a.add_argument("--store")
        a.set_defaults(func=cmd_analysis)

    for name, what in (
        ("reuse", "the share of each child's text taken from its parent, below a plan, and the passages"),
        ("targets", "each child's targets against its parent's, below a plan: stricter, equal, looser ..."),
    ):
        a = sub.add_parser(name, help=what)
        a.add_argument("id_or_ref", help="a plan id or a free-text reference such as '241-KH/TU Bắc Kạn'")
        a.add_argument("--format", choices=["json", "csv"], default="json")
        if name == "reuse":
            a.add_argument("--parent", help="one pair: this plan against PARENT, with the passages' text")
        a.add_argument("--store")
        a.set_defaults(func=cmd_texts_analysis)
    g = sub.add_parser(
        "suggestions", help="parents suggested, from the text they take, for plans that name none"
    )
    g.add_argument("--format", choices=["json", "csv"], default="json")
    g.add_argument("--store")
    g.set_defaults(func=cmd_suggestions)

    x = sub.add_parser("export", help="the whole graph in one format")
    x.add_argument("--format", choices=["ttl", "nt", "jsonld", "graphml", "csv"], required=True)
    x.add_argument("--out")
    x.add_argument("--store")
    x.set_defaults(func=cmd_export)

    y = sub.add_parser(
        "synth", help="write a synthetic national cascade of plans, expected.jsonl and the planted truth"
    )
    y.add_argument("--plans", type=int, default=100_000, help="how many plans (default 100000)")
    y.add_argument("--seed", type=int, default=0, help="the same seed writes the same bytes")
    y.add_argument("--out", required=True, help="the folder to write into")
    y.add_argument(
        "--no-plant",
        action="store_true",
        help="write the cascade without the gaps, lags, reuse, targets and faults the analyses must "
        "find (and without truth/)",
    )
    y.set_defaults(func=cmd_synth)

    c = sub.add_parser(
        "check",
        help="data quality: dates, cycles, duplicates, unresolved references, most-wanted documents "
        "(exit 1 when an error-level finding exists)",
    )
    c.add_argument(
        "--plan", help="only the cascade below this plan (an id or a reference such as '70-KL/TW')"
    )
    c.add_argument("--format", choices=["json", "csv"], default="json")
    c.add_argument(
        "--table",
        choices=["findings", "most-wanted"],
        default="findings",
        help="which table --format csv prints",
    )
    c.add_argument(
        "--most-wanted", type=int, default=100, help="how many most-wanted documents (default 100)"
    )
    c.add_argument("--store")
    c.set_defaults(func=cmd_check)

    v = sub.add_parser("validate", help="validate the store against the SHACL shapes")
    v.add_argument("--store")
    v.set_defaults(func=cmd_validate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CliError, SettingsError, RemoteError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as e:  # last resort: a clear line, not a traceback
        if os.environ.get("LINEAGE_DEBUG"):
            raise
        print(f"Error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
