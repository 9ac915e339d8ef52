"""Saving into songs, on real files: does a save keep everything but the melody, and the melody too?

For every MIDI file under the given folders: open it as the app does (``read_midi``), find its
melody's track (``locate_song``), write it back with its melody unchanged and then with the melody
transposed (``song_bytes``), and check that
* every track chunk but the melody's is byte for byte the same,
* reading the result gives the melody that was written, and the same accompaniment, tempo and meter.
Prints JSON: how many files were songs whose melody is one track, how many round-trips held, the
failures (at most 20 named), and the mean seconds per locate and per save.

Run: ``.venv/bin/python benchmarks/bench_song_roundtrip.py FOLDER...`` (e.g. the POP909 and OpenEWLD
folders of ``../shared/datasets``; nothing is written there).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.music import MidiImportError, iter_midi_files, read_midi
from mguv_app.music.song_file import _chunks, locate_song, song_bytes


def check(path: Path, out: dict, times: dict) -> None:
    try:
        imported = read_midi(path)
    except MidiImportError:
        out["unreadable"] += 1
        return
    t = time.perf_counter()
    song = locate_song(path, imported)
    times["locate"].append(time.perf_counter() - t)
    if song is None:
        out["not_a_song" if imported.note_tracks < 2 else "melody_not_one_track"] += 1
        return
    out["songs"] += 1
    before = _chunks(song.data)[1]
    for shift in (0, 2):
        melody = imported.melody.transposed(shift)
        t = time.perf_counter()
        data = song_bytes(song, melody)
        times["save"].append(time.perf_counter() - t)
        after = _chunks(data)[1]
        again = read_midi(path, data=data, track=imported.track_index)
        problems = []
        if len(after) != len(before) or any(a != b for i, (a, b) in enumerate(zip(after, before, strict=False))
                                             if i != song.track):
            problems.append("another track changed")
        if again.melody.notes != melody.notes:
            problems.append("the melody read back differs")
        if again.accompaniment.shape != imported.accompaniment.shape or not np.array_equal(
                again.accompaniment, imported.accompaniment):
            problems.append("the accompaniment differs")
        if (again.melody.qpm, again.melody.time_signature) != (melody.qpm, melody.time_signature):
            problems.append("tempo or meter differs")
        if problems:
            out["failed"] += 1
            if len(out["failures"]) < 20:
                out["failures"].append(f"{path.name} (+{shift}): {', '.join(problems)}")
            return
    out["round_trips_held"] += 1


def main() -> int:
    files = iter_midi_files(sys.argv[1:])
    if not files:
        print("give folders of MIDI files", file=sys.stderr)
        return 2
    out = {"files": len(files), "unreadable": 0, "not_a_song": 0, "melody_not_one_track": 0, "songs": 0,
           "round_trips_held": 0, "failed": 0, "failures": []}
    times = {"locate": [], "save": []}
    for path in files:
        check(path, out, times)
    out["seconds_per_locate"] = round(statistics.fmean(times["locate"]), 4) if times["locate"] else None
    out["seconds_per_save"] = round(statistics.fmean(times["save"]), 4) if times["save"] else None
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
