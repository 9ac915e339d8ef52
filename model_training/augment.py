"""Training-time transposition augmentation (the corpus itself is never transposed).

Pure numpy so the training loop can call it on a batch of token windows before moving
them to the GPU. Each row gets its own random shift in ``[-max_shift, max_shift]``,
drawn uniformly among the shifts that keep every pitch of that row in ``[low, high]``
(a row that cannot move stays put). HOLD and NOTE_OFF are untouched.
"""

from __future__ import annotations

import numpy as np

from mguv_app.music import PITCH_OFFSET

from .windows import PITCH_HIGH, PITCH_LOW


def augment_transpose(tokens, rng: np.random.Generator, max_shift: int = 5,
                      low: int = PITCH_LOW, high: int = PITCH_HIGH) -> np.ndarray:
    """Return transposed copies of ``tokens`` ((steps,) or (batch, steps)), same dtype and shape."""
    arr = np.asarray(tokens)
    rows = arr.reshape(1, -1) if arr.ndim == 1 else arr
    is_note = rows >= PITCH_OFFSET
    pitches = np.where(is_note, rows.astype(np.int64) - PITCH_OFFSET, 0)
    has = is_note.any(axis=1)
    pmin = np.where(has, np.where(is_note, pitches, 10**6).min(axis=1), low)
    pmax = np.where(has, np.where(is_note, pitches, -(10**6)).max(axis=1), high)
    lo = np.maximum(-max_shift, low - pmin)
    hi = np.minimum(max_shift, high - pmax)
    ok = lo <= hi
    lo, hi = np.where(ok, lo, 0), np.where(ok, hi, 0)
    shift = lo + np.floor(rng.random(len(rows)) * (hi - lo + 1)).astype(np.int64)
    out = np.where(is_note, rows.astype(np.int64) + shift[:, None], rows).astype(arr.dtype)
    return out.reshape(arr.shape)
