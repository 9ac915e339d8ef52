"""Reconstruction accuracy per data source: which melodies the model reconstructs well, and which not.

    python -m model_training.accuracy_by_source --model resources/models/melody_16bar --corpus data/corpus.npz

Why: the issue's targets are MusicVAE's figures on Lakh MIDI melodies, and our test split mixes pop
songs (POP909, 65% of the 16-bar windows) with lead sheets and folk tunes. The overall accuracy hides
how each kind fares. Per source (``song_key``'s prefix): windows, teacher-forced and free-running
accuracy (``mguv_app.training.evaluate``, the same code as ``mguv eval``), and two figures of how hard
the windows are: the share of steps that are note onsets and how often a bar repeats an earlier bar
of its window exactly. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def repeated_bars(windows: np.ndarray, steps_per_bar: int = 16) -> float:
    """The share of bars (after the first) that equal an earlier bar of the same window."""
    bars = windows.reshape(len(windows), -1, steps_per_bar)
    seen = 0
    for w in bars:
        rows = [r.tobytes() for r in w]
        seen += sum(rows[i] in rows[:i] for i in range(1, len(rows)))
    return seen / max(1, bars.shape[0] * (bars.shape[1] - 1))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.accuracy_by_source", description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--split", default="test")
    p.add_argument("--sampled", type=int, default=400, help="windows per source decoded free-running (default 400)")
    args = p.parse_args(argv)

    import torch

    from mguv_app.model.checkpoint import load_model
    from mguv_app.music.events import PITCH_OFFSET
    from mguv_app.training.evaluate import evaluate

    torch.manual_seed(0)
    model, _ = load_model(args.model)
    data = np.load(args.corpus)
    key = f"{args.split}_{model.cfg.num_steps // model.cfg.steps_per_bar}"
    windows, songs = data[key].astype(np.int64), data[f"{key}_song"]
    sources = np.array([k.split("/")[0] for k in data["song_key"]])[songs]
    out = {"model": args.model, "split": key, "sources": {}}
    for source in sorted(set(sources.tolist())):
        w = windows[sources == source]
        m = evaluate(model, w, sampled_limit=args.sampled)
        out["sources"][source] = {
            "windows": int(len(w)),
            "tf_accuracy": round(m["tf_accuracy"], 4),
            "sampled_accuracy": round(m["sampled_accuracy"], 4),
            "onset_steps": round(float((w >= PITCH_OFFSET).mean()), 3),
            "repeated_bars": round(repeated_bars(w, model.cfg.steps_per_bar), 3),
        }
        print(source, out["sources"][source], file=sys.stderr, flush=True)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
