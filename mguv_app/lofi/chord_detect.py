"""The chords of a song's own accompaniment, read from a MIDI file's other tracks, for the Band to play.

Why: a hobbyist often opens a song that already has its harmony (a piano or guitar track next to
the melody). Fitting chords to the melody alone would replace the song's real chords with guesses;
reading them from the accompaniment keeps the song itself. Per chord slot (half a bar of four
beats, a whole bar otherwise) the sounding pitch classes are weighted by duration, and the triad or
seventh chord that explains them best wins: its tones must carry most of the weight, a tone it
lacks costs, the lowest note on its root helps; another chord tone lowest names an inversion as a
slash chord (C/E), which the Band's bass then plays. A slot the accompaniment leaves silent or
unclear gets no chord, so the harmoniser fills it as usual.
"""

from __future__ import annotations

import numpy as np

from ..music.melody import TICKS_PER_QUARTER, Melody, Note
from .harmony import Key, estimate_key

# quality -> intervals above the root; simplest first (a tie goes to the triad)
TEMPLATES = {"": (4, 7), "m": (3, 7), "dim": (3, 6), "7": (4, 7, 10), "maj7": (4, 7, 11), "m7": (3, 7, 10),
             "m7b5": (3, 6, 10)}
MIN_SHARE = 0.75  # of the slot's sounding weight that the chord's tones must carry
MIN_BEATS = 0.5  # less sound than half a beat in a slot: no chord read there


def _slot_weights(rows: np.ndarray, a: int, b: int) -> tuple[np.ndarray, int | None]:
    """Pitch-class weights (beats sounding) in ``[a, b)`` and the pitch class of the lowest note
    sounding in the slot's first beat."""
    start, end, pitch = rows[:, 0], rows[:, 1], rows[:, 2]
    overlap = np.clip(np.minimum(end, b) - np.maximum(start, a), 0, None) / TICKS_PER_QUARTER
    w = np.bincount(pitch[overlap > 0] % 12, weights=overlap[overlap > 0], minlength=12)
    early = (start < a + TICKS_PER_QUARTER) & (end > a)
    bass = int(pitch[early].min() % 12) if early.any() else None
    return w, bass


def best_chord(w: np.ndarray, bass: int | None) -> tuple[int, str] | None:
    """``(root, quality)`` that explains the weights best, or None when no chord carries MIN_SHARE."""
    total = float(w.sum())
    if total < MIN_BEATS:
        return None
    best, best_score = None, -np.inf
    for quality, ints in TEMPLATES.items():
        for root in range(12):
            tones = [(root + i) % 12 for i in (0, *ints)]
            inside = float(w[tones].sum())
            if inside < MIN_SHARE * total:
                continue
            missing = sum(1 for t in tones if w[t] < 0.05 * total)
            score = inside - 0.7 * (total - inside) - 0.35 * total * missing + (0.3 * total if bass == root else 0.0)
            if score > best_score + 1e-9:
                best, best_score = (root, quality), score
    return best


def detect_chords(accompaniment, melody: Melody, key: Key | None = None) -> dict[int, str]:
    """``{slot start: "Am7"}`` read from ``accompaniment`` (rows of start, end, pitch, velocity, or Notes)."""
    if isinstance(accompaniment, np.ndarray):
        rows = accompaniment.astype(np.int64).reshape(-1, 4)
    else:
        rows = np.array([(n.start, n.end, n.pitch, n.velocity) for n in accompaniment], dtype=np.int64).reshape(-1, 4)
    if not len(rows):
        return {}
    key = key or estimate_key(melody.notes + [Note(int(a), int(b), int(p), int(v)) for a, b, p, v in rows[:2000]])
    out = {}
    for a, b in melody.meter_map.chord_slots(0, int(rows[:, 1].max())):  # the song's own bars, meter by meter
        weights, bass = _slot_weights(rows, a, b)
        found = best_chord(weights, bass)
        if found is not None:
            root, quality = found
            tones = {(root + i) % 12 for i in TEMPLATES[quality]}
            # an inversion keeps its bass: a chord tone other than the root under it is a slash chord (C/E)
            over = f"/{key.spell(bass)}" if bass is not None and bass != root and bass in tones else ""
            out[a] = key.spell(root) + quality + over
    return out
