"""Scan speed of ``mguv_app.training.data.scan_folder`` on a generated folder of MIDI files.

Prints one JSON object: cold scan (no cache, worker processes) and warm re-scan (per-file cache).
Run: ``.venv/bin/python benchmarks/bench_scan.py [--files 1000] [--bars 24] [--workers N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.music import Melody, Note, write_midi
from mguv_app.training.data import scan_folder


def song(bars: int, seed: int) -> Melody:
    """A random-walk melody in C major with mixed note lengths and some rests."""
    rng = random.Random(seed)
    scale = [0, 2, 4, 5, 7, 9, 11]
    degree, notes, t, end = 7, [], 0, bars * 1920
    while t < end:
        dur = rng.choice([120, 240, 240, 480, 960])
        degree = max(0, min(20, degree + rng.choice([-2, -1, -1, 1, 1, 2, 0])))
        if rng.random() > 0.1:
            pitch = 48 + 12 * (degree // 7) + scale[degree % 7]
            notes.append(Note(t, min(end, t + dur), pitch, rng.randint(70, 110)))
        t += dur
    return Melody(notes, qpm=rng.choice([90.0, 110.0, 128.0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--bars", type=int, default=24, help="bars per generated song")
    ap.add_argument("--window-bars", type=int, default=16)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "songs"
        os.environ["MGUV_CACHE_DIR"] = str(Path(tmp) / "cache")
        t0 = time.perf_counter()
        for i in range(args.files):
            write_midi(song(args.bars, i), folder / f"{i // 100:02d}" / f"song_{i:04d}.mid")
        (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06")
        made = time.perf_counter() - t0
        t0 = time.perf_counter()
        ws = scan_folder(folder, args.window_bars, workers=args.workers, cache=True)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = scan_folder(folder, args.window_bars, workers=args.workers, cache=True)
        warm = time.perf_counter() - t0
    r = ws.report
    print(json.dumps({
        "files": r.files, "read": r.read, "refused": len(r.refused), "windows": r.windows,
        "cold_seconds": round(cold, 2), "cold_files_per_s": round(r.files / cold, 1),
        "warm_seconds": round(warm, 2), "warm_files_per_s": round(r.files / warm, 1),
        "warm_agrees": bool(again.report.windows == r.windows),
        "workers": args.workers or min(8, os.cpu_count() or 1), "cpus": os.cpu_count(),
        "generate_seconds": round(made, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
