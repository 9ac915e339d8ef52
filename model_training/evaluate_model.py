"""Measure a trained model on the corpus's held-out test split and write ``metrics.json``.

    python -m model_training.evaluate_model --model resources/models/melody_16bar --corpus data/corpus.npz

Three parts, each the issue's targets:

1. Reconstruction (the same code as ``mguv eval``): teacher-forced and free-running (argmax, z = mu)
   accuracy per 16th step, note-only accuracies, KL, ELBO.
2. Prior samples vs test melodies (``model_training.sample_stats.compare_draws``): overlapping area
   of pitch-class entropy, scale consistency, note density, empty-beat rate, pitch range, intervals,
   against every test melody. A single set of 1,000 samples is a noisy estimate (its OAs move by
   about ±0.015 from one seed to the next), so ``--draws`` independent sets of ``--samples`` each are
   compared and each feature's OA is their mean, with its standard deviation and every draw's value.
   Without ``--temperature`` the same latents are decoded at each of ``--temperatures`` and the
   one whose worst mean overlap is highest becomes the model's ``sample_temperature`` (``ship_model``
   writes it into config.json; Generate and Continue start from it). Every temperature's figures
   are kept in ``temperature_sweep``, 1.0 among them.
3. Interpolation smoothness (``interpolation_report``): 9-step paths between random test pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.evaluate_model", description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--split", default="test")
    p.add_argument("--samples", type=int, default=1000, help="prior samples per draw (default 1000)")
    p.add_argument("--draws", type=int, default=5, help="independent sets of samples to average (default 5)")
    p.add_argument("--temperature", type=float, default=None,
                   help="judge prior samples at this temperature only (default: sweep --temperatures)")
    p.add_argument("--temperatures", default="0.5,0.6,0.7,0.8,0.9,1.0",
                   help="comma-separated sampling temperatures to sweep")
    p.add_argument("--pairs", type=int, default=50)
    p.add_argument("--limit", type=int, default=None, help="at most this many test windows for reconstruction")
    p.add_argument("--out", default=None, help="metrics file (default MODEL/metrics.json)")
    args = p.parse_args(argv)

    from mguv_app.engine import TrainedModel
    from mguv_app.training.data import load_corpus
    from mguv_app.training.evaluate import evaluate

    from .sample_stats import compare_draws, interpolation_report

    t0 = time.time()
    tm = TrainedModel(args.model, "auto")
    test = load_corpus(args.corpus, tm.bars, tm.steps_per_bar, args.split).astype(np.int64)
    rng = np.random.default_rng(0)
    eval_set = test if not args.limit else test[rng.permutation(len(test))[: args.limit]]
    with tm._lock:
        recon = evaluate(tm.model, eval_set, tm.device, sampled_limit=None)
    print(json.dumps({"reconstruction": recon}), file=sys.stderr)

    draws = max(1, args.draws)
    latents = [np.random.default_rng(1000 + d).standard_normal((args.samples, tm.cfg.latent_dim)).astype(np.float32)
               for d in range(draws)]
    reference = list(test)
    temperatures = [args.temperature] if args.temperature is not None else \
        [float(t) for t in args.temperatures.split(",")]
    sweep = {}
    for temperature in temperatures:
        sets = []
        for d, z in enumerate(latents):
            samples = []
            for start in range(0, args.samples, 100):
                samples += list(tm.decode_tokens(z[start: start + 100], temperature, seed=100_000 * d + start))
            sets.append(samples)
        sweep[temperature] = compare_draws(reference, sets)
        print(json.dumps({"temperature": temperature, "min_oa": sweep[temperature]["min_oa"]}), file=sys.stderr)
    best = max(sweep, key=lambda t: (sweep[t]["min_oa"], -abs(t - 1.0)))
    prior = sweep[best]

    pick = rng.permutation(len(test))[: 2 * args.pairs].reshape(-1, 2)
    paths = []
    for i, j in pick:
        mu, _ = tm.encode_tokens(test[[i, j]])
        from mguv_app.engine import slerp

        zs = np.stack([slerp(mu[0], mu[1], t) for t in np.linspace(0, 1, 9)]).astype(np.float32)
        paths.append(list(tm.decode_tokens(zs)))
    interp = interpolation_report(paths, reference)

    metrics = {"model": str(args.model), "corpus": str(args.corpus), "split": args.split,
               "reconstruction": recon, "prior_vs_test": {"temperature": best, **prior},
               "sample_temperature": best,
               "temperature_sweep": {str(t): {"min_oa": r["min_oa"], "worst_draw_min_oa": r["worst_draw_min_oa"],
                                              "interval_oa": r["interval_histogram"]["oa"],
                                              **{k: v["oa"] for k, v in r["features"].items()}}
                                     for t, r in sweep.items()},
               "interpolation": interp, "seconds": round(time.time() - t0, 1), "device": tm.device}
    out = Path(args.out) if args.out else Path(args.model) / "metrics.json"
    from mguv_app.fileio import atomic_write

    atomic_write(out, json.dumps(metrics, indent=1) + "\n")
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
