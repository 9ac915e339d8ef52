"""The map's reference points: the model's own reference melodies, or samples from its prior.

A model folder may carry ``reference_latents.npy`` (n, latent) with ``reference_latents.json``
(``{"labels": [...]}``): the latent means of a few dozen corpus melodies, written at training
time. Without them the map shows prior samples: z ~ N(0, I) decoded greedily and encoded
again, so the points sit where the encoder puts real melodies (the PCA is fitted on these).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import numpy as np

LATENTS_FILE = "reference_latents.npy"
LABELS_FILE = "reference_latents.json"


def _stored(model) -> list[tuple] | None:
    path = model.folder / LATENTS_FILE
    if not path.exists():
        return None
    try:
        z = np.load(path, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError):
        return None
    if z.ndim != 2 or z.shape[1] != model.cfg.latent_dim or len(z) == 0 or not np.isfinite(z).all():
        return None
    labels = []
    with contextlib.suppress(OSError, ValueError, AttributeError):  # labels are optional
        labels = list(json.loads((model.folder / LABELS_FILE).read_text()).get("labels", []))
    return [("reference", str(labels[i]) if i < len(labels) else f"reference {i + 1}", z[i], None)
            for i in range(len(z))]


def reference_points(model, n: int = 40, seed: int = 0,
                     check: Callable[[], None] | None = None) -> list[tuple]:
    """``(source, label, z, melody)`` tuples for the map (melody None when only the latent is known)."""
    stored = _stored(model)
    if stored is not None:
        return stored
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, model.cfg.latent_dim)).astype(np.float32)
    melodies = []
    for chunk in range(0, n, 8):  # chunks, so a cancel is noticed between model calls
        if check:
            check()
        melodies += model.decode(z[chunk:chunk + 8])
    if check:
        check()
    mu, _ = model.encode(melodies)
    for i, m in enumerate(melodies):
        m.name = f"Prior sample {i + 1}"
    return [("prior", f"prior sample {i + 1}", mu[i], melodies[i]) for i in range(n)]
