"""Does a model write in the meter's bars? Note onsets by position in the bar: prior samples against real tunes.

    python -m model_training.meter_fit --corpus data/corpus_3-4.npz \\
        --model resources/models/melody_16bar_3-4 --model resources/models/melody_16bar

Why: reconstruction accuracy and the pitch features of ``evaluate_model`` do not see barlines, yet the
bars are what make a waltz a waltz: a strong first beat, phrases that breathe on the barline. For each
model, ``--samples`` prior samples at its own sample temperature are read in the corpus's bars
(``steps_per_bar`` of the npz, 12 for 3/4). A model of other bars is read the same way: a 4/4 model's
samples are its tokens as they come, cut into 12-step bars, which is what Generate gave a 3/4 melody
before there was a 3/4 model (the baseline). Per set: the mean histogram of onsets over the bar's
positions and its total-variation distance to the test melodies' (0: the same; 1: disjoint), and the
share of bars with a note starting on the downbeat and on each beat (a 6/8 corpus: beats of 6 steps, so
the second is step 6, an off-beat eighth in 3/4). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from mguv_app.music import PITCH_OFFSET


def onset_profile(windows: np.ndarray, steps_per_bar: int, beat_steps: int | None = None) -> dict:
    """Onsets by position in the bar (a distribution over ``steps_per_bar`` positions) and the downbeat rate;
    with ``beat_steps``, the share of played bars with a note starting on each beat (6/8: steps 0 and 6)."""
    w = np.asarray(windows)
    w = w[:, : w.shape[1] // steps_per_bar * steps_per_bar]
    onsets = (w >= PITCH_OFFSET).reshape(len(w), -1, steps_per_bar)
    counts = onsets.sum(axis=(0, 1)).astype(float)
    played = onsets.any(axis=2)  # bars with any onset: a silent bar says nothing about where notes fall
    def rate(position: int) -> float:
        return round(float(onsets[:, :, position][played].mean()) if played.any() else 0.0, 4)

    out = {"positions": (counts / max(1.0, counts.sum())).round(4).tolist(), "downbeat_rate": rate(0)}
    if beat_steps:
        out["beat_rates"] = [rate(p) for p in range(0, steps_per_bar, beat_steps)]
    return out


def corpus_beat_steps(corpus: str, steps_per_bar: int) -> int:
    """16th steps in one beat of the corpus's meter (its .json's ``settings.meter``): 6 in 6/8, else 4."""
    from mguv_app.models_registry import is_compound
    from mguv_app.training.data import corpus_meter

    meter = corpus_meter(corpus)
    beat = 6 if meter is not None and is_compound(meter) else 4
    return beat if steps_per_bar % beat == 0 else 4


def total_variation(p, q) -> float:
    return round(0.5 * float(np.abs(np.asarray(p) - np.asarray(q)).sum()), 4)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.meter_fit", description=__doc__.split("\n")[0])
    p.add_argument("--corpus", required=True)
    p.add_argument("--model", action="append", required=True, help="a model folder (repeatable)")
    p.add_argument("--split", default="test")
    p.add_argument("--bars", type=int, default=16)
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    from mguv_app.engine import TrainedModel

    with np.load(args.corpus, allow_pickle=False) as z:
        spb = int(z["steps_per_bar"]) if "steps_per_bar" in z.files else 16
        test = z[f"{args.split}_{args.bars}"]
    beat = corpus_beat_steps(args.corpus, spb)
    reference = onset_profile(test, spb, beat)
    out = {"corpus": args.corpus, "split": args.split, "steps_per_bar": spb, "beat_steps": beat,
           "test_windows": len(test),
           "test": reference, "models": {}}
    for folder in args.model:
        tm = TrainedModel(folder, "cpu")
        z = np.random.default_rng(args.seed).standard_normal((args.samples, tm.cfg.latent_dim)).astype(np.float32)
        t = tm.sample_temperature
        tokens = np.concatenate([tm.decode_tokens(z[i: i + 100], t, seed=args.seed + i)
                                 for i in range(0, len(z), 100)])[:, : test.shape[1]]
        prof = onset_profile(tokens, spb, beat)
        out["models"][folder] = {"model_steps_per_bar": tm.steps_per_bar, "temperature": t, **prof,
                                 "positions_tv_to_test": total_variation(prof["positions"], reference["positions"])}
        print(json.dumps({folder: out["models"][folder]["positions_tv_to_test"]}), file=sys.stderr)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
