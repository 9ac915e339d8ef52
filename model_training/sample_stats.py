"""Do two sets of melodies look alike? Feature distributions and their overlapping area (OA).

    python -m model_training.sample_stats --a data/corpus.npz:test_16 --b samples.npz:tokens --json

Following Yang & Lerch (2020), each feature of ``melody_features`` is computed per melody,
each set's values become a distribution, and the two distributions are compared by their
overlapping area OA = integral of min(f_a, f_b): 1 for identical distributions, 0 for
disjoint ones. Distributions are Gaussian KDEs (Silverman's bandwidth per set, floored at a
feature-specific minimum so a constant feature, e.g. every melody fully in key, still has a
density) evaluated on a shared grid of 2048 points and integrated with the trapezoid
rule. Yang & Lerch apply the KDE to pairwise distances; the issue's target is on the
feature values themselves, which is what is measured here. The interval histogram is
already a distribution over discrete bins: its OA is sum(min(p_a, p_b)).

Sets are given as ``FILE.npz:KEY`` (a token array of shape (n, steps)), ``FILE.npy``, a
MIDI file or a folder of MIDI files (read with the app's importer). ``--max`` subsamples
(seeded) for speed. The module also measures interpolation paths
(:func:`interpolation_report`): edit distance of each step to the start, and how in key
each step is.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .melody_features import FEATURES, INTERVAL_CLIP, as_tokens, features, interval_histogram, scale_consistency

GRID_POINTS = 2048
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 spells it trapz
MIN_BANDWIDTH = {"pitch_class_entropy": 0.05, "scale_consistency": 0.01, "note_density": 0.25,
                 "empty_beat_rate": 0.01, "pitch_range": 0.5}


def _kde(values: np.ndarray, grid: np.ndarray, min_bw: float) -> np.ndarray:
    n = len(values)
    std = values.std()
    iqr = np.subtract(*np.percentile(values, [75, 25])) / 1.349
    spread = min(std, iqr) if iqr > 0 else std
    bw = max(0.9 * spread * n ** (-0.2), min_bw)
    z = (grid[None, :] - values[:, None]) / bw
    return np.exp(-0.5 * z * z).sum(axis=0) / (n * bw * np.sqrt(2 * np.pi))


def overlap_area(a, b, min_bw: float = 1e-3) -> float:
    """OA of the KDEs of two 1-D samples (NaNs dropped); NaN when either is empty."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not len(a) or not len(b):
        return float("nan")
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    pad = 4 * max(min_bw, 0.25 * (hi - lo) + min_bw)
    grid = np.linspace(lo - pad, hi + pad, GRID_POINTS)
    fa, fb = _kde(a, grid, min_bw), _kde(b, grid, min_bw)
    return float(min(1.0, _trapezoid(np.minimum(fa, fb), grid)))


def feature_table(items) -> dict[str, np.ndarray]:
    rows = [features(it) for it in items]
    return {f: np.array([r[f] for r in rows], float) for f in FEATURES}


def compare(set_a, set_b) -> dict:
    """OA and summary statistics of every feature between two sets of melodies/token arrays."""
    fa, fb = feature_table(set_a), feature_table(set_b)
    out = {"n_a": len(set_a), "n_b": len(set_b), "features": {}}
    for f in FEATURES:
        a, b = fa[f], fb[f]
        out["features"][f] = {
            "oa": round(overlap_area(a, b, MIN_BANDWIDTH[f]), 4),
            "a_mean": round(float(np.nanmean(a)), 4) if np.isfinite(a).any() else None,
            "a_std": round(float(np.nanstd(a)), 4) if np.isfinite(a).any() else None,
            "b_mean": round(float(np.nanmean(b)), 4) if np.isfinite(b).any() else None,
            "b_std": round(float(np.nanstd(b)), 4) if np.isfinite(b).any() else None,
        }
    ha, hb = interval_histogram(set_a), interval_histogram(set_b)
    out["interval_histogram"] = {
        "oa": round(float(np.minimum(ha, hb).sum()), 4) if ha.sum() and hb.sum() else None,
        "bins": list(range(-INTERVAL_CLIP - 1, INTERVAL_CLIP + 2)),
        "a": [round(float(x), 5) for x in ha], "b": [round(float(x), 5) for x in hb],
    }
    out["min_oa"] = min(v for v in [*(out["features"][f]["oa"] for f in FEATURES), out["interval_histogram"]["oa"]]
                        if v is not None and not np.isnan(v))
    return out


