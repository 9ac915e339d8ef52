"""Dataset statistics for the Training tab's plots, computed from token windows (no Qt).

Windows overlap (hop one bar), so counts are per window position, which is what the model sees.
"""

from __future__ import annotations

import numpy as np

from ..music.events import HOLD, PITCH_OFFSET

MAX_LENGTH = 32  # note lengths above this many 16ths share the last bin


def dataset_stats(windows: np.ndarray, steps_per_bar: int = 16) -> dict:
    """``pitch_counts`` (128), ``density`` (note onsets per bar, per window) and ``length_counts``
    (index i = notes lasting i 16ths, last bin = longer)."""
    w = np.asarray(windows).astype(np.int64)
    if w.ndim != 2 or len(w) == 0:
        return {"windows": 0, "pitch_counts": np.zeros(128, np.int64), "density": np.zeros(0),
                "length_counts": np.zeros(MAX_LENGTH + 1, np.int64)}
    onsets = w >= PITCH_OFFSET
    pitch_counts = np.bincount((w[onsets] - PITCH_OFFSET).ravel(), minlength=128)[:128]
    density = onsets.sum(1) / (w.shape[1] / steps_per_bar)
    # a note lasts from its onset to the next non-HOLD token (or the window's end)
    events = w != HOLD
    lengths = []
    for row_onsets, row_events in zip(onsets, events, strict=True):
        pos = np.flatnonzero(row_events)
        starts = np.flatnonzero(row_onsets)
        ends = np.append(pos, w.shape[1])
        nxt = ends[np.searchsorted(pos, starts, side="right")]
        lengths.append(nxt - starts)
    lengths = np.minimum(np.concatenate(lengths), MAX_LENGTH) if lengths else np.zeros(0, np.int64)
    return {"windows": len(w), "pitch_counts": pitch_counts, "density": density,
            "length_counts": np.bincount(lengths, minlength=MAX_LENGTH + 1)}
