"""Saving into a song: what opening and saving a big multi-track file cost, as JSON.

Builds a 16-track song (a 3,000-note melody and 15 parts of 6,000 notes with controllers, about
0.8 MB) and times, on this machine, ``locate_song`` (finding the melody's track chunk), ``parts()``
(the song's other tracks for the player), and ``song_bytes`` (the saved file) with the notes only,
and with tempo and chords changed too. The baseline is what the first version did: parse the whole
file with mido (``mido.MidiFile``), which every open and every save paid.

Run: ``.venv/bin/python benchmarks/bench_song_file.py``.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mido

from mguv_app.music import read_midi
from mguv_app.music.song_file import locate_song, song_bytes


def big_song(path: Path) -> None:
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody")])
    for i in range(3000):
        melody += [mido.Message("note_on", note=60 + i % 12, velocity=80),
                   mido.Message("note_off", note=60 + i % 12, time=240)]
    mid.tracks.append(melody)
    for ch in range(1, 16):
        part = mido.MidiTrack([mido.MetaMessage("track_name", name=f"part {ch}"),
                               mido.Message("program_change", channel=ch, program=ch * 7 % 128)])
        for i in range(6000):
            part += [mido.Message("note_on", channel=ch, note=40 + i % 24, velocity=70),
                     mido.Message("note_off", channel=ch, note=40 + i % 24, time=120)]
            if i % 10 == 0:
                part.append(mido.Message("control_change", channel=ch, control=11, value=i % 128))
        mid.tracks.append(part)
    mid.save(path)


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(min(times), 4)


def main() -> int:
    path = Path(tempfile.mkdtemp(prefix="mguv_song_bench_")) / "song.mid"
    big_song(path)
    data = path.read_bytes()
    imported = read_midi(path)
    song = locate_song(path, imported)
    changed = imported.melody.copy()
    changed.qpm, changed.chords = 90.0, {0: "C", 1920: "Am"}
    report = {
        "file_mb": round(len(data) / 1e6, 2), "tracks": len(mido.MidiFile(file=io.BytesIO(data)).tracks),
        "baseline_mido_parse_whole_file_s": best_of(lambda: mido.MidiFile(file=io.BytesIO(data))),
        "read_midi_s": best_of(lambda: read_midi(path)),
        "locate_song_s": best_of(lambda: locate_song(path, imported)),
        "parts_s": best_of(song.parts),
        "save_notes_s": best_of(lambda: song_bytes(song, imported.melody)),
        "save_tempo_and_chords_s": best_of(lambda: song_bytes(song, changed)),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
