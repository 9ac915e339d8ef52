"""Write the 12-bar demo melody used for the README screenshot: `python make_demo_melody.py OUT.mid`."""

import sys

from mguv_app.music import Melody, Note, write_midi

# (pitch, sixteenths) per bar; 0 = rest. A minor, with a rising answer and a cadence.
PHRASES = [
    [(69, 4), (72, 2), (71, 2), (69, 4), (64, 4)],
    [(65, 3), (67, 1), (69, 4), (67, 2), (65, 2), (64, 4)],
    [(62, 2), (64, 2), (65, 4), (69, 4), (72, 4)],
    [(71, 6), (69, 2), (68, 8)],
    [(69, 4), (72, 2), (76, 2), (74, 4), (72, 4)],
    [(71, 2), (72, 2), (74, 4), (76, 6), (0, 2)],
    [(77, 2), (76, 2), (74, 2), (72, 2), (71, 4), (69, 4)],
    [(68, 4), (71, 4), (76, 8)],
    [(81, 4), (79, 2), (77, 2), (76, 4), (74, 4)],
    [(72, 2), (74, 2), (76, 4), (72, 4), (69, 4)],
    [(71, 3), (72, 1), (74, 4), (68, 4), (71, 4)],
    [(69, 12), (0, 4)],
]


def demo_melody() -> Melody:
    notes, t = [], 0
    for b, bar in enumerate(PHRASES):
        for k, (pitch, sixteenths) in enumerate(bar):
            dur = sixteenths * 120
            if pitch:
                accent = 112 if k == 0 else 84 + (pitch % 5) * 6
                notes.append(Note(t, t + dur, pitch, min(127, accent - (b % 4) * 4)))
            t += dur
    return Melody(notes, qpm=96, name="Demo in A minor")


if __name__ == "__main__":
    write_midi(demo_melody(), sys.argv[1] if len(sys.argv) > 1 else "demo.mid")
