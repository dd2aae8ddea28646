"""How the scorers of the analytics find a truth document in an answer: by what it is, never by id.

Reads: ``truth/`` of a planted corpus (schema in :mod:`bench.synth.truth_write`) and
node summaries (``Lineage.summary``: ``{"number", "date", "issuer": {"level",
"province", "district", "commune", "system"}}``). Returns: :class:`Truth` and
:func:`load_truth`; the matching keys of a truth document (:func:`doc_key`) and of
a node (:func:`node_key`), equal when they are the same document; :func:`graph_lookup`
(a ``Lineage``'s summaries by id, None for an unknown one) and :func:`keys_of` (a
cached id -> key); :func:`unit_matches` for the units of a coverage answer; and
:func:`summary_of`, a summary describing a truth document (for hand-made answers).

The key: the number in one spelling (:func:`graph.identity.number_norm`), the
issuer's level, province and district (diacritics and case folded; the gazetteer's
"Long Mỹ (Huyện)" and "Long Mỹ (Thị xã)" stay apart) and the year, as
:mod:`bench.accuracy` matches parents; a document with a blank number by its level,
places (commune included), system and date instead. A unit is matched by level,
system, province, district and commune, the answer's ``name`` standing in for a
missing ``district``/``commune`` field when it ends with that name (the gazetteer's
"Mường Tè (Thị trấn)" may be printed "thị trấn Mường Tè").

Why not by id: ids are the graph's business and may change with the identity
scheme; what a researcher checks is "Kế hoạch 241-KH/TU of the Bắc Kạn Tỉnh ủy".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.identity import number_norm
from ingest.text import fold

__all__ = [
    "Key",
    "Lookup",
    "Truth",
    "doc_key",
    "graph_lookup",
    "keys_of",
    "load_truth",
    "node_key",
    "place_key",
    "same_place",
    "summary_of",
    "unit_matches",
]

Lookup = Callable[[str], Mapping[str, Any] | None]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Truth:
    """The planted truth of one corpus (rows as :mod:`bench.synth.truth_write` writes them)."""

    summary: dict[str, Any]
    coverage: list[dict[str, Any]]
    links: list[dict[str, Any]]
    suggest: list[dict[str, Any]]
    faults: list[dict[str, Any]]


def load_truth(corpus: str | Path) -> Truth:
    """Read ``corpus/truth/`` (FileNotFoundError for an unplanted corpus)."""
    folder = Path(corpus) / "truth"

    def rows(name: str) -> list[dict[str, Any]]:
        with (folder / name).open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return Truth(
        summary, rows("coverage.jsonl"), rows("links.jsonl"), rows("suggest.jsonl"), rows("faults.jsonl")
    )


def place_key(s: str | None) -> str:
    return fold(s) if s else ""


def _key(number: str | None, level: str | None, iss: Mapping[str, Any], date: str | None) -> Key | None:
    if level is None:
        return None
    prov = "" if level == "central" else place_key(iss.get("province"))
    dist = place_key(iss.get("district")) if level in ("district", "commune") else ""
    n = number_norm(number)
    if n and any(ch.isdigit() for ch in n):
        return ("n", n, level, prov, dist, (date or "")[:4])
    comm = place_key(iss.get("commune")) if level == "commune" else ""
    return ("b", level, prov, dist, comm, iss.get("system"), date or "")


def doc_key(doc: Mapping[str, Any]) -> Key | None:
    """The matching key of a truth document (``{"number", "level", "province", ...}``)."""
    return _key(doc.get("number"), doc.get("level"), doc, doc.get("date"))


def node_key(summary: Mapping[str, Any] | None) -> Key | None:
    """The matching key of a graph node's summary (``Lineage.summary``)."""
    if not summary:
        return None
    iss = summary.get("issuer") or {}
    return _key(summary.get("number"), iss.get("level"), iss, summary.get("date"))


def summary_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A node summary that describes a truth document (for hand-made answers and tests)."""
    iss = {k: doc.get(k) for k in ("level", "province", "district", "commune", "system")}
    return {"number": doc.get("number"), "date": doc.get("date"), "issuer": iss}


def graph_lookup(lin: Any) -> Lookup:
    """A :class:`graph.service.Lineage`'s summaries as a lookup (None for an id it does not know)."""
    return lambda pid: lin.summary(pid) if lin.knows(pid) else None


def keys_of(lookup: Lookup) -> Callable[[Any], Key | None]:
    cache: dict[Any, Key | None] = {}

    def key(pid: Any) -> Key | None:
        if not isinstance(pid, str):
            return None
        if pid not in cache:
            cache[pid] = node_key(lookup(pid))
        return cache[pid]

    return key


_KIND = re.compile(r"^(.*?)\s*\(([^)]*)\)$")


def same_place(answer: str | None, truth: str | None, strict: bool = True) -> bool:
    """Whether an answer's place names the truth's: equal folded, or ending with it ("xã Phú
    Hữu"). Not ``strict``: the gazetteer's kind in brackets ("Mường Tè (Thị trấn)") may be
    printed as a unit word instead ("thị trấn Mường Tè"), and must agree when it is."""
    a, t = place_key(answer), place_key(truth)
    if a == t or (bool(t) and a.endswith(" " + t)):
        return True
    m = _KIND.match(truth or "")
    if strict or not m:
        return False
    base, kind = place_key(m.group(1)), place_key(m.group(2))
    return a == base or f" {a}".endswith(f" {kind} {base}")


def unit_matches(a: Mapping[str, Any], t: Mapping[str, Any], strict: bool = True) -> bool:
    if a.get("level") != t["level"] or a.get("system") != t["system"]:
        return False
    if not same_place(a.get("province"), t["province"]):
        return False
    name = a.get("name")
    if t["level"] in ("district", "commune") and not same_place(
        a.get("district") or name, t["district"], strict
    ):
        return False
    return t["level"] != "commune" or same_place(a.get("commune") or name, t["commune"], strict)
