"""Rewrite bars: how well the new bars fit the music around them, against pasting in fresh bars, as JSON.

For held-out 16-bar test melodies (``data/corpus.npz``), bars 7-8 are rewritten by the bundled model
(``TrainedModel.rewrite``: a latent fitted to the other 14 bars, the span sampled from it). The
baseline is what a user could do without Rewrite: Generate a fresh melody at the same temperature and
paste its bars 7-8 in. The real bars 7-8 are the reference. Per method, the mean over the windows of:

* ``boundary_leap``: semitones from the last note before the span to its first note, and from its last
  note to the first note after it (real melodies mostly move by steps);
* ``in_key``: share of the span's notes in the key of the rest of the melody (``guess_key``);
* ``pitch_offset``: semitones between the span's mean pitch and the rest's;
* ``density_gap``: notes per bar in the span minus the rest's, absolute;
* ``empty``: share of spans left without a note;
* ``seconds``: per rewrite (one version) on this machine.

``--fits`` compares latent fits (restarts x Adam iterations): the cost of a rewrite is the fit.
``rewrite_phrases`` is the rewrite through the phrase model (``--phrase-model``, default the bundled one):
each touched phrase's latent fitted to what it keeps, or between its neighbours when the span covers it.

Run: ``.venv/bin/python benchmarks/bench_rewrite.py --corpus data/corpus.npz [--windows 40]``.
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

from mguv_app.editing.scales import guess_key, in_scale
from mguv_app.engine import TrainedModel
from mguv_app.music import events_to_melody

BAR = 1920
START, END = 6 * BAR, 8 * BAR  # bars 7-8


def measures(melody) -> dict | None:
    span = [n for n in melody.notes if START <= n.start < END]
    rest = [n for n in melody.notes if not START <= n.start < END]
    before = [n for n in rest if n.start < START]
    after = [n for n in rest if n.start >= END]
    if not rest:
        return None
    out = {"empty": float(not span)}
    if span:
        key = guess_key(rest)
        leaps = ([abs(span[0].pitch - before[-1].pitch)] if before else []) + (
            [abs(after[0].pitch - span[-1].pitch)] if after else [])
        out.update(
            boundary_leap=statistics.fmean(leaps) if leaps else None,
            in_key=statistics.fmean(in_scale(n.pitch, *key) for n in span),
            pitch_offset=abs(statistics.fmean(n.pitch for n in span) - statistics.fmean(n.pitch for n in rest)),
            density_gap=abs(len(span) / 2 - len(rest) / 14))
    return out


def summarise(rows: list[dict], seconds: list[float]) -> dict:
    keys = ("boundary_leap", "in_key", "pitch_offset", "density_gap", "empty")
    out = {k: round(statistics.fmean(v), 3) for k in keys
           if (v := [r[k] for r in rows if r.get(k) is not None])}
    if seconds:
        out["seconds"] = round(statistics.fmean(seconds), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/corpus.npz")
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--temperature", type=float, default=None)
    ap.add_argument("--fits", default="4x30,2x15",
                    help="latent fits to compare, RESTARTSxITERATIONS (the shipped default is 4x30)")
    ap.add_argument("--phrase-model", default="auto", help="phrase model folder (default: the bundled one)")
    args = ap.parse_args()
    tm = TrainedModel(device="cpu", phrases=args.phrase_model)
    temperature = tm.sample_temperature if args.temperature is None else args.temperature
    tokens = np.load(args.corpus)["test_16"]
    picks = np.random.default_rng(0).choice(len(tokens), size=min(args.windows, len(tokens)), replace=False)
    fits = [tuple(map(int, f.split("x"))) for f in args.fits.split(",")]
    real, pasted, paste_s = [], [], []
    fits_and_phrases = fits + ([("phrases",)] if tm.phrases is not None else [])
    rewritten = {f: [] for f in fits_and_phrases}
    rewrite_s = {f: [] for f in fits_and_phrases}
    for i, w in enumerate(picks):
        song = events_to_melody(tokens[w])
        if not any(not START <= n.start < END for n in song.notes):
            continue
        real.append(measures(song))
        for f in fits_and_phrases:
            t = time.perf_counter()
            if f == ("phrases",):
                new = tm.rewrite(song, START, END, temperature, seed=i, by_phrase=True)[0]
            else:
                new = tm.rewrite(song, START, END, temperature, seed=i, restarts=f[0], iterations=f[1],
                                 by_phrase=False)[0]
            rewrite_s[f].append(time.perf_counter() - t)
            rewritten[f].append(measures(new))
        t = time.perf_counter()
        fresh = tm.sample(1, 16, temperature, seed=10_000 + i)[0]
        paste_s.append(time.perf_counter() - t)
        spliced = song.copy([n for n in song.notes if not START <= n.start < END] +
                            [n for n in fresh.notes if START <= n.start < END])
        pasted.append(measures(spliced))
    report = {
        "windows": len(real), "span": "bars 7-8 of 16", "temperature": temperature, "model": tm.name,
        "real_bars": summarise(real, []),
        **{f"rewrite_fit_{r}x{n}": summarise(rewritten[r, n], rewrite_s[r, n]) for r, n in fits},
        **({"rewrite_phrases": summarise(rewritten["phrases",], rewrite_s["phrases",])}
           if ("phrases",) in rewritten else {}),
        "pasted_fresh_bars": summarise(pasted, paste_s),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
