"""``mguv eval --model M --data D``: held-out reconstruction figures (JSON with --json)."""

from __future__ import annotations

import json
from pathlib import Path

from .common import CliError, add_model_arguments, load_trained_model, run_guarded

HELP = "evaluate a model on held-out windows: teacher-forced / free-running accuracy, KL, ELBO"


def add_arguments(p) -> None:
    p.add_argument("--data", required=True, help="a corpus .npz (uses --split) or a folder of MIDI files")
    p.add_argument("--split", default="test", help="corpus split to use (default test)")
    p.add_argument("--limit", type=int, default=None, help="at most this many windows")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_model_arguments(p)


def _run(args) -> int:
    import numpy as np

    from ..training.data import load_corpus, scan_folder
    from ..training.evaluate import evaluate

    tm = load_trained_model(args)
    data = Path(args.data)
    try:
        if data.suffix == ".npz":
            windows = load_corpus(data, tm.bars, tm.steps_per_bar, args.split)
        else:
            ws = scan_folder(data, tm.bars, tm.steps_per_bar, valid_fraction=0.0)
            windows = ws.train
    except (KeyError, ValueError, OSError) as exc:
        raise CliError(str(exc)) from None
    if args.limit:
        windows = windows[np.random.default_rng(0).permutation(len(windows))[: args.limit]]
    if len(windows) == 0:
        raise CliError(f"no {tm.bars}-bar windows in {data}")
    with tm._lock:
        figures = evaluate(tm.model, windows, tm.device, sampled_limit=None)
    figures = {"model": str(tm.folder), "data": str(data), "split": args.split, **figures}
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:24s} {v:.4f}" if isinstance(v, float) else f"{k:24s} {v}")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
