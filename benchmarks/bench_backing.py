"""Band benchmark: how long fitting a backing band to a melody takes, and how well it fits, as JSON.

The transport's Band fits ``mguv_app.lofi.backing.backing_for`` on a worker thread after each pause
in editing, and File → Export with Backing Band calls it directly, so its time per bar is what a
user waits for. Reported for melodies of 8 to 128 bars (real melodies from the bundled model's
reference set when a corpus is not given, tiled to length): median seconds of ``backing_for``, ms
per bar, and the share of melody notes on beats 1 and 3 that are chord tones, against the same
melodies over a seeded random diatonic progression (the baseline, in the same run).

Run: ``.venv/bin/python benchmarks/bench_backing.py [--repeats 5] [--corpus data/corpus.npz]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from mguv_app.lofi.backing import backing_for
from mguv_app.lofi.harmony import random_progression, strong_beat_fit
from mguv_app.music import Melody, events_to_notes


def melodies(corpus: str | None, count: int) -> list[Melody]:
    """16-bar melodies: held-out test windows when a corpus is given, else demo-like generated ones."""
    if corpus:
        with np.load(corpus) as data:
            windows = data["test_16"][:count]
        return [Melody(events_to_notes(w), qpm=100.0) for w in windows]
    from mguv_app.engine import TrainedModel

    tm = TrainedModel(device="cpu")
    return tm.sample(count, 16, tm.sample_temperature, seed=0)


def tiled(m: Melody, bars: int) -> Melody:
    span = 16 * m.ticks_per_bar
    notes = [n.moved(dt=k * span) for k in range(-(-bars // 16)) for n in m.notes]
    end = bars * m.ticks_per_bar
    return m.copy([n for n in notes if n.start < end])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--melodies", type=int, default=8)
    ap.add_argument("--corpus", default=None)
    args = ap.parse_args()
    base = [m for m in melodies(args.corpus, args.melodies) if m.notes]
    rows = []
    for bars in (8, 16, 32, 64, 128):
        times, fit, baseline = [], [0, 0], [0, 0]
        for i, m in enumerate(base):
            song = tiled(m, bars)
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                b = backing_for(song, seed=i)
                times.append(time.perf_counter() - t0)
            hit, total = strong_beat_fit(song, b.slots)
            fit[0] += hit
            fit[1] += total
            rnd = random_progression(b.key, bars * song.ticks_per_bar, song.ticks_per_bar, np.random.default_rng(i))
            hit, total = strong_beat_fit(song, rnd)
            baseline[0] += hit
            baseline[1] += total
        med = statistics.median(times)
        rows.append({"bars": bars, "median_s": round(med, 4), "ms_per_bar": round(1000 * med / bars, 2),
                     "chord_tone_share": round(fit[0] / max(1, fit[1]), 3),
                     "baseline_random_progression": round(baseline[0] / max(1, baseline[1]), 3)})
    print(json.dumps({"melodies": len(base), "source": args.corpus or "bundled model samples",
                      "repeats": args.repeats, "results": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
