"""Where the app keeps things: bundled resources and per-user data (via platformdirs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: next to the package in a checkout, inside the bundle when frozen."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"


def user_data_dir() -> Path:
    """Per-user writable folder (autosaves, trained models); ``MGUV_DATA_DIR`` overrides it."""
    override = os.environ.get("MGUV_DATA_DIR")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("mguv-studio", "MGU-V"))
    path.mkdir(parents=True, exist_ok=True)
    return path
