"""Does a generated melody repeat, vary and cadence like a real one? Structure measures, as JSON.

    python -m model_training.form_stats --corpus data/corpus.npz --count 200 [--forms free,default,AABA]

Each melody is read as its first 16 bars of tokens (one per 16th). Per set of melodies:

* ``bar_repeat``: bars with a note onset that equal an earlier bar of the same melody (same onsets,
  lengths, pitches: the same tokens), over (bars with an onset - 1), pooled over the set;
* ``rhythm_repeat``: the same with rhythm only (where notes start, hold and stop; pitches ignored);
* ``duration_overlap`` and ``onset_position_overlap``: sum(min(p, q)) of the histograms of note lengths
  (in 16ths, 1..16 and longer) and of onset positions in the bar, against a reference set;
* ``cadence_rate``: melodies whose last note is the tonic of their key (``guess_key``);
* ``phrase_seam_leaps``: of the leaps between the last note before bars 5, 9 and 13 (where 4-bar phrases
  meet) and the first note from there, the share wider than a fifth (``seam_leaps_all_bars``: at every
  barline); laid-out phrases meet where the model never wrote them together;
* ``ending_on_strong_beat``: melodies whose last note starts on a strong beat of its bar (the downbeat, or
  the middle of a 4/4 or 6/8 bar), ``ending_quarter_or_longer``: whose last note sounds or rests a quarter
  or more before the melody ends (a cadence lands and stays; an 8th on the last off-beat runs on);
* the six model-card statistics (``sample_stats.compare``: pitch-class entropy, scale consistency, note
  density, empty beats, pitch range, interval histogram) against the reference set, and for generated sets
  against every 16-bar test window too (``card_vs_test_windows``, as the model card measures them).

Reference sets: the corpus test split's songs (their first 16 bars), the lead sheets (chord_melody_dataset
and OpenEWLD songs of every split, their first 16 bars), and a folder of MIDI files (``--folder``, e.g.
the held-out miscFolk tunes). Generated sets: ``generation.jobs.generate_variations`` at the model's
default temperature, 16 bars, with each form asked for (``free``: the model alone, as before forms;
``default``: what Generate writes by default for 16 bars).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from mguv_app.editing.scales import guess_key
from mguv_app.generation.song_form import last_onset, leap_at, strong_positions
from mguv_app.music import PITCH_OFFSET, events_to_notes, melody_to_events

BARS = 16
MAX_LENGTH = 17  # note lengths of 17 sixteenths and more share one bin


def bars_of(tokens: np.ndarray, spb: int, bars: int = BARS) -> np.ndarray:
    t = np.zeros(bars * spb, np.int64)
    part = np.asarray(tokens, np.int64)[: bars * spb]
    t[: len(part)] = part
    return t.reshape(bars, spb)


def rhythm(bar_tokens: np.ndarray) -> np.ndarray:
    """Onset (2), hold (0) or stop (1) at each step: the tokens with pitches forgotten."""
    return np.where(bar_tokens >= PITCH_OFFSET, 2, bar_tokens)


def repeat_counts(tokens: np.ndarray, spb: int) -> tuple[int, int, int]:
    """(bars equal to an earlier bar, bars whose rhythm equals an earlier bar's, bars with an onset - 1)."""
    grid = bars_of(tokens, spb)
    with_notes = [b for b in grid if (b >= PITCH_OFFSET).any()]
    exact = rhythmic = 0
    seen, seen_r = set(), set()
    for b in with_notes:
        key, key_r = b.tobytes(), rhythm(b).tobytes()
        exact += key in seen
        rhythmic += key_r in seen_r
        seen.add(key)
        seen_r.add(key_r)
    return exact, rhythmic, max(0, len(with_notes) - 1)


def durations(tokens: np.ndarray) -> list[int]:
    return [min(MAX_LENGTH, (n.end - n.start) // 120) for n in events_to_notes(tokens)]


def onset_positions(tokens: np.ndarray, spb: int) -> list[int]:
    return [int(i) % spb for i in np.flatnonzero(np.asarray(tokens) >= PITCH_OFFSET)]


def histogram_overlap(a: Counter, b: Counter) -> float:
    ta, tb = sum(a.values()), sum(b.values())
    if not ta or not tb:
        return float("nan")
    return float(sum(min(a[k] / ta, b[k] / tb) for k in set(a) | set(b)))


def cadence_on_tonic(tokens: np.ndarray) -> bool | None:
    notes = events_to_notes(tokens)
    if not notes:
        return None
    tonic, _ = guess_key(notes)
    return notes[-1].pitch % 12 == tonic


def ending(tokens: np.ndarray, spb: int, compound: bool = False) -> tuple[bool, bool] | None:
    """(the last note starts on a strong beat, a quarter or more follows it before the tokens end: held or
    resting); None without notes. The tokens start on a downbeat."""
    at = last_onset(tokens)
    if at is None:
        return None
    return at % spb in strong_positions(spb, compound), len(tokens) - at >= 4


def structure(set_tokens: list[np.ndarray], spb: int, compound: bool = False) -> dict:
    """The structure measures of one set (each item: a melody's tokens, cut to 16 bars)."""
    ex = rh = base = 0
    dur, pos = Counter(), Counter()
    cad, ends, seams, barlines = [], [], [], []
    for t in set_tokens:
        t = bars_of(t, spb).reshape(-1)
        e, r, n = repeat_counts(t, spb)
        ex, rh, base = ex + e, rh + r, base + n
        dur.update(durations(t))
        pos.update(onset_positions(t, spb))
        for bar in range(1, BARS):
            leap = leap_at(t, bar * spb)
            if leap is not None:
                barlines.append(leap > 7)
                if bar % 4 == 0:
                    seams.append(leap > 7)
        c = cadence_on_tonic(t)
        if c is not None:
            cad.append(c)
            ends.append(ending(t, spb, compound))
    return {"melodies": len(set_tokens), "bar_repeat": round(ex / max(base, 1), 4),
            "rhythm_repeat": round(rh / max(base, 1), 4),
            "cadence_rate": round(float(np.mean(cad)), 4) if cad else None,
            **ending_rates(ends),
            "phrase_seam_leaps": round(float(np.mean(seams)), 4) if seams else None,
            "seam_leaps_all_bars": round(float(np.mean(barlines)), 4) if barlines else None,
            "_durations": dur, "_positions": pos,
            "odd_lengths": round(sum(dur[k] for k in (5, 7, 9, 11, 13, 15)) / max(1, sum(dur.values())), 4)}


def ending_rates(ends: list[tuple[bool, bool]]) -> dict:
    if not ends:
        return {"ending_on_strong_beat": None, "ending_quarter_or_longer": None}
    strong, long = np.asarray(ends).mean(axis=0)
    return {"ending_on_strong_beat": round(float(strong), 4), "ending_quarter_or_longer": round(float(long), 4)}


def compared(measured: dict, reference: dict, set_tokens, ref_tokens, spb: int) -> dict:
    from .sample_stats import compare

    stats = compare([bars_of(t, spb).reshape(-1) for t in ref_tokens],
                    [bars_of(t, spb).reshape(-1) for t in set_tokens])
    return {"duration_overlap": round(histogram_overlap(measured["_durations"], reference["_durations"]), 4),
            "onset_position_overlap": round(histogram_overlap(measured["_positions"], reference["_positions"]), 4),
            "card": {**{f: v["oa"] for f, v in stats["features"].items()},
                     "interval_histogram": stats["interval_histogram"]["oa"]}, "card_min": stats["min_oa"]}


def first_windows(corpus, split_filter, sources, bars: int = BARS) -> list[np.ndarray]:
    """The first ``bars``-bar window of each song (bar 0 of the song) of the chosen splits and sources."""
    keys = corpus["song_key"]
    out = []
    for split in ("train", "valid", "test"):
        if split not in split_filter or f"{split}_{bars}" not in corpus:
            continue
        w, song, bar = corpus[f"{split}_{bars}"], corpus[f"{split}_{bars}_song"], corpus[f"{split}_{bars}_bar"]
        for i in np.flatnonzero(bar == 0):
            if sources is None or keys[song[i]].split("/")[0] in sources:
                out.append(np.asarray(w[i], np.int64))
    return out


def folder_tokens(folder: Path, spb: int) -> list[np.ndarray]:
    from mguv_app.music import iter_midi_files, read_midi

    out = []
    for f in iter_midi_files([folder]):
        m = read_midi(f).melody
        if m.notes:
            out.append(melody_to_events(m, BARS * spb))
    return out


def song_end_cadences(folder: Path) -> dict:
    """The cadence rate at the ends of whole songs: each song's last segment in ``folder`` (files named
    ``<song>_<k>.mid`` by ``build_corpus --test-midi``, the highest k), its last note on the tonic of the whole
    segment's key. Generated melodies are whole tunes, so this is what their endings compare with; the first
    16 bars of a song mostly stop in the middle of a phrase."""
    import re

    from mguv_app.music import iter_midi_files, read_midi
    from mguv_app.music.meter import is_compound

    last: dict[str, tuple[int, Path]] = {}
    for f in iter_midi_files([folder]):
        m = re.match(r"(.*)_(\d+)$", f.stem)
        song, k = (m.group(1), int(m.group(2))) if m else (f.stem, 0)
        if song not in last or k > last[song][0]:
            last[song] = (k, f)
    hits, ends = [], []
    for _, f in last.values():
        melody = read_midi(f).melody
        tokens = melody_to_events(melody)  # to the last note's end
        if (c := cadence_on_tonic(tokens)) is not None:
            hits.append(c)
            ends.append(ending(tokens, melody.steps_per_bar, is_compound(melody.time_signature)))
    return {"songs": len(hits), "cadence_rate": round(float(np.mean(hits)), 4) if hits else None,
            **ending_rates(ends)}


def generated(model, form: str, count: int, seed: int = 0) -> tuple[list[np.ndarray], float]:
    from mguv_app.generation.jobs import generate_variations

    t0 = time.perf_counter()
    out = []
    for k in range(0, count, 8):
        res = generate_variations(model, count=min(8, count - k), bars=BARS, temperature=model.sample_temperature,
                                  seed=seed + k, form=form)
        out += [melody_to_events(m, BARS * model.steps_per_bar) for m in res.melodies]
    return out, (time.perf_counter() - t0) / max(1, count)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m model_training.form_stats", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="data/corpus.npz")
    ap.add_argument("--folder", type=Path, help="a folder of real MIDI tunes to measure too (e.g. data/heldout_4-4)")
    ap.add_argument("--model", help="melody model folder (default: the bundled 4/4 one)")
    ap.add_argument("--phrase-model", default="auto", help="phrase model folder (default: the bundled one)")
    ap.add_argument("--song-ends", type=Path, action="append", default=[],
                    help="a folder of whole songs (build_corpus --test-midi) whose endings' cadence rate to report")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--forms", default="free,default")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    from mguv_app.engine.trained_model import TrainedModel

    corpus = np.load(args.corpus)
    spb = int(corpus["steps_per_bar"])
    sets = {"test_split": first_windows(corpus, {"test"}, None),
            "lead_sheets": first_windows(corpus, {"train", "valid", "test"}, {"chord_melody", "openewld"})}
    if args.folder:
        sets["folder"] = folder_tokens(args.folder, spb)
    model = TrainedModel(args.model, "cpu", phrases=args.phrase_model)
    seconds = {}
    for form in args.forms.split(","):
        sets[f"generated_{form}"], seconds[form] = generated(model, form, args.count)
    from mguv_app.music.meter import is_compound

    compound = is_compound(model.time_signature)
    measured = {name: structure(toks, spb, compound) for name, toks in sets.items()}
    report = {"bars": BARS, "model": model.name, "phrase_model": model.phrases.model.name if model.phrases else None,
              "seconds_per_melody": {k: round(v, 3) for k, v in seconds.items()}, "sets": {}}
    from .sample_stats import compare

    every_window = [np.asarray(w, np.int64) for w in corpus[f"test_{BARS}"]]  # the model card's reference
    for name, m in measured.items():
        row = {k: v for k, v in m.items() if not k.startswith("_")}
        for ref in ("test_split", "lead_sheets"):
            if name != ref:
                row[f"vs_{ref}"] = compared(m, measured[ref], sets[name], sets[ref], spb)
        if name.startswith("generated"):  # the six statistics against every test window, as the card measures
            stats = compare(every_window, [bars_of(t, spb).reshape(-1) for t in sets[name]])
            row["card_vs_test_windows"] = {**{f: v["oa"] for f, v in stats["features"].items()},
                                           "interval_histogram": stats["interval_histogram"]["oa"],
                                           "min": stats["min_oa"], "windows": len(every_window)}
        report["sets"][name] = row
    report["song_ends"] = {str(f): song_end_cadences(f) for f in args.song_ends}
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
