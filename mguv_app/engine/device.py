"""Choosing where the model runs: CUDA when present, else the CPU; ``MGUV_DEVICE`` or an argument overrides.

:func:`device_choices` says which devices this computer offers and why one is missing, without
importing torch (the window lists them at start-up, which stays torch-free): the Training tab shows
them, greying out a GPU that is not there, with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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


@dataclass(frozen=True)
class DeviceChoice:
    value: str  # what ``--device`` takes: auto, cpu, cuda
    label: str
    available: bool
    reason: str = ""  # why it is not available ("" when it is)


def _torch_version_field(name: str) -> str | None:
    """A field of ``torch/version.py`` (``cuda``, ``hip``) read as text: None when it is None or there is no
    PyTorch; "" when the file cannot be read."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        text = (Path(list(spec.submodule_search_locations)[0]) / "version.py").read_text()
    except OSError:
        return ""
    match = re.search(rf"^{name}\s*(?::[^=]*)?=\s*['\"]?([^'\"\n]*)['\"]?\s*$", text, re.MULTILINE)
    if match is None:
        return ""
    value = match.group(1).strip()
    return None if value in ("None", "") else value


def torch_cuda_version() -> str | None:
    """The CUDA version this PyTorch was built for (None: a CPU-only build, or no PyTorch; "" unknown: then
    the GPU check alone decides). A ROCm build's ``torch.cuda`` runs on AMD GPUs: "rocm" then."""
    cuda = _torch_version_field("cuda")
    if cuda is None and _torch_version_field("hip"):
        return "rocm"
    return cuda


def nvidia_gpus() -> int | None:
    """NVIDIA GPUs the driver shows (Linux: ``/proc/driver/nvidia/gpus``), 0 for none; None where this
    cannot be told without starting CUDA (Windows: the driver's library is looked for instead)."""
    if sys.platform.startswith("linux"):
        gpus = Path("/proc/driver/nvidia/gpus")
        try:
            return sum(1 for _ in gpus.iterdir()) if gpus.is_dir() else 0
        except OSError:
            return 0
    if sys.platform == "darwin":
        return 0  # no CUDA on macOS
    import ctypes.util

    return None if ctypes.util.find_library("nvcuda") else 0


@lru_cache(maxsize=1)
def cuda_status() -> tuple[bool, str]:
    """Whether training can run on a CUDA GPU here, and if not, why (a sentence for the user)."""
    version = torch_cuda_version()
    if version is None:
        return False, "this PyTorch is a CPU-only build (no CUDA in it)"
    if version == "rocm":
        return (True, "") if Path("/dev/kfd").exists() else (False, "no AMD GPU (ROCm driver) was found")
    gpus = nvidia_gpus()
    if gpus == 0:
        return False, "no NVIDIA GPU or driver was found on this computer"
    return True, ""


def device_choices() -> list[DeviceChoice]:
    """The devices to offer, in order: automatic, the CPU, a CUDA GPU (not available: with the reason)."""
    ok, why = cuda_status()
    return [DeviceChoice("auto", "Automatic (the GPU)" if ok else "Automatic (the CPU here)", True),
            DeviceChoice("cpu", "CPU", True),
            DeviceChoice("cuda", "GPU (CUDA)" if ok else "GPU (CUDA): not available", ok, why)]