def compare_draws(reference, draws) -> dict:
    """:func:`compare` of each of several independent sample sets ("draws") against one reference.

    One draw of 1,000 samples is a noisy estimate: on the shipped model the empty-beat OA of
    single draws spread by ±0.014 (one standard deviation, 8 draws), as much as a model change
    moves it. So each feature's ``oa`` here is the mean over draws, with ``oa_std`` and every
    draw's value in ``oa_draws``; ``min_oa`` is the worst *mean* (what a target is judged on) and
    ``worst_draw_min_oa`` the worst feature of the worst single draw.
    """
    runs = [compare(reference, d) for d in draws]
    if not runs:
        raise ValueError("compare_draws needs at least one draw")
    first = runs[0]
    out = {"n_a": first["n_a"], "n_b": first["n_b"], "draws": len(runs), "features": {}}

    def summary(values, key):
        vals = [v for v in values if v is not None and not np.isnan(v)]
        if not vals:
            return {key: None, key + "_std": None}
        return {key: round(float(np.mean(vals)), 4), key + "_std": round(float(np.std(vals)), 4)}

    for f in FEATURES:
        per = [r["features"][f] for r in runs]
        out["features"][f] = {**summary([p["oa"] for p in per], "oa"),
                              "oa_draws": [p["oa"] for p in per],
                              "a_mean": first["features"][f]["a_mean"], "a_std": first["features"][f]["a_std"],
                              **{k: summary([p[k] for p in per], k)[k] for k in ("b_mean", "b_std")}}
    hist = [r["interval_histogram"] for r in runs]
    out["interval_histogram"] = {**summary([h["oa"] for h in hist], "oa"), "oa_draws": [h["oa"] for h in hist],
                                 "bins": first["interval_histogram"]["bins"], "a": first["interval_histogram"]["a"],
                                 "b": [round(float(x), 5) for x in np.mean([h["b"] for h in hist], axis=0)]}
    means = [*(out["features"][f]["oa"] for f in FEATURES), out["interval_histogram"]["oa"]]
    out["min_oa"] = min(v for v in means if v is not None)
    out["worst_draw_min_oa"] = min(r["min_oa"] for r in runs)
    return out


