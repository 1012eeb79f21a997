"""The import graph of `game`, read with `ast` (module-level and function-level imports alike):
no cycle, nothing points up the layers, pygame only in game.ui, and no import hidden in a
function body unless it saves start-up time.

The layers, bottom to top (docs/architecture.md says why):

    errors, i18n, gcpause, __version__,        foundations, import nothing of the project
    bundled
    scenario                                    the format: model, loader, validator
    engine, scoring                             the rules and the numbers
    export, authoring                           tools on top of the engine
    ui, commands, textmode, klas                the faces (window, command line, text, web)
    cli, __main__, game                         entry points
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GAME = Path(__file__).resolve().parents[1] / "game"

LAYERS = [
    {"errors", "i18n", "gcpause", "__version__", "bundled"},
    {"scenario"},
    {"engine", "scoring"},
    {"export", "authoring"},
    {"ui", "commands", "textmode", "klas"},
    {"cli", "__main__", "game"},
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}

# Imports inside a function body are allowed only where they save start-up time, each with a
# comment there saying so: outside libraries that are slow to load and only some paths need,
# the command modules (`samenspel` imports every one to build its parser, so each loads the
# layers it drives only when it runs), and `game`'s own lazy attributes (PEP 562).
LAZY_LIBRARIES = {"pygame", "pygame_gui", "matplotlib", "rich"}
LAZY_MODULES = ("game", "game.commands.")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(GAME.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(GAME.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Imports(ast.NodeVisitor):
    """Every import of one module: (target module, line, in a function, only for typing)."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool, bool]] = []
        self.depth = 0
        self.typing = 0

    def _add(self, target: str, line: int) -> None:
        self.found.append((target, line, self.depth > 0, self.typing > 0))

    def visit_FunctionDef(self, node) -> None:  # noqa: N802 - ast visitor name
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_If(self, node: ast.If) -> None:  # noqa: N802
        if _is_type_checking(node):
            self.typing += 1
            for child in node.body:
                self.visit(child)
            self.typing -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        for alias in node.names:
            # `from game import scoring` imports the module game.scoring
            sub = f"{module}.{alias.name}"
            self._add(sub if sub in MODULES else module, node.lineno)


def _imports(module: str) -> list[tuple[str, int, bool, bool]]:
    path = MODULES[module]
    visitor = _Imports(module, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return visitor.found


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _project_target(target: str) -> str | None:
    """The project module an import names (its nearest existing module), or None."""
    if target != "game" and not target.startswith("game."):
        return None
    while target not in MODULES:
        target = target.rpartition(".")[0]
    return target


GRAPH = {
    module: {(t, line, lazy, typing) for raw, line, lazy, typing in _imports(module)
             if (t := _project_target(raw)) is not None and t != module}
    for module in MODULES
}


def test_the_graph_sees_function_level_imports():
    """The scanner finds imports inside functions too (else the cycle check would be blind)."""
    visitor = _Imports("game.x", False)
    visitor.visit(ast.parse("def f():\n    from game.scenario import model\n"))
    assert visitor.found == [("game.scenario.model", 2, True, False)]


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk meets, each as the path that closes it."""
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in edges.get(module, ()):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    """A three-module loop is reported as the path around it."""
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c", "a"]]


def test_import_graph_has_no_cycle():
    """No module reaches itself through imports, counting imports inside functions."""
    edges = {m: sorted({t for t, *_ in targets}) for m, targets in GRAPH.items()}
    cycles = _cycles(edges)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def test_imports_never_point_up_the_layers():
    """scenario -> engine/scoring -> export/authoring -> ui/commands: never the other way.

    Imports under `if TYPE_CHECKING:` are annotations only, never run, and are left out."""
    upward = []
    for module, targets in GRAPH.items():
        src = _unit(module)
        assert src in RANK, f"{module}: put game.{src} in a layer in tests/test_imports.py"
        for target, line, _, typing in targets:
            if not typing and RANK[_unit(target)] > RANK[src]:
                upward.append(f"{MODULES[module].relative_to(GAME.parent)}:{line}: "
                              f"{module} -> {target}")
    assert upward == []


def test_imports_inside_functions_only_save_start_up_time():
    """Project modules are imported at the top; only slow outside libraries wait for a
    function that needs them, so the structure stays visible at the top of each file."""
    hidden = []
    for module in MODULES:
        for raw, line, lazy, _ in _imports(module):
            if (lazy and raw.split(".")[0] not in LAZY_LIBRARIES and module != LAZY_MODULES[0]
                    and not module.startswith(LAZY_MODULES[1])):
                hidden.append(f"{MODULES[module].relative_to(GAME.parent)}:{line}: {raw}")
    assert hidden == []


@pytest.mark.parametrize("library", ["pygame", "pygame_gui"])
def test_only_the_window_imports_pygame(library):
    """pygame stays at the edge: no module outside game.ui names it."""
    outside = [f"{module}:{line}" for module in MODULES if _unit(module) != "ui"
               for raw, line, *_ in _imports(module) if raw.split(".")[0] == library]
    assert outside == []
