"""The record every dataset reader returns: one song as 16-step bars of event tokens.

Readers differ (performance-timed POP909, quantized lead sheets, ABC folk tunes) but all
end in the same shape, so de-duplication, splitting and windowing never care where a song
came from. A song is a list of *segments*: runs of consecutive regular 4/4 bars. A
segment break marks an irregular bar that was cut out, so no window ever spans one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mguv_app.music import NOTE_OFF, PITCH_OFFSET, Melody, melody_to_events

STEPS_PER_BAR = 16
TOKEN_DTYPE = np.int16


@dataclass
class Song:
    source: str
    song_id: str  # unique within the source (file stem, POP909 number, tune number)
    title: str
    segments: list[np.ndarray] = field(default_factory=list)  # each int16, length a multiple of 16
    path: str = ""

    @property
    def key(self) -> str:
        return f"{self.source}/{self.song_id}"

    @property
    def num_bars(self) -> int:
        return sum(len(s) for s in self.segments) // STEPS_PER_BAR

    @property
    def num_notes(self) -> int:
        return int(sum(int((s >= PITCH_OFFSET).sum()) for s in self.segments))


@dataclass
class Rejected:
    source: str
    path: str
    reason: str  # one line a person can act on


# time signatures whose bar is 16 sixteenths (or 8, paired into 16): everything else is dropped
DUPLE_METERS = {(4, 4): 1, (2, 2): 1, (2, 4): 2}


def meter_ok(ts: tuple[int, int]) -> bool:
    return tuple(ts) in DUPLE_METERS


def melody_tokens(melody: Melody) -> np.ndarray:
    """The whole melody as tokens, padded with silence to a whole number of 16-step bars.

    2/4 and 2/2 melodies have the same 16th grid; their bars are re-read as 4/4 bars
    (two 2/4 bars make one), which only changes where the barlines fall.
    """
    steps = melody_to_events(melody)
    n = -(-len(steps) // STEPS_PER_BAR) * STEPS_PER_BAR
    out = np.zeros(n, dtype=TOKEN_DTYPE)
    out[: len(steps)] = steps
    if len(steps) < n and len(steps) and melody.notes:
        # the last note ended exactly at the end of `steps`: close it so padding reads as silence
        out[len(steps)] = NOTE_OFF
    return out
