"""Whole held-out tunes through ``mguv reconstruct``: how much of a user's melody survives, as JSON.

Each folder holds MIDI files of tunes no model here was trained on (``model_training/heldout_tunes.py``
writes music21's miscFolk tunes; ``build_corpus --test-midi`` the corpus's test-split songs). Every tune is
read as a user's file is (``read_midi``) and reconstructed two ways, in the same run:

* ``melody_model``: the melody model alone (its whole windows encoded and greedily decoded: what
  ``mguv reconstruct`` did before phrase models),
* ``phrases``: through the phrase model, phrase by phrase (``engine.phrases``: what it does now).

Compared on the 16th grid (``melody_to_events``): the share of steps equal to the tune's, and of the
tune's note onsets reproduced exactly (same step, same pitch), pooled over all tunes; plus the mean
per tune. Speed: encoding + decoding a 16-bar melody through its phrases (median ms, batch of 8
phrases) against the melody model's reconstruct of the same melody.

Run: ``.venv/bin/python benchmarks/bench_phrase_reconstruct.py data/heldout_4-4 data/test_songs_4-4``
(``--meter 3/4`` etc. picks the bundled models of that meter; ``--phrase-model DIR`` another phrase model).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mguv_app.engine.phrases import PhraseCodec
from mguv_app.engine.trained_model import TrainedModel
from mguv_app.models_registry import bundled_model_dir, bundled_phrase_model_dir
from mguv_app.music import PITCH_OFFSET, iter_midi_files, melody_to_events, read_midi


def scores(original, reconstructed) -> tuple[int, int, int, int]:
    """(equal steps, steps, equal onsets, onsets) of a reconstruction against the original on the 16th grid."""
    a = melody_to_events(original)
    b = melody_to_events(reconstructed, len(a))
    onset = a >= PITCH_OFFSET
    return int((a == b).sum()), len(a), int((a[onset] == b[onset]).sum()), int(onset.sum())


def measure(folder: Path, ways: dict, limit: int | None) -> dict:
    files = iter_midi_files([folder])[:limit]
    totals = {w: np.zeros(4, np.int64) for w in ways}
    per_tune = {w: {"steps": [], "onsets": []} for w in ways}
    for f in files:
        melody = read_midi(f).melody
        if not melody.notes:
            continue
        for w, fn in ways.items():
            s = np.asarray(scores(melody, fn(melody)))
            totals[w] += s
            per_tune[w]["steps"].append(s[0] / max(s[1], 1))
            per_tune[w]["onsets"].append(s[2] / max(s[3], 1))
    out = {"folder": str(folder), "tunes": len(per_tune[next(iter(ways))]["steps"])}
    for w in ways:
        t = totals[w]
        out[w] = {"step_accuracy": round(t[0] / max(t[1], 1), 4), "onset_accuracy": round(t[2] / max(t[3], 1), 4),
                  "mean_per_tune": {k: round(statistics.fmean(v), 4) if v else None for k, v in per_tune[w].items()}}
    return out


def timing(fn, melody, repeats: int = 20) -> float:
    fn(melody)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(melody)
        times.append(time.perf_counter() - t)
    return round(1000 * statistics.median(times), 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--meter", default="4/4")
    ap.add_argument("--model", help="melody model folder (default: the bundled one for --meter)")
    ap.add_argument("--phrase-model", help="phrase model folder (default: the bundled one for --meter)")
    ap.add_argument("--max-files", type=int, default=None)
    ap.add_argument("--out", type=Path, help="also write the JSON here (whole_tunes.json in a model folder: its card)")
    args = ap.parse_args()
    ts = tuple(int(v) for v in args.meter.split("/"))
    melody_model = TrainedModel(args.model or bundled_model_dir(ts), "cpu", phrases=None)
    ways = {"melody_model": melody_model.reconstruct}
    phrase_folder = args.phrase_model or bundled_phrase_model_dir(ts)
    codec = None
    if phrase_folder:
        codec = PhraseCodec(TrainedModel(phrase_folder, "cpu", phrases=None))
        ways["phrases"] = codec.reconstruct
    report = {"meter": args.meter, "melody_model": melody_model.name,
              "phrase_model": codec.model.name if codec else None,
              "sets": [measure(f, ways, args.max_files) for f in args.folders]}
    sixteen = next((read_midi(f).melody.bars(0, 16) for folder in args.folders for f in iter_midi_files([folder])
                    if read_midi(f).melody.num_bars >= 16), None)
    if sixteen is not None:
        report["ms_16_bars"] = {w: timing(fn, sixteen) for w, fn in ways.items()}
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
