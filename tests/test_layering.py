"""The architecture holds: the core is pure Python (Qt and pyqtgraph load only under
openexplorer.ui), no module imports another that imports it back, no module passes 900 lines.
The layers themselves are import-linter's contracts (pyproject.toml), run by .ci/run."""

from __future__ import annotations

import pathlib
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


def _import_graph() -> dict[str, set[str]]:
    """Every openexplorer module and the openexplorer modules it imports, at any depth of the
    file (imports inside functions count: they hide a cycle from the interpreter, not from the
    reader)."""
    import grimp

    graph = grimp.build_graph("openexplorer")
    return {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_openexplorer_modules():
    # A package importing its own submodules (openexplorer.ui -> openexplorer.ui.theme) is not a
    # cycle unless a submodule imports the package back; grimp names both as modules.
    assert _cycles(_import_graph()) == []


def test_no_source_module_over_900_lines():
    root = pathlib.Path(openexplorer.__path__[0])
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 900}
    assert long == {}
