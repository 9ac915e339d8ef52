"""The record every dataset reader returns: one song as model bars of event tokens.

Readers differ (performance-timed POP909, quantized lead sheets, ABC folk tunes) but all
end in the same shape, so de-duplication, splitting and windowing never care where a song
came from. A song is a list of *segments*: runs of consecutive regular bars. A
segment break marks an irregular bar that was cut out, so no window ever spans one.

A corpus has one :class:`BarShape`: the 4/4 family (16-step bars; 2/2 too, 2/4 bars paired),
3/4 or 6/8 (12-step bars, in three beats or in two). A model learns one shape, since where the
strong beats fall is most of what makes a waltz a waltz, or a jig a jig.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from mguv_app.music import NOTE_OFF, PITCH_OFFSET, Melody, melody_to_events

STEPS_PER_BAR = 16
TOKEN_DTYPE = np.int16


@dataclass(frozen=True)
class BarShape:
    """The meters one corpus keeps, and the length of its bars in 16th steps."""

    name: str  # "4/4" or "3/4": also the --meter value and what config.json records
    steps: int  # 16th steps in one model bar
    meters: tuple[tuple[int, int], ...]  # time signatures kept (a shorter one's bars are paired)
    abc_bars: dict = field(default_factory=dict)  # ABC M: field -> quarters in one of its bars

    @property
    def time_signature(self) -> tuple[int, int]:
        num, den = self.name.split("/")
        return int(num), int(den)

    def keeps(self, ts) -> bool:
        return tuple(ts) in self.meters

    def describe(self) -> str:
        """"4/4, 2/2 or 2/4": the meters, for a rejection reason."""
        names = [f"{a}/{b}" for a, b in self.meters]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


FOUR_FOUR = BarShape("4/4", 16, ((4, 4), (2, 2), (2, 4)),
                     {"4/4": Fraction(4), "C": Fraction(4), "2/2": Fraction(4), "C|": Fraction(4), "2/4": Fraction(2)})
THREE_FOUR = BarShape("3/4", 12, ((3, 4),), {"3/4": Fraction(3)})
# 6/8 bars are as long as 3/4 ones but fall in two dotted-quarter beats: jigs, barcarolles, many folk songs
SIX_EIGHT = BarShape("6/8", 12, ((6, 8),), {"6/8": Fraction(3)})
SHAPES = {s.name: s for s in (FOUR_FOUR, THREE_FOUR, SIX_EIGHT)}


@dataclass
class Song:
    source: str
    song_id: str  # unique within the source (file stem, POP909 number, tune number)
    title: str
    segments: list[np.ndarray] = field(default_factory=list)  # each int16, length a multiple of steps_per_bar
    path: str = ""
    steps_per_bar: int = STEPS_PER_BAR

    @property
    def key(self) -> str:
        return f"{self.source}/{self.song_id}"

    @property
    def num_bars(self) -> int:
        return sum(len(s) for s in self.segments) // self.steps_per_bar

    @property
    def num_notes(self) -> int:
        return int(sum(int((s >= PITCH_OFFSET).sum()) for s in self.segments))


@dataclass
class Rejected:
    source: str
    path: str
    reason: str  # one line a person can act on


def melody_tokens(melody: Melody, steps_per_bar: int = STEPS_PER_BAR) -> np.ndarray:
    """The whole melody as tokens, padded with silence to a whole number of model bars.

    2/4 and 2/2 melodies have the same 16th grid; their bars are re-read as 4/4 bars
    (two 2/4 bars make one), which only changes where the barlines fall.
    """
    steps = melody_to_events(melody)
    n = -(-len(steps) // steps_per_bar) * steps_per_bar
    out = np.zeros(n, dtype=TOKEN_DTYPE)
    out[: len(steps)] = steps
    if len(steps) < n and len(steps) and melody.notes:
        # the last note ended exactly at the end of `steps`: close it so padding reads as silence
        out[len(steps)] = NOTE_OFF
    return out
