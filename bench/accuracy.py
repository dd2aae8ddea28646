"""Parent accuracy: does the graph link every synthetic plan to the parents it should?

Reads: the records that were ingested, the :class:`graph.service.Lineage` they
went into, and ``expected.jsonl`` from :func:`bench.synth.generate`. Returns:
:class:`Accuracy` with the failing files, so a regression names its documents.

Why match by number + issuer place/level and not by id: ids are the graph's
business (and may legitimately change with the identity scheme); what a
researcher checks is "the parent is Kế hoạch 241-KH/TU of the Bắc Kạn Tỉnh ủy".

A planted corpus (:mod:`bench.synth.plant`) holds what no extractor can link and
what is one node for two files, marked in its rows: a plan whose "Thực hiện"
sentence was removed (``"excluded"``) is left out of the accuracy and counted
apart, with how many of them the graph gave a parent anyway (it should give
none: their parents are for the suggestions to find); a second file of the
same number, issuer and year (``"duplicate_of"``) is checked like any plan but
its node is its original's, so it is not an id collision. A document the
planting left unwritten has no row: its citers expect it as a parent, a stub.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.identity import number_norm
from graph.service import Lineage
from ingest.model import PlanRecord
from ingest.text import fold

__all__ = ["Accuracy", "file_ids", "id_collisions", "load_expected", "parent_accuracy", "unwritten"]


@dataclass
class Accuracy:
    """Share of plans whose parents are exactly the expected ones, and link-level counts."""

    plans: int = 0
    exact: int = 0
    expected_links: int = 0
    found_links: int = 0
    extra_links: int = 0
    missing_files: int = 0  # expected files with no ingested node
    excluded: int = 0  # planted plans with no readable parent: not in ``plans``
    excluded_linked: int = 0  # of those, how many the graph gave a parent anyway
    duplicates: int = 0  # planted second files of another plan's number, issuer and year
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.plans if self.plans else 0.0

    @property
    def recall(self) -> float:
        return self.found_links / self.expected_links if self.expected_links else 1.0


def load_expected(path: str | Path) -> dict[str, dict[str, Any]]:
    """``expected.jsonl`` by file name."""
    out: dict[str, dict[str, Any]] = {}
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                out[row["file"]] = row
    return out


def file_ids(lin: Lineage, records: Iterable[PlanRecord]) -> dict[str, str]:
    """File name -> the plan id its record became (via the source hash, one query).

    Matched inside each record's named graph (where a document and its source are
    stated together): over the union graph the join takes minutes at 10,000 plans."""
    by_sha = {r.sha256: Path(r.source).name for r in records if r.sha256}
    rows = lin.store.query(
        """PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT DISTINCT ?d ?sha WHERE { GRAPH ?g { ?s dcterms:identifier ?sha .
                                                   ?d prov:wasDerivedFrom ?s ; a eli:LegalResource } }"""
    )
    from graph.identity import id_of_iri

    out: dict[str, str] = {}
    for row in rows:
        sha = row["sha"].value
        name = by_sha.get(sha)
        pid = id_of_iri(row["d"].value, lin.base)
        if name and pid:
            out[name] = pid
    return out


def _same_place(a: str | None, b: str | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and fold(a) == fold(b))


def matches(expected: dict[str, Any], summary: dict[str, Any]) -> bool:
    """Does the node ``summary`` denote the expected parent (number, level, province, district)?"""
    iss = summary.get("issuer") or {}
    if number_norm(expected["number"]) != number_norm(summary.get("number")):
        return False
    if expected["level"] != iss.get("level"):
        return False
    if expected["level"] == "central":
        return True
    if not _same_place(expected["province"], iss.get("province")):
        return False
    return expected["level"] not in ("district", "commune") or _same_place(
        expected["district"], iss.get("district")
    )


def parent_accuracy(
    lin: Lineage,
    records: Sequence[PlanRecord],
    expected: dict[str, dict[str, Any]],
    keep_failures: int = 50,
) -> Accuracy:
    """Compare each ingested plan's ``parents`` with expected.jsonl (see the module docstring)."""
    ids = file_ids(lin, records)
    acc = Accuracy()
    for name, row in sorted(expected.items()):
        if row.get("excluded"):
            acc.excluded += 1
            pid = ids.get(name)
            acc.excluded_linked += bool(pid and lin.index.parents(pid))
            continue
        acc.duplicates += "duplicate_of" in row
        want = row["parents"]
        acc.plans += 1
        acc.expected_links += len(want)
        pid = ids.get(name)
        if pid is None:
            acc.missing_files += 1
            if len(acc.failures) < keep_failures:
                acc.failures.append({"file": name, "why": "not ingested"})
            continue
        got = [lin.summary(p) for p in lin.index.parents(pid)]
        used: set[int] = set()
        found = 0
        for w in want:
            hit = next((i for i, g in enumerate(got) if i not in used and matches(w, g)), None)
            if hit is not None:
                used.add(hit)
                found += 1
        extra = len(got) - len(used)
        acc.found_links += found
        acc.extra_links += extra
        if found == len(want) and extra == 0:
            acc.exact += 1
        elif len(acc.failures) < keep_failures:
            acc.failures.append(
                {
                    "file": name,
                    "id": pid,
                    "want": [(w["number"], w["level"], w["province"], w["district"]) for w in want],
                    "got": [
                        (g["number"], g["issuer"]["level"], g["issuer"]["province"], g["issuer"]["district"])
                        for g in got
                    ],
                }
            )
    return acc


