"""Checkpoints: ``model.safetensors`` + ``config.json`` (+ ``optimizer.safetensors`` to resume).

Nothing here unpickles: weights and optimizer moments are plain tensors in safetensors files,
everything else is JSON, so a model folder a user hands us cannot run code. A folder rebuilds
its model on its own (the config says which network to build).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..fileio import atomic_path, atomic_write
from .config import ModelConfig
from .vae import MusicVAE

FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
OPTIMIZER = "optimizer.safetensors"


class CheckpointError(Exception):
    """A model folder that cannot be loaded; the message says why."""


def save_model(model: MusicVAE, folder: str | Path, meta: dict | None = None, half: bool = False) -> Path:
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dtype = torch.float16 if half else torch.float32
    tensors = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    with atomic_path(folder / WEIGHTS) as tmp:
        save_file(tensors, str(tmp))
    config = {"format_version": FORMAT_VERSION, "model": model.cfg.to_dict(), **(meta or {})}
    atomic_write(folder / CONFIG, json.dumps(config, indent=2))
    return folder


def read_config(folder: str | Path) -> dict:
    path = Path(folder) / CONFIG
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{folder}: not a model folder (no {CONFIG})") from None
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: unreadable config ({exc})") from None
    if not isinstance(config, dict) or "model" not in config:
        raise CheckpointError(f"{path}: not an MGU-V model config")
    return config


def load_model(folder: str | Path, device: str | torch.device = "cpu") -> tuple[MusicVAE, dict]:
    """Rebuild the model described by ``folder/config.json`` and load its weights (float32)."""
    from safetensors.torch import load_file

    folder = Path(folder)
    config = read_config(folder)
    try:
        cfg = ModelConfig.from_dict(config["model"])
        model = MusicVAE(cfg)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{folder}: invalid model config ({exc})") from None
    try:
        state = load_file(str(folder / WEIGHTS))
    except FileNotFoundError:
        raise CheckpointError(f"{folder}: {WEIGHTS} is missing") from None
    except Exception as exc:  # safetensors raises its own error types for corrupt files
        raise CheckpointError(f"{folder / WEIGHTS}: corrupt weights file ({exc})") from None
    try:
        model.load_state_dict({k: v.float() for k, v in state.items()})
    except RuntimeError as exc:
        raise CheckpointError(f"{folder}: weights do not match the config ({str(exc).splitlines()[0]})") from None
    return model.to(device).eval(), config


def save_optimizer(optimizer: torch.optim.Optimizer, path: str | Path) -> None:
    """AdamW state as tensors: ``{param_index}.{name}`` (step, exp_avg, exp_avg_sq)."""
    from safetensors.torch import save_file

    tensors = {}
    for idx, st in optimizer.state_dict()["state"].items():
        for name, value in st.items():
            t = value if torch.is_tensor(value) else torch.tensor(value)
            tensors[f"{idx}.{name}"] = t.detach().to("cpu").contiguous()
    with atomic_path(path) as tmp:
        save_file(tensors, str(tmp))


def load_optimizer(optimizer: torch.optim.Optimizer, path: str | Path) -> None:
    from safetensors.torch import load_file

    flat = load_file(str(path))
    state: dict[int, dict] = {}
    for key, value in flat.items():
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = value
    sd = optimizer.state_dict()
    sd["state"] = state
    optimizer.load_state_dict(sd)
