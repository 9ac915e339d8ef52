"""Measure a trained model on the corpus's held-out test split and write ``metrics.json``.

    python -m model_training.evaluate_model --model resources/models/melody_16bar --corpus data/corpus.npz

Three parts, each the issue's targets:

1. Reconstruction (the same code as ``mguv eval``): teacher-forced and free-running (argmax, z = mu)
   accuracy per 16th step, note-only accuracies, KL, ELBO.
2. Prior samples vs test melodies (``model_training.sample_stats.compare``): overlapping area of
   pitch-class entropy, scale consistency, note density, empty-beat rate, pitch range, intervals.
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
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--pairs", type=int, default=50)
    p.add_argument("--limit", type=int, default=None, help="at most this many test windows for reconstruction")
    p.add_argument("--out", default=None, help="metrics file (default MODEL/metrics.json)")
    args = p.parse_args(argv)

    from mguv_app.engine import TrainedModel
    from mguv_app.training.data import load_corpus
    from mguv_app.training.evaluate import evaluate

    from .sample_stats import compare, interpolation_report

    t0 = time.time()
    tm = TrainedModel(args.model, "auto")
    test = load_corpus(args.corpus, tm.bars, tm.steps_per_bar, args.split).astype(np.int64)
    rng = np.random.default_rng(0)
    eval_set = test if not args.limit else test[rng.permutation(len(test))[: args.limit]]
    with tm._lock:
        recon = evaluate(tm.model, eval_set, tm.device, sampled_limit=None)
    print(json.dumps({"reconstruction": recon}), file=sys.stderr)

    samples = []
    for start in range(0, args.samples, 100):
        n = min(100, args.samples - start)
        z = rng.standard_normal((n, tm.cfg.latent_dim)).astype(np.float32)
        samples += list(tm.decode_tokens(z, args.temperature, seed=start))
    reference = list(test[rng.permutation(len(test))[: max(args.samples, 1000)]])
    prior = compare(reference, samples)

    pick = rng.permutation(len(test))[: 2 * args.pairs].reshape(-1, 2)
    paths = []
    for i, j in pick:
        mu, _ = tm.encode_tokens(test[[i, j]])
        from mguv_app.engine import slerp

        zs = np.stack([slerp(mu[0], mu[1], t) for t in np.linspace(0, 1, 9)]).astype(np.float32)
        paths.append(list(tm.decode_tokens(zs)))
    interp = interpolation_report(paths, reference)

    metrics = {"model": str(args.model), "corpus": str(args.corpus), "split": args.split,
               "reconstruction": recon, "prior_vs_test": {"temperature": args.temperature, **prior},
               "interpolation": interp, "seconds": round(time.time() - t0, 1), "device": tm.device}
    out = Path(args.out) if args.out else Path(args.model) / "metrics.json"
    from mguv_app.fileio import atomic_write

    atomic_write(out, json.dumps(metrics, indent=1) + "\n")
    print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
