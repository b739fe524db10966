"""The house's rules, read from the source: layers, no cycles, no private reach.

Every ``import`` in ``scenarios/`` and ``dashboard/`` counts, including those
inside functions (deferred imports still form a cycle when they run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scenarios", "dashboard")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for package in PACKAGES
    for path in sorted((ROOT / package).rglob("*.py"))
}


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base.pop()
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    found.append((submodule, None))
                else:
                    found.append((target, alias.name))
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    return {
        module: {target for target, _ in imports_of(module) if target in MODULES}
        - {module}
        for module in MODULES
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_walker_sees_every_package():
    assert {"scenarios.roots.engine", "dashboard.views.scenario"} <= MODULES.keys()
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_cycle_even_through_imports_inside_functions():
    assert cycles(graph()) == []


def test_no_module_imports_another_modules_private_name():
    reaches = [
        f"{module} imports {name} from {target}"
        for module in MODULES
        for target, name in imports_of(module)
        if name
        and name.startswith("_")
        and not name.startswith("__")
        and target.split(".")[0] in PACKAGES
    ]
    assert reaches == []


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("scenarios")])
def test_the_engine_never_imports_the_dashboard_or_streamlit(module):
    roots = {target.split(".")[0] for target, _ in imports_of(module)}
    assert not roots & {"dashboard", "streamlit"}


def test_pages_do_not_import_pages():
    views = [m for m in MODULES if m.startswith("dashboard.views.")]
    reaches = [
        f"{view} imports {target}"
        for view in views
        for target in graph()[view]
        if target.startswith("dashboard.views.")
    ]
    assert reaches == []
