"""The core is pure Python: Qt and pyqtgraph load only under openexplorer.ui."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import openexplorer

CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(openexplorer.__path__, "openexplorer.")
    if not m.name.startswith("openexplorer.ui")
)


def test_core_modules_exist():
    assert {"openexplorer.db.cache", "openexplorer.cli", "openexplorer.frameworks.mof",
            "openexplorer.importers.mot", "openexplorer.core.licenses"} <= set(CORE_MODULES)


def test_core_imports_without_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6', 'pyqtgraph', 'shiboken6'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_no_qt_import_statement_outside_ui():
    root = openexplorer.__path__[0]
    offenders = []
    import pathlib
    for path in pathlib.Path(root).rglob("*.py"):
        if "ui" in path.relative_to(root).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph"):
            if word in text:
                offenders.append(f"{path.name}: {word}")
    assert offenders == []


def _import_graph() -> dict[str, set[str]]:
    """Every openexplorer module and the openexplorer modules it imports, counting imports
    inside functions and under ``if TYPE_CHECKING`` (``from package import module`` names the
    module; otherwise the nearest enclosing module that exists)."""
    import ast
    import pathlib

    root = pathlib.Path(openexplorer.__path__[0])
    paths: dict[str, pathlib.Path] = {}
    for path in root.rglob("*.py"):
        parts = ["openexplorer", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        paths[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                names = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for name in names:
                while name and name not in paths:
                    name = name.rpartition(".")[0]
                if name and name != module and name.count("."):
                    edges.add(name)
        graph[module] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_in_core():
    """No module of the lower layers (core, frameworks, db, views, store) is part of an import
    cycle, imports inside functions counted."""
    graph = _import_graph()
    assert {"openexplorer.db.cache", "openexplorer.store.ingest"} <= set(graph)
    assert "openexplorer.store.writes" in graph["openexplorer.store.ingest"]
    lower = ("core", "frameworks", "db", "views", "store")
    cycles = [c for c in _cycles(graph) if any(m.split(".")[1] in lower for m in c)]
    assert cycles == []


def test_cycle_finder_finds_a_cycle():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]
