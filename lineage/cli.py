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

Here: the parser, ``extract``, ``serve`` and ``synth``; the store commands are in
:mod:`lineage.store_commands`, the analyses in :mod:`lineage.analysis_commands`, what
they share in :mod:`lineage.common`.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lineage.analysis_commands import cmd_analysis, cmd_check, cmd_suggestions, cmd_texts_analysis
from lineage.common import CliError, open_lineage, out, print_json
from lineage.config import Settings, SettingsError
from lineage.remote import RemoteError  # a failure talking to a running server: one line too
from lineage.store_commands import cmd_export, cmd_ingest, cmd_query, cmd_validate, ingest_paths


# -- extract ------------------------------------------------------------------
def cmd_extract(args: argparse.Namespace) -> int:
    from ingest import DocumentError, extract_file

    try:
        record = extract_file(args.file)
    except DocumentError as e:
        raise CliError(str(e)) from e
    data = record.to_json(with_evidence=not args.no_evidence)
    if args.format == "json":
        print_json(data)
    else:
        out(_text_summary(data))
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


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api import create_app
    from api.routes.documents import upload_limits
    from api.uploads import sweep
    from lineage import discovery

    settings = Settings.from_env(args.store, host=args.host, port=args.port)
    lin = open_lineage(settings)
    if lin.stats().get("plans", 0) == 0 and settings.corpus.exists():
        ingested, _unchanged, failures = ingest_paths(
            lin, [str(settings.corpus)], settings, exclude=Path(settings.store)
        )
        print(f"store was empty: ingested {ingested} document(s) from {settings.corpus}", file=sys.stderr)
        from ingest.walk import printable

        for f in failures:
            print(f"failed: {printable(f)}", file=sys.stderr)
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
    out(f"wrote {s.n} plans ({s.bytes / 1e6:.1f} MB) to {s.out_dir} in {s.seconds:.1f}s")
    if s.planted is not None:
        counts = ", ".join(f"{k} {v}" for k, v in s.planted["planted"].items() if isinstance(v, int))
        out(f"planted (truth in {Path(s.out_dir) / 'truth'}): {counts}")
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