# --- interpolation paths -------------------------------------------------------------------
def edit_distance(a, b) -> int:
    """Levenshtein distance between two token sequences (row-vectorised dynamic programme)."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    if not len(a) or not len(b):
        return max(len(a), len(b))
    ar = np.arange(len(b) + 1)
    row = ar.copy()
    for i, x in enumerate(a, start=1):
        cand = np.empty_like(row)
        cand[0] = i
        cand[1:] = np.minimum(row[1:] + 1, row[:-1] + (b != x))
        row = np.minimum.accumulate(cand - ar) + ar  # insertions along the row
    return int(row[-1])


def interpolation_path_metrics(path) -> dict:
    """For one path (token sequences from start to end): edit distance to the start and scale consistency."""
    seqs = [as_tokens(s) for s in path]
    start = seqs[0]
    return {"edit_to_start": [edit_distance(start, s) for s in seqs],
            "scale_consistency": [scale_consistency(s[s >= 2] - 2) for s in seqs]}


def interpolation_report(paths, reference=None) -> dict:
    """Average over paths of the per-step metrics; ``reference`` (real melodies) gives the in-key bar.

    ``monotonic``: the mean edit distance to the start never decreases along the path.
    ``in_key``: every step's mean scale consistency is at least the reference set's mean minus
    one standard deviation (i.e. within the spread real melodies have).
    """
    per = [interpolation_path_metrics(p) for p in paths]
    ed = np.array([m["edit_to_start"] for m in per], float)
    sc = np.array([m["scale_consistency"] for m in per], float)
    mean_ed = ed.mean(axis=0)
    mean_sc = np.nanmean(sc, axis=0)
    out = {"paths": len(per), "steps": ed.shape[1],
           "mean_edit_to_start": [round(float(x), 3) for x in mean_ed],
           "monotonic": bool(np.all(np.diff(mean_ed) >= -1e-9)),
           "mean_scale_consistency": [round(float(x), 4) for x in mean_sc]}
    if reference is not None:
        ref = feature_table(reference)["scale_consistency"]
        ref = ref[~np.isnan(ref)]
        bar = float(ref.mean() - ref.std())
        out |= {"reference_scale_consistency_mean": round(float(ref.mean()), 4),
                "reference_scale_consistency_std": round(float(ref.std()), 4),
                "in_key": bool(np.all(mean_sc >= bar))}
    return out


# --- loading sets -------------------------------------------------------------------------
def load_set(spec: str, max_items: int | None = None, seed: int = 0) -> list:
    """Token arrays or melodies from ``FILE.npz[:KEY]``, ``FILE.npy``, a MIDI file or a folder."""
    path_str, _, key = spec.partition(":") if spec.count(":") == 1 and not Path(spec).exists() else (spec, "", "")
    path = Path(path_str)
    if not path.exists():
        raise ValueError(f"{spec}: no such file or folder")
    if path.suffix == ".npz":
        with np.load(path) as data:
            keys = [k for k in data.files if data[k].ndim == 2]
            if not key:
                key = next((k for k in ("tokens", "samples", "test_16") if k in keys), keys[0] if keys else "")
            if key not in data.files or data[key].ndim != 2:
                raise ValueError(f"{path}: no 2-D token array '{key}' (2-D arrays: {', '.join(keys) or 'none'})")
            items = list(data[key])
    elif path.suffix == ".npy":
        arr = np.load(path)
        items = list(arr if arr.ndim == 2 else arr[None])
    else:
        from mguv_app.music import MidiImportError, iter_midi_files, read_midi

        items = []
        for f in iter_midi_files([path]):
            try:
                items.append(read_midi(f).melody)
            except MidiImportError as err:
                print(f"skipped {err}", file=sys.stderr)
    if not items:
        raise ValueError(f"{spec}: no melodies found")
    if max_items and len(items) > max_items:
        pick = np.sort(np.random.default_rng(seed).choice(len(items), max_items, replace=False))
        items = [items[i] for i in pick]
    return items


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.sample_stats", description=__doc__.split("\n")[0])
    p.add_argument("--a", required=True, metavar="SET", help="FILE.npz[:KEY], FILE.npy, MIDI file or folder")
    p.add_argument("--b", required=True, metavar="SET", help="the set to compare with")
    p.add_argument("--max", type=int, default=5000, help="subsample each set to at most this many (default 5000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--out", metavar="FILE.json", help="also write the JSON here")
    args = p.parse_args(argv)
    try:
        a, b = load_set(args.a, args.max, args.seed), load_set(args.b, args.max, args.seed + 1)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    result = {"a": args.a, "b": args.b, **compare(a, b)}
    if args.out:
        from mguv_app.fileio import atomic_write

        atomic_write(args.out, json.dumps(result, indent=1) + "\n")
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        def ms(m, s):
            return "n/a" if m is None else f"{m:.3f}±{s:.3f}"

        print(f"{'feature':22s} {'OA':>6s}   {'A mean±std':>16s}   {'B mean±std':>16s}")
        for f, v in result["features"].items():
            print(f"{f:22s} {v['oa']:6.3f}   {ms(v['a_mean'], v['a_std']):>16s}   {ms(v['b_mean'], v['b_std']):>16s}")
        print(f"{'interval_histogram':22s} {result['interval_histogram']['oa'] or float('nan'):6.3f}")
        print(f"n_a={result['n_a']} n_b={result['n_b']} min OA={result['min_oa']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
