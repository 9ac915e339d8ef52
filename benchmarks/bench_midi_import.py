"""MIDI import throughput: our importer (symusic + melody extraction) against pretty_midi, same files.

    .venv/bin/python benchmarks/bench_midi_import.py [FOLDER ...] [--limit N]

Without a folder it writes 300 generated multi-track files to a temp folder. Prints JSON:
files/s for ``mguv_app.music.read_midi`` (parse + melody choice + quantize) and for
``pretty_midi.PrettyMIDI`` (parse only), each over the same files in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _generated(folder: Path, n: int) -> list[Path]:
    from mguv_app.music import Melody, Note, write_midi

    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        t, notes = 0, []
        for _ in range(400):
            d = int(rng.choice([120, 240, 480]))
            notes.append(Note(t, t + d, int(rng.integers(48, 84)), int(rng.integers(40, 120))))
            t += d
        bass = Melody([Note(s * 1920, s * 1920 + 1800, 36 + s % 12) for s in range(50)], name="Bass")
        p = folder / f"gen_{i:04d}.mid"
        write_midi(Melody(notes, qpm=110), p, extra_tracks=[(bass, False)])
        paths.append(p)
    return paths


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("folders", nargs="*")
    p.add_argument("--limit", type=int, default=1000)
    args = p.parse_args(argv)
    from mguv_app.music import MidiImportError, iter_midi_files, read_midi

    tmp = None
    if args.folders:
        files = iter_midi_files(args.folders)[: args.limit]
    else:
        tmp = tempfile.TemporaryDirectory()
        files = _generated(Path(tmp.name), min(args.limit, 300))
    import pretty_midi

    for f in files[:5]:  # warm caches and imports for both
        try:
            read_midi(f)
            pretty_midi.PrettyMIDI(str(f))
        except Exception:
            pass
    t0 = time.perf_counter()
    ok = refused = 0
    for f in files:
        try:
            read_midi(f)
            ok += 1
        except MidiImportError:
            refused += 1
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    pm_ok = 0
    for f in files:
        try:
            pretty_midi.PrettyMIDI(str(f))
            pm_ok += 1
        except Exception:
            pass
    theirs = time.perf_counter() - t0
    print(json.dumps({"files": len(files), "source": args.folders or "generated (2 tracks, ~450 notes)",
                      "mguv_read_midi_files_per_s": round(len(files) / ours, 1), "mguv_read": ok,
                      "mguv_refused": refused, "pretty_midi_files_per_s": round(len(files) / theirs, 1),
                      "pretty_midi_read": pm_ok, "speedup": round(theirs / ours, 1)}))
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
