"""Data flows one way: ingest -> ontology -> graph -> api/viz. Nothing below the top
layer may import the web or drawing libraries, and ingest imports no later stage."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys, importlib
for mod in {mods!r}:
    importlib.import_module(mod)
bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
print(','.join(bad))
"""


@pytest.mark.parametrize(
    ("mods", "forbidden"),
    [
        (["ingest", "ingest.extract"], ["graph", "api", "viz", "fastapi", "pyvis", "uvicorn"]),
        (["ontology"], ["ingest", "graph", "api", "viz", "fastapi", "pyvis"]),
        (
            ["graph", "graph.service", "graph.store", "graph.index"],
            ["api", "viz", "fastapi", "pyvis", "uvicorn"],
        ),
        (["lineage.cli"], ["fastapi", "pyvis", "uvicorn", "graph", "pyoxigraph"]),
    ],
)
def test_lower_layers_do_not_import_upper_ones(mods: list[str], forbidden: list[str]) -> None:
    # A fresh interpreter: this test process has already imported everything.
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(mods=mods, forbidden=forbidden)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "", f"{mods} pulled in {out}"
