"""Personalisation (MidiMe) time on the CPU for a folder of melodies; target <= 30 s for 50.

Uses the bundled model when it is installed, else a model of the same (default 16-bar)
architecture with random weights: the cost is the same, only the musical result differs.
Prints one JSON object with scan, encode+train and total seconds.
Run: ``.venv/bin/python benchmarks/bench_personalize.py [--melodies 50] [--bars 32]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_scan import song
from mguv_app.music import write_midi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--melodies", type=int, default=50)
    ap.add_argument("--bars", type=int, default=32, help="bars per melody")
    ap.add_argument("--steps", type=int, default=500, help="MidiMe training steps")
    args = ap.parse_args()
    import torch

    from mguv_app.engine import TrainedModel, default_model_dir
    from mguv_app.model import ModelConfig, save_model
    from mguv_app.model.vae import MusicVAE
    from mguv_app.personalize import MidiMeConfig, open_model, personalize

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["MGUV_CACHE_DIR"] = str(tmp / "cache")
        for i in range(args.melodies):
            write_midi(song(args.bars, 1000 + i), tmp / "mine" / f"m{i:02d}.mid")
        base_dir = default_model_dir()
        bundled = (base_dir / "config.json").is_file()
        if not bundled:
            torch.manual_seed(0)
            base_dir = save_model(MusicVAE(ModelConfig()), tmp / "base")
        t0 = time.perf_counter()
        base = TrainedModel(base_dir, "cpu")
        load = time.perf_counter() - t0
        marks = {}
        t0 = time.perf_counter()
        result = personalize(base, tmp / "mine", tmp / "me", MidiMeConfig(steps=args.steps),
                             progress=lambda e: marks.setdefault(e["event"], time.perf_counter()))
        total = time.perf_counter() - t0
        t1 = time.perf_counter()
        pm = open_model(tmp / "me", "cpu")
        pm.sample(4, temperature=0.5, seed=0)
        sample = time.perf_counter() - t1
    scan = marks.get("encode", t0) - t0
    print(json.dumps({
        "melodies": args.melodies, "bars_each": args.bars, "windows": result.windows,
        "model": "bundled" if bundled else "default architecture, random weights",
        "latent_dim": base.cfg.latent_dim, "midime_steps": args.steps,
        "load_model_s": round(load, 2), "scan_s": round(scan, 2),
        "encode_s": result.figures.get("encode_seconds"), "train_s": result.figures.get("seconds"),
        "total_s": round(total, 2), "target_s": 30,
        "meets_target": total <= 30, "sample_4_s": round(sample, 2), "final_loss": result.figures.get("loss"),
        "threads": torch.get_num_threads(), "load_average": [round(x, 2) for x in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
