"""Write a model's latent-map reference points: latent means of held-out corpus melodies.

    python -m model_training.reference_points --model resources/models/melody_16bar --corpus data/corpus.npz

Takes the opening window of up to ``--count`` test-split songs, spread evenly over the corpus's
sources, and stores their latent means (``reference_latents.npy``) and "source: title" labels
(``reference_latents.json``) in the model folder, where the latent map finds them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.reference_points")
    p.add_argument("--model", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--count", type=int, default=48)
    p.add_argument("--split", default="test")
    args = p.parse_args(argv)
    from mguv_app.engine import TrainedModel
    from mguv_app.fileio import atomic_path, atomic_write

    tm = TrainedModel(args.model, "cpu")
    with np.load(args.corpus, allow_pickle=False) as z:
        key = f"{args.split}_{tm.bars}"
        windows, songs, bars = z[key], z[f"{key}_song"], z[f"{key}_bar"]
        song_key, song_title = z["song_key"], z["song_title"]
    first = {}
    for i, (s, b) in enumerate(zip(songs.tolist(), bars.tolist(), strict=True)):
        if s not in first or b < bars[first[s]]:
            first[s] = i
    by_source = defaultdict(list)
    for s, i in sorted(first.items()):
        by_source[str(song_key[s]).split("/")[0]].append((s, i))
    picked, rng = [], np.random.default_rng(0)
    while len(picked) < args.count and any(by_source.values()):
        for src in sorted(by_source):
            if by_source[src] and len(picked) < args.count:
                picked.append(by_source[src].pop(int(rng.integers(len(by_source[src])))))
    mu, _ = tm.encode_tokens(windows[[i for _, i in picked]].astype(np.int64))
    labels = [f"{str(song_key[s]).split('/')[0]}: {song_title[s]}" for s, _ in picked]
    folder = Path(args.model)
    with atomic_path(folder / "reference_latents.npy") as tmp, open(tmp, "wb") as f:
        np.save(f, mu.astype(np.float32), allow_pickle=False)
    atomic_write(folder / "reference_latents.json", json.dumps({"labels": labels, "split": args.split}, indent=1))
    print(f"{folder}: {len(labels)} reference points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
