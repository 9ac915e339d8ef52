"""Cutting songs into fixed-length training windows of whole bars (the song's own bar length).

A window is ``bars`` consecutive bars inside one segment (never across a cut-out
irregular bar), starting every ``hop`` bars. It is kept when at least half of its bars
(rounded up) contain a note onset, so long intros and instrumental breaks (POP909's
melody track is silent there) do not flood the corpus with silence, and when all of
its pitches lie in ``[low, high]``. A window's first token may be HOLD: a note held
over the barline from before the window reads as silence, exactly as
``melody_to_events(..., start_step=...)`` would encode it.
"""

from __future__ import annotations

import numpy as np

from mguv_app.music import PITCH_OFFSET

from .songs import TOKEN_DTYPE, Song

PITCH_LOW, PITCH_HIGH = 36, 96  # C2..C7: every kept window (and every transposition of it) stays here


def song_windows(song: Song, bars: int, hop: int = 1, low: int = PITCH_LOW, high: int = PITCH_HIGH):
    """(tokens of shape (n, bars*steps_per_bar), start bar of each window in the song's bar numbering,
    dropped counts)."""
    spb = song.steps_per_bar
    out, starts = [], []
    dropped = {"silent": 0, "pitch_range": 0}
    width = bars * spb
    need = -(-bars // 2)
    bar0 = 0
    for seg in song.segments:
        n_bars = len(seg) // spb
        if n_bars >= bars:
            grid = seg[: n_bars * spb].reshape(n_bars, spb)
            has_note = (grid >= PITCH_OFFSET).any(axis=1)
            for b in range(0, n_bars - bars + 1, hop):
                if has_note[b: b + bars].sum() < need:
                    dropped["silent"] += 1
                    continue
                w = seg[b * spb: b * spb + width]
                p = w[w >= PITCH_OFFSET] - PITCH_OFFSET
                if p.size and (p.min() < low or p.max() > high):
                    dropped["pitch_range"] += 1
                    continue
                out.append(w)
                starts.append(bar0 + b)
        bar0 += n_bars
    arr = np.stack(out).astype(TOKEN_DTYPE) if out else np.zeros((0, width), TOKEN_DTYPE)
    return arr, np.asarray(starts, dtype=np.int32), dropped
