"""The VAE network (``vae.py``), its config dataclasses and what a config.json says (``config.py``), and
safetensors checkpoints (``checkpoint.py``).

The network and checkpoints are imported on first use (PEP 562), so ``mguv_app.model.config`` loads
without PyTorch: the registry and the window read model configs and start torch-free.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "CheckpointError": "checkpoint", "load_model": "checkpoint", "save_model": "checkpoint",
    "ModelConfig": "config", "TrainConfig": "config",
    "MusicVAE": "vae", "kl_divergence": "vae", "vae_loss": "vae",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
