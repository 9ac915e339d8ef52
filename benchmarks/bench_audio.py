"""Audio benchmark: offline render speed (x real time) and Play -> first audio block latency.

Prints one JSON object. Run: ``.venv/bin/python benchmarks/bench_audio.py [--soundfont F]``.
Latency is measured on the silent real-time null sink and, when one opens, on the real
device (after letting it warm up, as the app does by opening it at start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.audio import Player, Synth, default_soundfont, render_melody, render_midi_file
from mguv_app.music.melody import Melody, Note


def random_melody(bars: int, seed: int = 0) -> Melody:
    """Eighths and sixteenths over two octaves at 120 BPM, with some rests."""
    rng = random.Random(seed)
    notes, t, end = [], 0, bars * 1920
    while t < end:
        dur = rng.choice([120, 240, 240, 480])
        if rng.random() > 0.15:
            notes.append(Note(t, min(end, t + dur), rng.randint(60, 84), rng.randint(70, 110)))
        t += dur
    return Melody(notes, qpm=120.0, program=0)


def band_midi(path: Path, seconds: float = 180.0) -> None:
    """A 4-track piece (lead, bass, chords, drums): a polyphonic, realistic render load."""
    import pretty_midi

    rng = random.Random(1)
    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    lead, bass = pretty_midi.Instrument(80), pretty_midi.Instrument(33)
    pads, drums = pretty_midi.Instrument(0), pretty_midi.Instrument(0, is_drum=True)
    t = 0.0
    while t < seconds:
        lead.notes.append(pretty_midi.Note(100, rng.randint(64, 84), t, t + 0.24))
        if t % 0.5 == 0:
            bass.notes.append(pretty_midi.Note(100, rng.randint(36, 48), t, t + 0.45))
            drums.notes.append(pretty_midi.Note(100, 36 if t % 1 == 0 else 38, t, t + 0.1))
        if t % 2 == 0:
            root = rng.randint(55, 62)
            pads.notes += [pretty_midi.Note(70, root + i, t, t + 1.9) for i in (0, 4, 7)]
        t += 0.25
    pm.instruments += [lead, bass, pads, drums]
    pm.write(str(path))


def timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def play_latency(player: Player, melody: Melody, runs: int = 20) -> dict:
    player.set_melody(melody)
    lat = []
    for _ in range(runs):
        player.play()
        deadline = time.monotonic() + 5
        while player.start_latency_s is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        if player.start_latency_s is not None:
            lat.append(player.start_latency_s * 1000)
        time.sleep(0.05)
        player.stop()
    return {"output": player.output.name, "runs": len(lat),
            "play_to_first_block_ms_median": round(statistics.median(lat), 2) if lat else None,
            "play_to_first_block_ms_max": round(max(lat), 2) if lat else None,
            "output_buffer_ms": round(player.output.latency_frames * 1000 / player.sample_rate, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--soundfont", default=None)
    args = ap.parse_args()
    sf = args.soundfont or str(default_soundfont())
    sr = 44100
    _, load_s = timed(lambda: Synth(sf, sr).close())
    result = {"soundfont": os.path.basename(sf), "sample_rate": sr, "soundfont_load_s": round(load_s, 3)}
    for name, bars in (("melody_16_bars", 16), ("melody_3_minutes", 90)):
        m = random_melody(bars)
        audio, took = timed(render_melody, m, sf, sr)
        secs = len(audio) / sr
        result[name] = {"audio_s": round(secs, 1), "render_s": round(took, 3),
                        "x_realtime": round(secs / took, 1),
                        "x_realtime_excluding_font_load": round(secs / max(took - load_s, 1e-6), 1)}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "band.mid"
        band_midi(path)
        audio, took = timed(render_midi_file, path, sf, sr)
        secs = len(audio) / sr
        result["band_4_tracks_3_minutes"] = {"audio_s": round(secs, 1), "render_s": round(took, 3),
                                             "x_realtime": round(secs / took, 1)}
    short = random_melody(2)
    with Player(sf, sr, output="null") as p:
        result["latency_null_sink"] = play_latency(p, short)
    with Player(sf, sr) as p:
        if p.available:
            time.sleep(3)  # the app opens the device at start-up; let it settle as it would
            result["latency_device"] = play_latency(p, short)
        else:
            result["latency_device"] = {"available": False, "reason": p.reason}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
