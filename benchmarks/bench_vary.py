"""Vary: how far the variations move from the melody as the amount grows, as JSON.

For held-out 16-bar test melodies (``data/corpus.npz``), the bundled model varies each by several
amounts (greedy decoding, so the amount alone moves them), phrase by phrase through its phrase model
(``phrases``) and, in the same run, by its own whole windows alone (``melody_model_alone``, before phrase
models). Amount 0 is the model's reading of the
melody (its reconstruction, the floor), 1 a melody unrelated to it (the ceiling). Per amount, the
mean over windows and 4 variations each of: edit distance to the melody (tokens, 256 steps), the
share of notes in the melody's key (``guess_key``), and notes per bar (the melody's: ``real``).

Run: ``.venv/bin/python benchmarks/bench_vary.py --corpus data/corpus.npz [--windows 30]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.editing.scales import guess_key, in_scale
from mguv_app.engine import TrainedModel
from mguv_app.music import events_to_melody, melody_to_events
from model_training.sample_stats import edit_distance


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/corpus.npz")
    ap.add_argument("--windows", type=int, default=30)
    ap.add_argument("--amounts", default="0,0.1,0.2,0.3,0.5,0.7,1")
    args = ap.parse_args()
    ways = {"phrases": TrainedModel(device="cpu"), "melody_model_alone": TrainedModel(device="cpu", phrases=None)}
    tokens = np.load(args.corpus)["test_16"]
    picks = np.random.default_rng(0).choice(len(tokens), size=min(args.windows, len(tokens)), replace=False)
    amounts = [float(a) for a in args.amounts.split(",")]
    report = {"windows": 0, "model": ways["phrases"].name,
              "phrase_model": ways["phrases"].phrases.model.name if ways["phrases"].phrases else None}
    for name, tm in ways.items():
        rows = {a: {"edit": [], "in_key": [], "notes_per_bar": []} for a in amounts}
        real_density = []
        for i, w in enumerate(picks):
            song = events_to_melody(tokens[w])
            if not song.notes:
                continue
            key = guess_key(song.notes)
            real_density.append(len(song.notes) / 16)
            for a in amounts:
                for v in tm.vary(song, a, 0.0, seed=i, samples=4):
                    rows[a]["edit"].append(edit_distance(tokens[w], melody_to_events(v, 256)))
                    rows[a]["in_key"].append(statistics.fmean(in_scale(n.pitch, *key) for n in v.notes)
                                             if v.notes else 0)
                    rows[a]["notes_per_bar"].append(len(v.notes) / 16)
        report["windows"] = len(real_density)
        report["real_notes_per_bar"] = round(statistics.fmean(real_density), 2)
        report[name] = {f"{a:g}": {k: round(statistics.fmean(v), 3) for k, v in r.items()} for a, r in rows.items()}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
