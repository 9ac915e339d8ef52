"""The core must never import Qt: importing every mguv_app module leaves PySide6 (and ui, model_training) unloaded."""

import subprocess
import sys

import pytest

CODE = r"""
import importlib, pkgutil, sys
import mguv_app
names = [m.name for m in pkgutil.walk_packages(mguv_app.__path__, "mguv_app.")
         if not m.name.endswith("__main__")]  # those run the app
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "ui", "model_training"))
print(len(names), bad)
sys.exit(1 if bad else 0)
"""


@pytest.mark.slow
def test_importing_every_core_module_loads_no_qt():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert int(out.stdout.split()[0]) >= 8  # it really walked the package
