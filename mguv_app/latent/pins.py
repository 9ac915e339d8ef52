"""Pinned map points A and B, kept across sessions with the project.

Where: one JSON file in the per-user data dir (``latent_pins.json``), keyed by the project
(the melody file's absolute path, or ``"untitled"``) and by the model (name + latent size),
because a latent only means something to the model that made it. A sidecar next to the
user's MIDI file was rejected: it would litter their folders and fail on read-only media.
A missing or corrupt file reads as "no pins"; saves are atomic.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..fileio import atomic_write
from ..paths import user_data_dir

FILE_NAME = "latent_pins.json"
VERSION = 1


def pins_file() -> Path:
    return user_data_dir() / FILE_NAME


def project_key(path: str | os.PathLike | None) -> str:
    return os.path.abspath(path) if path else "untitled"


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": VERSION, "projects": {}}
    if not isinstance(data, dict) or not isinstance(data.get("projects"), dict):
        return {"version": VERSION, "projects": {}}
    return data


def save_pins(project: str | None, model_key: str, pins: dict, path: Path | None = None) -> Path:
    """Store ``pins`` (name -> object with ``label``, ``source``, ``z``) for this project and model."""
    path = path or pins_file()
    data = _read(path)
    entry = {name: {"label": p.label, "source": p.source, "z": [float(x) for x in np.asarray(p.z).ravel()]}
             for name, p in pins.items()}
    data["projects"].setdefault(project_key(project), {})[model_key] = entry
    atomic_write(path, json.dumps(data, indent=1))
    return path


def load_pins(project: str | None, model_key: str, latent_dim: int, path: Path | None = None) -> dict:
    """``{name: (label, source, z)}`` saved for this project and model; entries of the wrong size are skipped."""
    entry = _read(path or pins_file())["projects"].get(project_key(project), {}).get(model_key, {})
    out = {}
    for name, p in entry.items() if isinstance(entry, dict) else ():
        try:
            z = np.asarray(p["z"], dtype=np.float32)
            if z.shape == (latent_dim,) and np.isfinite(z).all():
                out[name] = (str(p.get("label", name)), str(p.get("source", "pinned")), z)
        except (KeyError, TypeError, ValueError):
            continue
    return out
