"""Generate over chosen chords: how much better the kept melodies fit, and what it costs, as JSON.

With chords chosen for the Band, Generate draws ``candidates`` samples per variation and keeps the one
that fits them best (``lofi.backing.chord_fit``, the harmoniser's measure). Reported per candidate count
(1 is the baseline: what Generate gives without chords), over four common progressions and 8 seeds of
4 variations each with the bundled model: mean fit, the share of notes on beats 1 and 3 that are chord
tones, notes per bar (the choice must not just favour sparse melodies), and seconds per Generate click
(4 variations of 16 bars) on this CPU.

Run: ``.venv/bin/python benchmarks/bench_generate_over_chords.py [--seeds 8]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.engine import TrainedModel
from mguv_app.generation import generate_variations
from mguv_app.lofi.backing import user_chords
from mguv_app.lofi.harmony import ChordSlot, estimate_key, strong_beat_fit

BAR = 1920
PROGRESSIONS = {  # (key for "In the roll's key", one chord a bar, repeated over 16 bars)
    "Am F C G": ((9, "Natural minor"), ["Am", "F", "C", "G"]),
    "C G Am F": ((0, "Major"), ["C", "G", "Am", "F"]),
    "ii-V-I in F": ((5, "Major"), ["Gm7", "C7", "Fmaj7", "Fmaj7"]),
    "12-bar blues in A": ((9, "Major"), ["A7", "A7", "A7", "A7", "D7", "D7", "A7", "A7", "E7", "D7", "A7", "E7"]),
}


def chords_of(names: list[str], bars: int = 16) -> dict[int, str]:
    return {b * BAR + h * BAR // 2: names[b % len(names)] for b in range(bars) for h in range(2)}


def tone_share(melody, chords: dict[int, str]) -> float:
    song = melody.copy()
    song.chords = chords
    fixed = user_chords(song, estimate_key(melody.notes))
    hit, total = strong_beat_fit(melody, [ChordSlot(t, t + BAR // 2, c) for t, c in fixed.items()])
    return hit / total if total else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--candidates", default="1,4,8,16")
    args = ap.parse_args()
    tm = TrainedModel(device="cpu")
    rows = []
    for n in [int(x) for x in args.candidates.split(",")]:
        fits, shares, seconds, density = [], [], [], []
        for key, names in PROGRESSIONS.values():
            chords = chords_of(names)
            for seed in range(args.seeds):
                t0 = time.perf_counter()
                res = generate_variations(tm, 4, 16, tm.sample_temperature, seed * 10, key=key, chords=chords,
                                          candidates=n)
                seconds.append(time.perf_counter() - t0)
                fits += res.meta["chord_fit"]
                shares += [tone_share(m, chords) for m in res.melodies]
                density += [len(m.notes) / 16 for m in res.melodies]
        rows.append({"candidates": n, "mean_fit": round(statistics.mean(fits), 3),
                     "strong_beat_chord_tones": round(statistics.mean(shares), 3),
                     "notes_per_bar": round(statistics.mean(density), 2),
                     "seconds_per_generate": round(statistics.median(seconds), 3)})
    print(json.dumps({"model": tm.name if hasattr(tm, "name") else "bundled", "progressions": list(PROGRESSIONS),
                      "seeds": args.seeds, "variations": 4, "bars": 16, "results": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
