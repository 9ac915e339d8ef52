"""Lo-Fi benchmark: a simulated endless session on this CPU, as JSON.

The session is real in everything but the loudspeaker: the stream generates in its background
thread, the band player renders every block through FluidSynth, and the blocks go to a null
sink pumped at the audio rate times ``--speedup`` (1 = real time, so CPU use is honest).
Reported: the minimum lead of generation ahead of the playhead (seconds), silence inserted
because a phrase came late, CPU use while playing (process CPU time / wall time), the share of
melody notes on beats 1 and 3 that are chord tones against a seeded random-progression
baseline and against the same phrases harmonised with diatonic chords only (no applied
dominants), the share of applied dominants, and exact phrase repeats.

Run: ``.venv/bin/python benchmarks/bench_lofi.py [--minutes 10] [--model PATH] [--mode walk]``.
Without ``--model`` it uses the bundled model, or, if that is not installed yet, an *untrained*
model of the default configuration (same size and speed; its melodies are noise, so judge the
chord fit on a trained model). The output says which.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch

from mguv_app.audio import NullOutput
from mguv_app.engine import TrainedModel, default_model_dir
from mguv_app.lofi import BandStyle, LofiStream
from mguv_app.lofi.harmony import choose_chords, random_progression, strong_beat_fit
from mguv_app.lofi.live import BandPlayer, EndlessSession


def load(model_arg: str | None, tmp: Path) -> tuple[TrainedModel, str]:
    if model_arg:
        return TrainedModel(model_arg, "cpu"), f"given: {model_arg}"
    if (default_model_dir() / "config.json").exists():
        return TrainedModel(default_model_dir(), "cpu"), f"bundled: {default_model_dir()}"
    from mguv_app.model import ModelConfig, MusicVAE
    from mguv_app.model.checkpoint import save_model

    torch.manual_seed(0)
    save_model(MusicVAE(ModelConfig()), tmp / "untrained")
    return TrainedModel(tmp / "untrained", "cpu"), "untrained default config (bundled model not installed yet)"


def run(args) -> dict:
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as d:
        model, which = load(args.model, Path(d))
    style = BandStyle(bpm=args.bpm, swing=0.6)
    stream = LofiStream(model, seed=args.seed, mode=args.mode, style=style)
    sr = 44100
    player = BandPlayer(sample_rate=sr, output=NullOutput(sr, 512, realtime=False), style=style)
    session = EndlessSession(stream, player)
    t_start = time.perf_counter()
    session.start()
    first_phrase_s = time.perf_counter() - t_start
    total = int(args.minutes * 60 * sr)
    frames = 0
    t0, c0 = time.perf_counter(), time.process_time()
    while frames < total:
        target = min(total, int((time.perf_counter() - t0) * sr * args.speedup))
        if target > frames:
            player.output.pump(target - frames)
            frames = target
        session.pump()
        time.sleep(0.01)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    session.stop()
    player.close()
    phrases = [p for _, p in session.placed]
    rng = np.random.default_rng(args.seed)
    fit = base = n = diatonic = applied = chords = 0
    for i, p in enumerate(phrases):
        h, t = strong_beat_fit(p.melody, p.slots)
        hr, _ = strong_beat_fit(p.melody, random_progression(p.key, p.length_ticks, p.melody.ticks_per_bar, rng))
        # the same phrase harmonised with the seven diatonic chords only (the harmony before applied dominants)
        prev = phrases[i - 1].slots[-1].chord.degree if i else None
        hd, _ = strong_beat_fit(p.melody, choose_chords(p.melody, p.key, p.length_ticks, prev, rng, applied=False))
        fit, base, n, diatonic = fit + h, base + hr, n + t, diatonic + hd
        applied += sum(s.chord.target is not None for s in p.slots)
        chords += len(p.slots)
    gen = [p.gen_seconds for p in stream.taken]
    return {
        "model": which, "model_bars": model.bars, "latent_dim": model.cfg.latent_dim, "mode": args.mode,
        "torch_threads": args.threads, "bpm": style.bpm, "simulated_minutes": args.minutes,
        "speedup": args.speedup, "wall_s": round(wall, 1),
        "phrase_s": round(phrases[0].seconds(style.bpm), 2), "phrases_played": len(phrases),
        "first_phrase_ready_s": round(first_phrase_s, 2),
        "generate_s_per_phrase": {"mean": round(statistics.mean(gen), 3), "max": round(max(gen), 3)},
        "min_lead_s": round(session.min_lead_seconds, 2),
        "late_silence_s": round(stream.ticks_to_seconds(player.late_ticks), 2),
        "cpu_use_while_playing": round(cpu / wall, 3),
        "cpu_use_note": "process CPU seconds / wall seconds (1.0 = one core busy; this machine has 2)",
        "chord_tone_share_beats_1_3": round(fit / max(1, n), 3),
        "random_progression_share_beats_1_3": round(base / max(1, n), 3),
        "diatonic_only_share_beats_1_3": round(diatonic / max(1, n), 3),
        "applied_dominant_share_of_chords": round(applied / max(1, chords), 3),
        "strong_beat_notes": n,
        "exact_phrase_repeats": len(phrases) - len({p.digest for p in phrases}),
        "resampled_duplicates": stream.stats["resampled"], "nudged": stream.stats["nudged"],
        "key": str(stream.key),
        "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--speedup", type=float, default=1.0, help="audio clock / wall clock (1 = real time)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--mode", choices=("walk", "continue"), default="walk")
    ap.add_argument("--bpm", type=float, default=80.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    print(json.dumps(run(ap.parse_args()), indent=2))


if __name__ == "__main__":
    main()
