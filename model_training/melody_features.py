"""Per-melody musical features on event tokens (HOLD=0, NOTE_OFF=1, 2+pitch), 16 steps per bar.

The features of Yang & Lerch (2020, "On the evaluation of generative models in music")
that a monophonic 16th-grid melody supports, plus the two from the MusicVAE/C-RNN-GAN
line of work the issue asks for. All are computed from note onsets (each note counted
once, not weighted by duration), so a long held note does not dominate:

* ``pitch_class_entropy``: Shannon entropy (bits, 0..log2 12) of the onset pitch-class histogram.
* ``scale_consistency``: the largest fraction of notes that fit one scale, over the 12
  major scales (= the natural minors: same pitch sets) and the 12 harmonic minor scales.
* ``note_density``: note onsets per bar.
* ``empty_beat_rate``: fraction of beats (4 steps) in which no note sounds at all.
* ``pitch_range``: highest minus lowest pitch, in semitones.
* intervals: signed semitone steps between consecutive notes (a set-level histogram).

A melody without notes has NaN for the pitch features (they are left out of the set's
distribution), note density 0 and empty-beat rate 1.
"""

from __future__ import annotations

import numpy as np

from mguv_app.music import NOTE_OFF, PITCH_OFFSET, Melody, melody_to_events

STEPS_PER_BEAT, STEPS_PER_BAR = 4, 16
FEATURES = ("pitch_class_entropy", "scale_consistency", "note_density", "empty_beat_rate", "pitch_range")
INTERVAL_CLIP = 12  # intervals beyond an octave are counted in the +-13 bins

_MAJOR = np.array([0, 2, 4, 5, 7, 9, 11])
_HARMONIC_MINOR = np.array([0, 2, 3, 5, 7, 8, 11])
SCALES = np.zeros((24, 12), dtype=bool)  # rows: 12 major (= natural minor) sets, then 12 harmonic minor
for _root in range(12):
    SCALES[_root, (_MAJOR + _root) % 12] = True
    SCALES[12 + _root, (_HARMONIC_MINOR + _root) % 12] = True


def as_tokens(item) -> np.ndarray:
    """Token array from tokens or a :class:`Melody` (padded to whole 16-step bars)."""
    if isinstance(item, Melody):
        steps = max(1, item.num_bars) * STEPS_PER_BAR if item.time_signature == (4, 4) else None
        return np.asarray(melody_to_events(item, num_steps=steps), dtype=np.int64)
    return np.asarray(item, dtype=np.int64).ravel()


def onset_pitches(tokens: np.ndarray) -> np.ndarray:
    return tokens[tokens >= PITCH_OFFSET] - PITCH_OFFSET


def sounding(tokens: np.ndarray) -> np.ndarray:
    """Boolean per step: is a note sounding (its onset step included)?"""
    events = np.flatnonzero(tokens != 0)
    if not len(events):
        return np.zeros(len(tokens), dtype=bool)
    last = np.full(len(tokens), -1)
    last[events] = events
    last = np.maximum.accumulate(last)
    state = np.where(last >= 0, tokens[np.maximum(last, 0)], NOTE_OFF)
    return state >= PITCH_OFFSET


def scale_consistency(pitches: np.ndarray) -> float:
    if not len(pitches):
        return float("nan")
    counts = np.bincount(pitches % 12, minlength=12)
    return float((SCALES @ counts).max() / len(pitches))


def features(item) -> dict[str, float]:
    tokens = as_tokens(item)
    p = onset_pitches(tokens)
    bars = max(1, -(-len(tokens) // STEPS_PER_BAR))
    beats = -(-len(tokens) // STEPS_PER_BEAT)
    snd = np.zeros(beats * STEPS_PER_BEAT, dtype=bool)
    snd[: len(tokens)] = sounding(tokens)
    if len(p):
        hist = np.bincount(p % 12, minlength=12) / len(p)
        nz = hist[hist > 0]
        entropy = float(-(nz * np.log2(nz)).sum()) + 0.0
        prange = float(p.max() - p.min())
    else:
        entropy = prange = float("nan")
    return {
        "pitch_class_entropy": entropy,
        "scale_consistency": scale_consistency(p),
        "note_density": len(p) / bars,
        "empty_beat_rate": float((~snd.reshape(beats, STEPS_PER_BEAT).any(axis=1)).mean()) if beats else 1.0,
        "pitch_range": prange,
    }


def intervals(item) -> np.ndarray:
    p = onset_pitches(as_tokens(item))
    return np.clip(np.diff(p), -INTERVAL_CLIP - 1, INTERVAL_CLIP + 1)


def interval_histogram(items) -> np.ndarray:
    """Normalised histogram over bins -13..13 (the end bins collect larger leaps)."""
    counts = np.zeros(2 * INTERVAL_CLIP + 3)
    for it in items:
        iv = intervals(it)
        counts += np.bincount(iv + INTERVAL_CLIP + 1, minlength=len(counts))
    total = counts.sum()
    return counts / total if total else counts