def id_collisions(lin: Lineage, records: Sequence[Any], acc: Accuracy) -> int:
    """Files that became no node of their own, less the planted duplicates (one node, two files)."""
    return len(records) - lin.stats()["plans"] - acc.duplicates


def unwritten(folder: str | Path) -> int:
    """How many documents the planting left unwritten (0 for an unplanted corpus)."""
    path = Path(folder) / "truth" / "summary.json"
    if not path.exists():
        return 0
    return int(json.loads(path.read_text(encoding="utf-8"))["planted"]["missing_document"])


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.accuracy DIR``: parent accuracy of a corpus from ``lineage synth``.

    The accuracy part of ``bench.run`` alone, in a fraction of its time: every file
    extracted (in worker processes), the records ingested into an in-memory store, the
    parents compared with ``DIR/expected.jsonl``. Prints the figures, then the first
    mismatches; ``--failures FILE`` writes all of them as JSON lines.
    """
    import argparse
    import sys
    import time

    from graph.store import open_store
    from ingest.parallel import extract_paths

    ap = argparse.ArgumentParser(prog="python -m bench.accuracy", description=main.__doc__.splitlines()[0])
    ap.add_argument("corpus", help="a folder written by `lineage synth`")
    ap.add_argument("--workers", type=int, help="extraction/build processes (default: every CPU)")
    ap.add_argument("--failures", help="write every mismatch to this file (JSON lines)")
    ap.add_argument("--show", type=int, default=5, help="mismatches to print")
    a = ap.parse_args(argv)
    folder = Path(a.corpus)
    files = sorted(folder.glob("*.txt"))
    t0 = time.perf_counter()
    records, errors = [], []
    for path, rec, err in extract_paths(files, a.workers):
        if rec is not None:
            records.append(rec)
        else:
            errors.append(err or str(path))
    t1 = time.perf_counter()
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records, workers=a.workers)
    t2 = time.perf_counter()
    acc = parent_accuracy(lin, records, load_expected(folder / "expected.jsonl"), keep_failures=len(files))
    print(
        f"files={len(files)} extract_failed={len(errors)} parent_accuracy={acc.accuracy:.6f} "
        f"exact={acc.exact}/{acc.plans} link_recall={acc.recall:.6f} extra_links={acc.extra_links} "
        f"missing={acc.missing_files} id_collisions={id_collisions(lin, records, acc)} "
        f"excluded={acc.excluded} excluded_linked={acc.excluded_linked} duplicates={acc.duplicates} "
        f"unwritten={unwritten(folder)} "
        f"extract_s={t1 - t0:.1f} ingest_s={t2 - t1:.1f} compare_s={time.perf_counter() - t2:.1f}"
    )
    for e in errors[: a.show]:
        print("  extract failed:", e, file=sys.stderr)
    for f in acc.failures[: a.show]:
        print("  " + json.dumps(f, ensure_ascii=False))
    if a.failures:
        with open(a.failures, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(f, ensure_ascii=False) + "\n" for f in acc.failures)
    return 0 if acc.exact == acc.plans and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
