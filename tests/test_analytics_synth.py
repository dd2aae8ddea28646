"""Coverage and lags measured on a planted synthetic cascade (what ``make bench`` reports, small).

A 300-plan cascade planted with coverage gaps, units that skip a level, and
month/year dates and children dated before their parents (bench.synth) is
ingested as files, and the benchmark's own measurement (bench.analytics_run)
scores the analyses against the truth written beside it: every figure must be 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import analytics_run
from bench.synth import generate
from graph.service import Lineage
from graph.store import open_store


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("planted")
    summary = generate(300, 7, out).planted
    assert summary["planted"]["gap_units"] and summary["planted"]["skipping"]
    assert summary["planted"]["month_or_year_dates"] and summary["planted"]["date_before_parent"]
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_files(sorted(str(p) for p in Path(out).glob("*.txt")), workers=1)
    figures, _ctx = analytics_run.measure(lin, out)
    return figures


def test_coverage_finds_every_planted_gap_and_nothing_else(measured: dict[str, Any]) -> None:
    assert measured["coverage_answers"] == measured["coverage_truth_plans"] > 100
    for key in (
        "coverage_precision",
        "coverage_recall",
        "coverage_counts_exact",
        "coverage_plans_exact",
        "coverage_skip_agreement",
    ):
        assert measured[key] == 1.0, key


def test_every_lag_of_the_cascade_is_the_truths(measured: dict[str, Any]) -> None:
    assert measured["lag_exact"] == 1.0
    assert measured["lag_links"] > 300 and measured["lag_missing"] == measured["lag_extra"] == 0


def test_the_analyses_of_the_whole_cascade_are_quick(measured: dict[str, Any]) -> None:
    assert set(analytics_run.KEYS[:4]) <= set(measured)
    assert 0 < measured["analytics_max_s"] < 2.0
