"""A synthetic cascade of plan documents over the real 2024 administrative map.

Reads: a number of plans, a seed and a folder. Returns: :func:`generate`, which
writes N plan texts for the 63 provinces and their real districts and communes
(from the ``vietnamadminunits`` dataset, the same one the gazetteer reads): the
central Kết luận 70-KL/TW, the provincial Party/State/Front plans that carry it
out, the district plans citing those, and the commune plans citing the district
ones. Next to them ``expected.jsonl`` lists, for every file, the parents the
extractor and the graph must find. ``lineage synth`` and ``make bench`` call it.

Why synthetic and not more real documents: the benchmark needs 100,000 plans
whose true lineage is known, in texts that copy the constructions of the real
seeds (see :mod:`bench.synth.render`), so that what it measures is the
extractor on realistic input, not on a friendly template.

The steps, each a module: the map (:mod:`~bench.synth.hierarchy`) → the plan
tree, which is the truth (:mod:`~bench.synth.tree`) → the planting
(:mod:`~bench.synth.plant`: what the analyses must find: units that never
issued a plan, lags, dates before a parent's, text reuse, a removed "Thực hiện"
sentence, targets that move, data-quality faults) → the texts and
``expected.jsonl`` (:mod:`~bench.synth.write`, :mod:`~bench.synth.render`,
:mod:`~bench.synth.truth`) → the planted truth in ``truth/``
(:mod:`~bench.synth.truth_write`, whose docstring is its schema). ``plant=False``
(``lineage synth --no-plant``) leaves the planting out and writes the corpus of
before, byte for byte, without ``truth/``.

Deterministic for a seed: each step draws from its own ``random.Random``
(the tree from ``seed``, the planting from ``f"{seed}:plant"``, the texts from
``f"{seed}:text"``) and units are visited in dataset order, so the same seed
gives the same bytes, and a step added with a stream of its own leaves the
others' draws as they were.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.synth.model import Plan, Unit
from bench.synth.plant import plant as plant_tree
from bench.synth.render import render
from bench.synth.tree import build_plans
from bench.synth.truth_write import write_truth
from bench.synth.write import Summary, write_corpus

__all__ = ["Plan", "Summary", "Unit", "build_plans", "generate", "render"]


def generate(
    plans: int = 100_000,
    seed: int = 0,
    out: str | Path = "synth",
    progress: Callable[[int], None] | None = None,
    plant: bool = True,
) -> Summary:
    """Write ``plans`` plan files and ``expected.jsonl`` into ``out``, and with ``plant`` the
    planted truth in ``out/truth/``; see the module docstring."""
    t0 = time.perf_counter()
    if plans < 1:
        raise ValueError("the number of plans must be at least 1")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    # Millions of small objects and no garbage cycles to speak of: the cyclic collector's passes
    # over the growing heap cost a quarter of the planting at 100,000 plans, and buy nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        tree = build_plans(plans, seed)
        planted = None
        if plant:
            tree, planted = plant_tree(tree, seed)
        written = write_corpus(tree, folder, random.Random(f"{seed}:text"), progress)
        truth = write_truth(folder, tree, planted) if planted is not None else None
    finally:
        if was_enabled:
            gc.enable()
    return replace(written, seconds=time.perf_counter() - t0, planted=truth)
