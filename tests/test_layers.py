"""Data flows one way: ``ontology`` ← ``ingest`` ← ``graph`` ← ``api``/``viz`` ← ``lineage``.

Two checks. A static scan reads every import of every module of ours (at the top,
inside functions, under ``if TYPE_CHECKING``: an import anywhere is an arrow) and
holds it against the intended direction; it also refuses any import of a private
name (``_x``) from another module, and any use of a private attribute of an
imported module of ours. A runtime probe keeps the web and drawing libraries out
of the lower layers and the command line light to start.

Why static: a probe that only imports modules misses imports inside functions,
which is how an arrow from the ontology to ingest once got through.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("ontology", "ingest", "graph", "api", "viz", "lineage", "bench")
# What each package may import of ours, besides itself. ``bench`` may use anything;
# ``api`` mounts the views, so it may import ``viz`` (never the reverse).
ALLOWED: dict[str, set[str]] = {
    "ontology": set(),
    "ingest": {"ontology"},
    "graph": {"ontology", "ingest"},
    "viz": {"ontology", "graph"},
    "api": {"ontology", "graph", "viz"},
    "lineage": {"ontology", "ingest", "graph", "api", "viz", "bench"},
    "bench": {"ontology", "ingest", "graph", "api", "viz", "lineage"},
}
# Libraries of the top layers only.
WEB = {"fastapi", "starlette", "pyvis", "uvicorn", "jinja2", "httptools", "uvloop"}
WEB_ALLOWED = {"api", "viz", "lineage", "bench"}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for pkg in OURS:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out.append((".".join(parts), path))
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names taken from it) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.append((node.lineno, mod, [a.name for a in node.names]))
    return out


def _private_attributes(path: Path) -> list[tuple[int, str]]:
    """Uses of ``module._name`` where ``module`` is an imported module of ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in OURS:
                    aliases.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in OURS:
            # "from graph import rdf": rdf is a module of ours
            for a in node.names:
                if (ROOT / (node.module or "").replace(".", "/") / f"{a.name}.py").exists():
                    aliases.add(a.asname or a.name)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def test_the_scan_sees_every_package() -> None:
    assert {m.split(".")[0] for m, _ in MODULES} == set(OURS)


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down(name: str, path: Path) -> None:
    own = name.split(".")[0]
    wrong = []
    for line, mod, names in _imports(name, path):
        top = mod.split(".")[0]
        if top in OURS and top != own and top not in ALLOWED[own]:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
        if top in WEB and own not in WEB_ALLOWED:
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {mod} (a web/drawing library)")
        if top in OURS and mod != name:
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports the private name {mod}.{n}")
    for line, attr in _private_attributes(path):
        wrong.append(f"{path.relative_to(ROOT)}:{line} uses the private {attr}")
    assert not wrong, "\n".join(wrong)


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
        # the command line starts fast: the store and the web stack load only when a command needs them
        (["lineage.cli"], ["fastapi", "pyvis", "uvicorn", "graph", "pyoxigraph"]),
        # third-party imports of the lower layers do not drag in the web stack either
        (["ingest", "ingest.extract", "ontology"], ["fastapi", "pyvis", "uvicorn", "starlette"]),
        (
            ["graph", "graph.service", "graph.store", "graph.index"],
            ["fastapi", "pyvis", "uvicorn", "starlette"],
        ),
    ],
)
def test_what_loads_at_import(mods: list[str], forbidden: list[str]) -> None:
    # A fresh interpreter: this test process has already imported everything.
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(mods=mods, forbidden=forbidden)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()
    assert out == "", f"{mods} pulled in {out}"


def _target(mod: str, name: str) -> str:
    """``from graph import rdf`` takes the module ``graph.rdf``; ``from graph.rdf import build`` ``graph.rdf``."""
    sub = f"{mod}.{name}"
    return sub if sub in dict(MODULES) else mod


def test_no_import_cycles() -> None:
    import networkx as nx

    known = dict(MODULES)
    g = nx.DiGraph()
    for name, path in MODULES:
        for _, mod, names in _imports(name, path):
            for t in [_target(mod, n) for n in names] or [mod]:
                if t in known and t != name:
                    g.add_edge(name, t)
    cycles = [c for c in nx.simple_cycles(g) if not any(m == m.split(".")[0] for m in c)]
    assert not cycles, "\n".join(" -> ".join([*c, c[0]]) for c in cycles[:20])


def test_architecture_names_every_module() -> None:
    """``docs/architecture.md`` ("Modules, one job each") lists every module under its package,
    so a newcomer finds the one place for a job there; a module added without a line fails."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## Modules, one job each", 1)[-1].split("\n## ", 1)[0]
    listed: dict[str, set[str]] = {}
    pkg = ""
    for line in section.splitlines():
        if line.startswith("**`") and "/`**" in line:
            pkg = line[3 : line.index("/`**")]
        elif line.startswith("- `") and pkg:
            listed.setdefault(pkg, set()).add(line[3 : line.index("`", 3)])
    missing = []
    for folder in sorted({p.parent for _, p in MODULES}):
        rel = str(folder.relative_to(ROOT))
        for f in sorted(folder.glob("*.py")):
            if f.name == "__init__.py" and not ast.get_docstring(ast.parse(f.read_text(encoding="utf-8"))):
                continue
            if f.name not in listed.get(rel, set()):
                missing.append(f"{rel}/{f.name}")
    assert not missing, f"not in docs/architecture.md's module list: {missing}"
