"""The layers import downwards only, read from the source of every module (CI runs this with the suite):

* the core (``mguv_app``) never imports the window (``ui``), Qt or the training tools (``model_training``); the
  one edge upwards is the CLI's window verb, ``mguv_app/cli/__init__.py`` importing ``ui.app`` when the user
  asks for the window;
* ``model_training`` never imports the window or Qt.

A static reading (``ast``), so a lazy import inside a function counts as much as one at the top, and so does
``importlib.import_module("...")`` with a literal name. ``test_core_is_qt_free.py`` checks the same at run time.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "shiboken6", "pyqtgraph"}
FORBIDDEN = {
    "mguv_app": QT | {"ui", "model_training"},
    "model_training": QT | {"ui"},
}
ALLOWED = {("mguv_app/cli/__init__.py", "ui.app")}  # `mguv` with no verb (or --screenshot) opens the window


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file, relative ones resolved against its package."""
    tree = ast.parse(path.read_text(), str(path))
    package = path.relative_to(ROOT).with_suffix("").parts
    package = package[:-1] if package[-1] != "__init__" else package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            else:
                found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and not node.args[0].value.startswith(".")):
            found.append((node.lineno, node.args[0].value))
    return found


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, module in imported_modules(path):
            if module.split(".")[0] in FORBIDDEN[layer] and (rel, module) not in ALLOWED:
                bad.append(f"{rel}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_the_layer_imports_nothing_above_it(layer):
    assert violations(layer) == []


def test_the_reading_sees_lazy_relative_and_dynamic_imports():
    """The contract's own check: it finds the one allowed edge (a dynamic import inside a function), a lazy
    relative import, and resolves ``from ..x import y`` to the package it names."""
    cli = dict((m, line) for line, m in imported_modules(ROOT / "mguv_app" / "cli" / "__init__.py"))
    assert "ui.app" in cli
    engine = {m for _, m in imported_modules(ROOT / "mguv_app" / "engine" / "trained_model.py")}
    assert {"mguv_app.model.checkpoint", "mguv_app.models_registry", "torch"} <= engine
