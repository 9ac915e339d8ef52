"""Choosing where the model runs: CUDA when present, else the CPU; ``MGUV_DEVICE`` or an argument overrides."""

from __future__ import annotations

import os


def pick_device(requested: str | None = "auto") -> str:
    import torch

    requested = (requested or "auto").lower()
    if requested == "auto":
        requested = os.environ.get("MGUV_DEVICE", "auto").lower()
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("a CUDA device was requested but none is available; use --device cpu")
    return requested
