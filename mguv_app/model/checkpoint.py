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


# What config.json may hold besides ``format_version`` and ``model``, and which code writes it: the training
# loop (name, steps, time_signature, role, data), ship_model (fine_tuned_from, sample_temperature), the model list
# (kind, created, run, metrics, complete), widen_decoder (widened_from), personalize (base, windows, files).
# A key not named here is refused by name: a misspelt setting must not be ignored.
META_KEYS = ("name", "steps", "data", "time_signature", "role", "sample_temperature", "fine_tuned_from", "kind",
             "created", "run", "metrics", "complete", "widened_from", "base", "windows", "files")
ROLES = ("phrase", "melody")  # config.config_role: a phrase model, or (the default) a melody model


def read_config(folder: str | Path) -> dict:
    """``folder/config.json``, checked against its schema (``check_config``); :class:`CheckpointError` naming the
    file and the field otherwise."""
    path = Path(folder) / CONFIG
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{folder}: not a model folder (no {CONFIG})") from None
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: unreadable config ({exc})") from None
    if not isinstance(config, dict) or "model" not in config:
        raise CheckpointError(f"{path}: not an MGU-V model config")
    try:
        check_config(config)
    except ValueError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    return config


def check_config(config: dict) -> None:
    """ValueError naming the first field of a model's config.json that is wrong: a format this version cannot
    read, an unknown key, a model setting out of range (``ModelConfig``), a ``sample_temperature`` that is not a
    finite number from 0 to 5, a ``time_signature`` no melody can have."""
    import math

    from ..music.melody import checked_time_signature

    version = config.get("format_version", FORMAT_VERSION)  # hand-made folders may leave it out
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        newer = " (saved by a newer MGU-V)" if isinstance(version, int) and version > FORMAT_VERSION else ""
        raise ValueError(f"format_version {version!r}: this version of MGU-V reads format {FORMAT_VERSION}{newer}")
    unknown = sorted(set(config) - {"format_version", "model", *META_KEYS})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    if not isinstance(config["model"], dict):
        raise ValueError("model must be an object of the network's settings")
    try:
        ModelConfig.from_dict(config["model"])
    except TypeError as exc:
        raise ValueError(f"model: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"model.{exc}" if not str(exc).startswith("unknown") else f"model: {exc}") from None
    if "sample_temperature" in config:
        t = config["sample_temperature"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or not 0 <= t <= 5:
            raise ValueError(f"sample_temperature must be a number from 0 to 5, not {t!r}")
    if "time_signature" in config:
        ts = config["time_signature"]
        if not (isinstance(ts, list) and len(ts) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                              for v in ts)):
            raise ValueError(f"time_signature must be [beats, beat unit], e.g. [3, 4], not {ts!r}")
        try:
            checked_time_signature(*ts)
        except ValueError as exc:
            raise ValueError(f"time_signature {ts!r}: {exc}") from None
    if "role" in config and config["role"] not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {config['role']!r}")
    for key, kind in (("name", str), ("steps", int)):
        if key in config and (not isinstance(config[key], kind) or isinstance(config[key], bool)):
            raise ValueError(f"{key} must be a {'text' if kind is str else 'whole number'}, not {config[key]!r}")


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
    for name, tensor in state.items():  # a NaN weight turns every output into NaN: refuse it here, by name
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"{folder / WEIGHTS}: the weights '{name}' hold NaN or infinite values")
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
