"""Spherical interpolation between latents: numpy only, so map and job code need no torch to import."""

from __future__ import annotations

import math

import numpy as np


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation (falls back to linear when a and b are nearly parallel)."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-8 or nb < 1e-8:
        return (1 - t) * a + t * b
    omega = math.acos(float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0)))
    if omega < 1e-4:
        return (1 - t) * a + t * b
    return (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)
