"""The architecture of docs/architecture.md, checked from the code: imports point one way, and no cycle.

Layers, lowest first: foundations (``errors``, ``serialise``, ``arrays``) → ``scenario`` → engines
(``models``, ``protocols``, ``ledgers``, ``journal``, ``drafting``) → ``sweeps`` (runs any engine) →
``api`` → front ends (``report``, then ``web``, then ``cli``). A module may import its own layer's
package or any lower layer, never a higher one; engines never import each other's internals (only a
package's ``__init__`` or its documented entry modules). Every ``import`` statement counts, including
those inside functions: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "allied"

#: top-level part of the package -> layer rank (higher may import lower)
LAYER = {
    "errors": 0, "_version": 0, "_jit": 0, "_aot": 0, "_lazy": 0, "_process": 0,
    "serialise": 1, "arrays": 1,
    "scenario": 2,
    "models": 3, "protocols": 3, "ledgers": 3, "journal": 3, "drafting": 3,
    "sweeps": 4,
    "api": 5, "__init__": 6,
    "report": 7, "web": 8, "cli": 9, "_entry": 10,
}
#: engines at the same rank that may use one another through their public entry points
ENGINE_USES = {("sweeps", "models"), ("sweeps", "protocols"), ("sweeps", "ledgers"),
               ("journal", "models"), ("models", "journal")}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[str]]:
    """``{module: {allied modules it imports}}`` for every module under src/allied."""
    out: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        mod = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        pkg = mod if rel.name == "__init__" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out[mod] |= {a.name for a in node.names if a.name.startswith("allied")}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(pkg.split(".")[: len(pkg.split(".")) - node.level + 1] + ([base] if base else []))
                if base.startswith("allied"):
                    out[mod].add(base)
    return out


IMPORTS = _imports()


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {_part(m) for m in IMPORTS}
    assert parts <= set(LAYER), f"give these a layer in tests/test_layers.py and docs/architecture.md: " \
                                f"{sorted(parts - set(LAYER))}"


def upward(module: str, targets: set[str]) -> list[str]:
    """The imports of ``module`` that reach its own layer (another package) or a higher one."""
    here = _part(module)
    bad = []
    for target in sorted(targets):
        there = _part(target)
        if there == here or (here, there) in ENGINE_USES:
            continue
        if LAYER.get(there, 99) >= LAYER.get(here, -1):
            bad.append(target)
    return bad


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_no_module_imports_a_layer_above_it(module: str) -> None:
    bad = upward(module, IMPORTS[module])
    assert not bad, f"{module} ({_part(module)}, layer {LAYER.get(_part(module))}) imports upward: {bad}"


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for mod, targets in IMPORTS.items():
        for t in targets:
            a, b = _part(mod), _part(t)
            if a != b and a != "__init__" and b != "__init__":
                graph[a].add(b)
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                raise AssertionError(f"import cycle: {' -> '.join([*path, node, nxt])}")
            if nxt not in seen:
                visit(nxt, [*path, node])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [])


def test_the_checker_sees_a_violation() -> None:
    """The rule bites: the pre-redesign scenario → forecast import, an engine → front end import and one
    engine reaching into another would each be reported."""
    assert upward("allied.scenario.arrays", {"allied.models.base"}) == ["allied.models.base"]
    assert upward("allied.models.eum", {"allied.cli"}) == ["allied.cli"]
    assert upward("allied.protocols.api", {"allied.ledgers.api"}) == ["allied.ledgers.api"]
    assert upward("allied.cli.forecast", {"allied.models", "allied.scenario"}) == []


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (type-only imports never run)."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def _module_imports() -> dict[str, set[str]]:
    """``{module: {allied modules it imports}}``, lazy imports included, resolving ``from pkg import mod``."""
    out: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        mod = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("allied"):
                for a in node.names:  # `from allied.web import pages` imports the module allied.web.pages
                    sub = f"{node.module}.{a.name}"
                    out[mod].add(sub if (SRC.parent / (sub.replace(".", "/") + ".py")).exists() else node.module)
            elif isinstance(node, ast.Import):
                out[mod] |= {a.name for a in node.names if a.name.startswith("allied")}
    return out


def test_no_import_cycle_between_modules() -> None:
    """Inside each front end no chain of imports, lazy ones included, leads from a module back to itself: the
    web app's factory imports its routers, never the reverse (they share allied.web.render). (The scenario
    model's convenience methods import the array builder lazily by design, so the rule is kept to the front
    ends, where such a cycle was a real tangle.)"""
    graph = {m: {t for t in ts if _part(t) == _part(m)} for m, ts in _module_imports().items()
             if _part(m) in ("web", "cli", "report")}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == node or nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                raise AssertionError(f"import cycle: {' -> '.join([*path, node, nxt])}")
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
