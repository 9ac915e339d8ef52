"""Melody <-> MusicVAE-style event tokens, one token per 16th-note step.

Vocabulary (``VOCAB_SIZE`` = 130):

* ``HOLD`` (0): no event; the sounding note (or silence) continues.
* ``NOTE_OFF`` (1): the sounding note stops; silence follows.
* ``2 + p`` for MIDI pitch ``p`` in 0..127: a new note starts (ending any previous one).

This is Magenta's ``MELODY_NO_EVENT`` / ``MELODY_NOTE_OFF`` / pitch encoding with fixed
offsets, so token ids never depend on a pitch range chosen at training time.
"""

from __future__ import annotations

import numpy as np

from .melody import TICKS_PER_STEP, Melody, Note

HOLD = 0
NOTE_OFF = 1
PITCH_OFFSET = 2
VOCAB_SIZE = 130


def pitch_token(pitch: int) -> int:
    return PITCH_OFFSET + pitch


def melody_to_events(melody: Melody, num_steps: int | None = None, start_step: int = 0) -> np.ndarray:
    """Encode the monophonic, 16th-quantized melody as ``num_steps`` tokens from ``start_step``.

    Notes before ``start_step`` are ignored; a note running past the end is cut. Gaps
    between notes become ``NOTE_OFF`` followed by ``HOLD``.
    """
    mono = melody.quantized().monophonic()
    if num_steps is None:
        num_steps = max(0, -(-mono.end_tick // TICKS_PER_STEP) - start_step)
    events = np.full(num_steps, HOLD, dtype=np.int64)
    prev_end = None  # step at which the previous note ended (exclusive)
    for n in mono.notes:
        s = n.start // TICKS_PER_STEP - start_step
        e = n.end // TICKS_PER_STEP - start_step
        if s < 0 or s >= num_steps:
            continue
        if prev_end is not None and 0 <= prev_end < s:
            events[prev_end] = NOTE_OFF
        events[s] = pitch_token(n.pitch)
        prev_end = e
    if prev_end is not None and 0 <= prev_end < num_steps:
        events[prev_end] = NOTE_OFF
    return events


def events_to_notes(events, velocity: int = 100, start_step: int = 0) -> list[Note]:
    """Decode tokens back to notes (a note lasts until the next NOTE_OFF or note-on)."""
    notes: list[Note] = []
    pitch = None
    onset = 0
    for i, tok in enumerate(list(np.asarray(events).tolist()) + [NOTE_OFF]):
        if tok == HOLD:
            continue
        if pitch is not None:
            notes.append(Note((start_step + onset) * TICKS_PER_STEP,
                              (start_step + i) * TICKS_PER_STEP, pitch, velocity))
            pitch = None
        if tok >= PITCH_OFFSET:
            pitch, onset = int(tok) - PITCH_OFFSET, i
    return notes


def events_to_melody(events, qpm: float = 120.0, time_signature=(4, 4), program: int = 0,
                     name: str = "Melody", velocity: int = 100) -> Melody:
    return Melody(events_to_notes(events, velocity), qpm, tuple(time_signature), program, name)
