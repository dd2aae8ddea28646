"""The analysis commands: ``lineage coverage``, ``timeline``, ``reuse``, ``targets``,
``suggestions`` and ``check``.

Reads: their arguments, and the store through :class:`graph.analytics.Analytics`. Returns:
exit statuses (``check``: 1 when an error-level finding exists); prints the API's answer as
JSON, or CSV with ``--format csv``.

Why apart from :mod:`lineage.cli`: each analysis is one small function over the service,
and the parser stays one short table of commands.
"""

from __future__ import annotations

import argparse
import sys

from lineage.common import CliError, open_lineage, out, plan_id, print_json
from lineage.config import Settings

__all__ = ["cmd_analysis", "cmd_check", "cmd_suggestions", "cmd_texts_analysis"]


def cmd_analysis(args: argparse.Namespace) -> int:
    """``lineage coverage`` and ``lineage timeline``: the API's answer, as JSON or CSV."""
    from graph.analytics import Analytics
    from graph.errors import LineageError

    lin = open_lineage(Settings.from_env(args.store))
    pid = plan_id(lin, args.id_or_ref)
    params = {"province": args.province, "system": args.system} if args.command == "coverage" else {}
    analytics = Analytics(lin)
    try:
        if args.format == "csv":
            sys.stdout.write(analytics.csv(args.command, pid, **params))
        else:
            print_json(analytics.answer(args.command, pid, **params))
    except LineageError as e:  # an unknown id, a parameter the analysis refuses
        raise CliError(str(e)) from e
    return 0


def cmd_texts_analysis(args: argparse.Namespace) -> int:
    """``lineage reuse`` and ``lineage targets``: the API's answer over the whole cascade, as
    JSON or CSV; ``lineage reuse ID --parent P``: one pair with its passages' text."""
    from graph.analytics import Analytics, reuse
    from graph.errors import LineageError

    lin = open_lineage(Settings.from_env(args.store))
    pid = plan_id(lin, args.id_or_ref)
    try:
        if getattr(args, "parent", None):
            parent = plan_id(lin, args.parent)
            view = reuse.pair_view(lin, lin.texts, parent, pid)
            if not view["available"]:
                raise CliError(f"the text of {pid} or of {parent} is not kept (ingest it with a text store)")
            passages = [
                p | {"child_text": _cut(view, "child", p), "parent_text": _cut(view, "parent", p)}
                for p in view["passages"]
            ]
            keep = {k: v for k, v in view.items() if not k.endswith(("_segments", "_text"))}
            print_json(keep | {"passages": passages})
            return 0
        analytics = Analytics(lin)
        params = {"limit": 1_000_000_000, "offset": 0}
        if args.format == "csv":
            sys.stdout.write(analytics.csv(args.command, pid, **params))
        else:
            print_json(analytics.answer(args.command, pid, **params))
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

    lin = open_lineage(Settings.from_env(args.store))
    items = suggest.suggestions(lin, lin.texts)
    if args.format == "csv":
        cols = ("plan", "file", "parent", "share", "child_chars", "reused_chars")
        sys.stdout.write(to_csv(cols, items))
    else:
        print_json({"total": len(items), "items": items})
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Data quality (graph.analytics.quality): the findings as JSON or CSV; exit 1 on an error."""
    from collections import Counter

    from graph.analytics import Analytics
    from graph.analytics.quality import SEVERITIES, has_errors
    from graph.errors import NotFound

    lin = open_lineage(Settings.from_env(args.store))
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
            out(analytics.quality_csv(kind, plan, most_wanted=args.most_wanted))
        else:
            print_json(answer if plan is None else {"plan": plan} | answer)
    except NotFound as e:
        raise CliError(str(e)) from e
    counts = Counter(f["severity"] for f in answer["findings"])
    said = ", ".join(f"{s}: {counts.get(s, 0)}" for s in SEVERITIES)
    print(f"{said}; {len(answer['most_wanted'])} most-wanted listed", file=sys.stderr)
    return 1 if has_errors(answer) else 0
