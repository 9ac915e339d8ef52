"""Attribute vectors (MusicVAE section 5.3): latent directions for "denser", "higher", ...

For each attribute, the vector is the mean latent of the training windows in the top
quartile of that attribute minus the mean of the bottom quartile. Adding a multiple of it
to a melody's latent pushes the decoded melody along the attribute.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fileio import atomic_path
from ..music.events import PITCH_OFFSET

ATTRIBUTES_FILE = "attributes.safetensors"


def note_density(tokens: np.ndarray, steps_per_bar: int = 16) -> np.ndarray:
    """Note onsets per bar, per window."""
    return (tokens >= PITCH_OFFSET).sum(-1) / (tokens.shape[-1] / steps_per_bar)


def average_pitch(tokens: np.ndarray) -> np.ndarray:
    onsets = tokens >= PITCH_OFFSET
    pitch = np.where(onsets, tokens - PITCH_OFFSET, 0).sum(-1)
    return pitch / np.maximum(onsets.sum(-1), 1)


def syncopation(tokens: np.ndarray) -> np.ndarray:
    """Share of onsets that fall on off-beat 16ths (not on an 8th-note position)."""
    onsets = tokens >= PITCH_OFFSET
    off = onsets[..., 1::2].sum(-1)
    return off / np.maximum(onsets.sum(-1), 1)


ATTRIBUTE_FUNCTIONS = {"note_density": note_density, "average_pitch": average_pitch, "syncopation": syncopation}


def compute_attribute_vectors(tokens: np.ndarray, mu: np.ndarray) -> dict[str, np.ndarray]:
    """Top-quartile minus bottom-quartile mean latent for each attribute."""
    out = {}
    for name, fn in ATTRIBUTE_FUNCTIONS.items():
        values = fn(tokens)
        lo, hi = np.quantile(values, [0.25, 0.75])
        low, high = mu[values <= lo], mu[values >= hi]
        if len(low) and len(high) and hi > lo:
            out[name] = (high.mean(0) - low.mean(0)).astype(np.float32)
    return out


def attribute_vectors_from_windows(encode, windows: np.ndarray, limit: int = 4096,
                                   batch: int = 256) -> dict[str, np.ndarray]:
    """Vectors from up to ``limit`` windows (seeded pick); ``encode(tokens) -> mu`` is the model's encoder."""
    sample = windows[np.random.default_rng(0).permutation(len(windows))[:limit]].astype(np.int64)
    mu = np.concatenate([encode(sample[i: i + batch]) for i in range(0, len(sample), batch)])
    return compute_attribute_vectors(sample, mu)


def save_attribute_vectors(vectors: dict[str, np.ndarray], path: str | Path) -> None:
    import torch
    from safetensors.torch import save_file

    with atomic_path(path) as tmp:
        save_file({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in vectors.items()}, str(tmp))


def load_attribute_vectors(path: str | Path) -> dict[str, np.ndarray]:
    path = Path(path)
    if not path.exists():
        return {}
    from safetensors.numpy import load_file

    try:
        return {k: v.astype(np.float32) for k, v in load_file(str(path)).items()}
    except Exception:
        return {}  # attribute sliders are optional; a broken file only disables them
