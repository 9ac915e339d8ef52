"""PCA of latent means (plain numpy SVD): the 2-D map and its inverse "around" a latent.

Why the inverse is taken around a latent: the map shows 2 of the model's 128 latent
dimensions. Dragging the handle to map point ``p`` must change only what the map shows,
so the new latent is ``z = z_current + V^T (p - P(z_current))``: the shown coordinates
move to ``p`` and every direction the map does not show keeps ``z_current``'s value.
"""

from __future__ import annotations

import numpy as np


class LatentPCA:
    """Principal axes of a set of latents; ``components`` rows are orthonormal (k, latent)."""

    def __init__(self, mean: np.ndarray, components: np.ndarray, explained: np.ndarray | None = None):
        self.mean = np.asarray(mean, dtype=np.float32)
        self.components = np.asarray(components, dtype=np.float32)
        self.explained = np.zeros(len(self.components)) if explained is None else np.asarray(explained)

    @classmethod
    def fit(cls, latents: np.ndarray, k: int = 2) -> LatentPCA:
        """Fit on ``latents`` (n, d). Fewer than 2 points or a flat cloud still gives valid axes."""
        z = np.atleast_2d(np.asarray(latents, dtype=np.float64))
        if z.ndim != 2 or z.shape[0] == 0:
            raise ValueError("PCA needs at least one latent vector")
        n, d = z.shape
        k = min(k, d)
        mean = z.mean(0)
        centred = z - mean
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        comps = vt[:k]
        if comps.shape[0] < k:  # fewer points than axes: complete with unit vectors orthogonal to them
            basis = list(comps)
            for e in np.eye(d):
                v = e - sum(np.dot(e, b) * b for b in basis)
                if np.linalg.norm(v) > 1e-6:
                    basis.append(v / np.linalg.norm(v))
                if len(basis) == k:
                    break
            comps = np.stack(basis)
        # a deterministic sign: the largest-magnitude entry of each axis is positive
        signs = np.sign(comps[np.arange(k), np.abs(comps).argmax(1)])
        comps = comps * np.where(signs == 0, 1, signs)[:, None]
        var = s**2 / max(1, n - 1)
        explained = var[:k] / var.sum() if var.sum() > 0 else np.zeros(k)
        return cls(mean, comps, np.pad(explained, (0, k - len(explained))))

    @property
    def dim(self) -> int:
        return self.components.shape[1]

    def transform(self, latents: np.ndarray) -> np.ndarray:
        """Map coordinates (n, k) of latents (n, d); a single vector gives (k,)."""
        z = np.asarray(latents, dtype=np.float32)
        return (z - self.mean) @ self.components.T

    def inverse(self, points: np.ndarray) -> np.ndarray:
        """The latent on the PCA plane itself (off-map directions at the fitted mean)."""
        return self.mean + np.asarray(points, dtype=np.float32) @ self.components

    def inverse_around(self, point: np.ndarray, z_current: np.ndarray) -> np.ndarray:
        """``z_current`` moved so that its map position becomes ``point``; other directions kept."""
        z_current = np.asarray(z_current, dtype=np.float32)
        delta = np.asarray(point, dtype=np.float32) - self.transform(z_current)
        return (z_current + delta @ self.components).astype(np.float32)

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "components": self.components.tolist(),
                "explained": [float(x) for x in self.explained]}

    @classmethod
    def from_dict(cls, d: dict) -> LatentPCA:
        return cls(np.array(d["mean"]), np.array(d["components"]), np.array(d.get("explained", [])))
