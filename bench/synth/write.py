"""The corpus on disk: one text file per plan and ``expected.jsonl`` beside them.

Reads: the plans of the tree (after any step that changes them), the folder,
and the text's random stream. Returns: :func:`write_corpus`, which names each
plan's file (``000123_district_party_bach-thong.txt``), renders and writes it
as UTF-8, writes its row of ``expected.jsonl``, and answers a :class:`Summary`.
A plan the planting left unwritten gets no file and no row (its ``file`` is "").

Why plans are rendered here in tree order: one random stream for the text,
drawn plan after plan, is what makes a seed give the same bytes.
"""

from __future__ import annotations

import json
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.synth.model import Plan
from bench.synth.render import render
from bench.synth.truth import expected_row

__all__ = ["Summary", "slug", "write_corpus"]


@dataclass(frozen=True)
class Summary:
    """What the generator wrote."""

    n: int
    out_dir: str
    by_level: dict[str, int]
    by_system: dict[str, int]
    seconds: float
    bytes: int
    planted: dict[str, Any] | None = None  # truth/summary.json of a planted corpus


def write_corpus(
    plans: Sequence[Plan],
    out: Path,
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Write every plan's text and expected.jsonl into ``out`` (which exists); sets ``Plan.file``."""
    t0 = time.perf_counter()
    memo: dict[int, set[int]] = {}
    width = max(6, len(str(len(plans))))
    total = 0
    by_level: Counter[str] = Counter()
    by_system: Counter[str] = Counter()
    with (out / "expected.jsonl").open("w", encoding="utf-8") as ex:
        for p in plans:
            u = p.unit
            if p.unwritten:  # known only from the references of the plans citing it
                p.file = ""
                continue
            p.file = f"{p.idx:0{width}d}_{u.level}_{p.organ}_{slug(u.name)}.txt"
            data = render(p, rng).encode("utf-8")
            (out / p.file).write_bytes(data)
            total += len(data)
            by_level[u.level] += 1
            by_system[p.system] += 1
            ex.write(json.dumps(expected_row(p, memo), ensure_ascii=False) + "\n")
            if progress and p.idx % 5000 == 0:
                progress(p.idx)
    return Summary(
        n=sum(by_level.values()),
        out_dir=str(out),
        by_level=dict(by_level),
        by_system=dict(by_system),
        seconds=time.perf_counter() - t0,
        bytes=total,
    )


def slug(name: str) -> str:
    """An ASCII file-name part of a unit's name: "Bạch Thông" -> "bach-thong"."""
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in s).split())
