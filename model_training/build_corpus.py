"""Build the training corpus: real melodies -> de-duplicated, song-split, windowed token arrays.

    python -m model_training.build_corpus --pop909 DIR --chord-melody DIR --openewld DIR \
        [--music21 [--music21-limit N]] --out data/corpus.npz [--bars 16 --bars 2] [--hop 1] [--meter 3/4]

Output ``OUT.npz`` (np.load(path) works without allow_pickle):

=====================  ================================  ==========================================
key                    dtype, shape                      what
=====================  ================================  ==========================================
``{split}_{B}``        int16 (n, B*S)                    token windows of B bars of S steps (16; 12 in
                                                         a 3/4 corpus); split is ``train``,
                                                         ``valid`` or ``test``; tokens 0..129
                                                         (HOLD=0, NOTE_OFF=1, 2+MIDI pitch)
``{split}_{B}_song``   int32 (n,)                        row of each window in the ``song_*`` table
``{split}_{B}_bar``    int32 (n,)                        first bar of the window within its song
``song_key``           str (S,)                          ``source/song_id`` of every kept song
``song_title``         str (S,)                          its title
``song_split``         str (S,)                          the split the whole song went to
``steps_per_bar``      int16 ()                          S
``pitch_range``        int16 (2,)                        [low, high]: every window's pitches lie in it
                                                         (pass both to ``augment_transpose``)
``meta_json``          str ()                            the JSON sidecar's content
=====================  ================================  ==========================================

plus ``OUT.json`` (counts per source, de-duplication, pitch range, timings, the exact
command), ``OUT.rejected.tsv`` (every file or tune that was skipped, with the reason) and
``OUT.duplicates.tsv`` (every song removed as a duplicate, and the song kept instead).

Pipeline: read every source in worker processes (one task per file or tune) -> Songs of
16-step 4/4 bars (``--meter 3/4``: 12-step 3/4 bars, the other meters left out) ->
de-duplicate across sets in priority order (POP909, OpenEWLD, chord_melody_dataset, music21 folk)
-> split by song with a seeded hash (90/5/5) -> cut windows (``windows.py``: hop ``--hop`` bars,
at least half the bars with notes, pitches in 36..96). Nothing is transposed here; see ``augment.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from mguv_app.fileio import atomic_path, atomic_write
from mguv_app.music import PITCH_OFFSET

from .dedup import deduplicate, split_of
from .songs import SHAPES, Rejected, Song
from .windows import PITCH_HIGH, PITCH_LOW, song_windows

SPLITS = ("train", "valid", "test")
SOURCE_ORDER = ("pop909", "openewld", "chord_melody", "folk_essen", "folk_oneills", "folk_ryans", "folk_airds")


def _run_task(task):
    kind, args = task
    if kind == "pop909":
        from .sources.pop909 import load_song
        return load_song(*args)
    if kind == "leadsheet":
        from .sources.leadsheet import load_song
        return load_song(*args)
    from .sources.folk import load_tune
    return load_tune(*args)


def collect_tasks(args) -> tuple[list, list[Rejected]]:
    """All reading tasks, plus folders that could not even be listed."""
    tasks, missing = [], []
    if args.pop909:
        from .sources import pop909
        root = Path(args.pop909)
        if not root.is_dir():
            missing.append(Rejected("pop909", str(root), "folder not found"))
        else:
            index = pop909.read_index(root)
            if not index:
                print(f"warning: {root}: no index.xlsx; meter cannot be checked, every song is kept",
                      file=sys.stderr)
            tasks += [("pop909", (str(d), index.get(d.name) if index else None, args.meter))
                      for d in pop909.song_dirs(root)]
    for source, folder in (("openewld", args.openewld), ("chord_melody", args.chord_melody)):
        if not folder:
            continue
        from .sources import leadsheet
        root = Path(folder)
        if not root.is_dir():
            missing.append(Rejected(source, str(root), "folder not found"))
            continue
        manifest = leadsheet.read_manifest(root)
        tasks += [("leadsheet", (source, str(p), manifest.get(p.stem), args.meter))
                  for p in leadsheet.midi_files(root)]
    if args.music21:
        try:
            from .sources import folk
            tasks += [("folk", t) for t in folk.list_tunes(args.music21_limit, SHAPES[args.meter])]
        except ImportError:
            missing.append(Rejected("folk", "music21", "music21 is not installed (pip install music21)"))
    return tasks, missing


def load_all(tasks, workers: int, progress: bool = False) -> tuple[list[Song], list[Rejected]]:
    results, t0 = [], time.time()
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(tasks) > 1:
            pool = stack.enter_context(ProcessPoolExecutor(workers))
            stream = pool.map(_run_task, tasks, chunksize=8)
        else:
            stream = map(_run_task, tasks)
        for i, r in enumerate(stream, start=1):
            results.append(r)
            if progress and (i % 1000 == 0 or i == len(tasks)):
                print(f"read {i}/{len(tasks)} files/tunes ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    songs = [r for r in results if isinstance(r, Song)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    order = {s: i for i, s in enumerate(SOURCE_ORDER)}
    songs.sort(key=lambda s: (order.get(s.source, len(order)), s.song_id))
    return songs, rejected


def _reason_class(reason: str) -> str:
    """The reason without its per-file details (what follows " ("), for counting."""
    return reason.split(" (")[0][:80]


def build(args) -> dict:
    t0 = time.time()
    tasks, rejected = collect_tasks(args)
    if not tasks:
        why = "; ".join(f"{r.path}: {r.reason}" for r in rejected) or "give at least one dataset folder"
        raise SystemExit(f"error: no input files found ({why})")
    songs, bad = load_all(tasks, args.workers, progress=len(tasks) > 2000)
    rejected += bad
    t_read = time.time() - t0
    kept, removed, family = deduplicate(songs)
    split = {s.key: split_of(family[s.key], args.seed) for s in kept}
    family_sizes = Counter(family.values())

    arrays: dict[str, list] = defaultdict(list)
    per_source: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    window_drops: Counter = Counter()
    pitches = []
    for i, s in enumerate(kept):
        src = per_source[s.source]
        sp = split[s.key]
        src["songs_kept"] += 1
        src[f"songs_{sp}"] += 1
        src["bars"] += s.num_bars
        src["notes"] += s.num_notes
        for seg in s.segments:
            p = seg[seg >= PITCH_OFFSET]
            if p.size:
                pitches += [int(p.min()) - PITCH_OFFSET, int(p.max()) - PITCH_OFFSET]
        for bars in args.bars:
            w, starts, dropped = song_windows(s, bars, args.hop, PITCH_LOW, PITCH_HIGH)
            window_drops.update({f"{k}_{bars}": v for k, v in dropped.items()})
            if len(w):
                arrays[f"{sp}_{bars}"].append(w)
                arrays[f"{sp}_{bars}_song"].append(np.full(len(w), i, np.int32))
                arrays[f"{sp}_{bars}_bar"].append(starts)
                src[f"windows_{sp}_{bars}"] += len(w)
                src[f"window_notes_{sp}_{bars}"] += int((w >= PITCH_OFFSET).sum())
    for s in songs:
        per_source[s.source]["songs_read"] += 1
    for r in rejected:
        per_source[r.source]["rejected"] += 1
    for d in removed:
        per_source[d["removed"].split("/")[0]]["duplicates_removed"] += 1
    reasons: dict[str, Counter] = defaultdict(Counter)
    for r in rejected:
        reasons[r.source][_reason_class(r.reason)] += 1

    out = {}
    for sp in SPLITS:
        for bars in args.bars:
            k = f"{sp}_{bars}"
            width = bars * SHAPES[args.meter].steps
            out[k] = np.concatenate(arrays[k]) if arrays[k] else np.zeros((0, width), np.int16)
            out[f"{k}_song"] = np.concatenate(arrays[f"{k}_song"]) if arrays[k] else np.zeros(0, np.int32)
            out[f"{k}_bar"] = np.concatenate(arrays[f"{k}_bar"]) if arrays[k] else np.zeros(0, np.int32)
    out["song_key"] = np.array([s.key for s in kept], dtype=str)
    out["song_title"] = np.array([s.title for s in kept], dtype=str)
    out["song_split"] = np.array([split[s.key] for s in kept], dtype=str)
    out["steps_per_bar"] = np.array(SHAPES[args.meter].steps, np.int16)
    out["pitch_range"] = np.array([PITCH_LOW, PITCH_HIGH], np.int16)

    win_pitch = [(int(a[a >= PITCH_OFFSET].min()) - PITCH_OFFSET, int(a[a >= PITCH_OFFSET].max()) - PITCH_OFFSET)
                 for k, a in out.items() if re.fullmatch(r"\w+_\d+", k) and a.ndim == 2 and (a >= PITCH_OFFSET).any()]
    meta = {
        "command": "python -m model_training.build_corpus " + shlex.join(args.argv),
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "settings": {"bars": args.bars, "hop_bars": args.hop, "seed": args.seed, "meter": args.meter,
                     "steps_per_bar": SHAPES[args.meter].steps,
                     "split_fractions": {"train": 0.90, "valid": 0.05, "test": 0.05},
                     "pitch_low": PITCH_LOW, "pitch_high": PITCH_HIGH,
                     "window_rule": "at least ceil(B/2) bars with a note onset; all pitches in [low, high]",
                     "music21": bool(args.music21), "music21_limit": args.music21_limit},
        "seconds": {"read": round(t_read, 1), "total": round(time.time() - t0, 1)},
        "tasks": len(tasks),
        "sources": {k: dict(sorted(v.items())) for k, v in sorted(per_source.items())},
        "rejected_by_reason": {k: dict(v.most_common()) for k, v in sorted(reasons.items())},
        "dedup": {"removed": len(removed), "by_match": dict(Counter(d["match"] for d in removed)),
                  "cross_source": sum(d["removed"].split("/")[0] != d["kept"].split("/")[0] for d in removed),
                  "examples": removed[:40],
                  "families": {"groups": sum(n > 1 for n in family_sizes.values()),
                               "songs": sum(n for n in family_sizes.values() if n > 1),
                               "rule": "same title within one source: all kept, one split"}},
        "windows_dropped": dict(window_drops),
        "splits": {sp: {"songs": int((out["song_split"] == sp).sum()),
                        **{f"windows_{b}": len(out[f"{sp}_{b}"]) for b in args.bars}} for sp in SPLITS},
        "pitch_range": {"songs": [min(pitches), max(pitches)] if pitches else None,
                        "windows": [min(a for a, _ in win_pitch), max(b for _, b in win_pitch)] if win_pitch else None},
    }
    if args.test_midi:
        meta["test_midi"] = write_test_songs([s for s in kept if split[s.key] == "test"], Path(args.test_midi),
                                             args.meter)
    out["meta_json"] = np.array(json.dumps(meta, ensure_ascii=False))
    target = Path(args.out)
    with atomic_path(target) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, **out)
    meta["seconds"]["total"] = round(time.time() - t0, 1)
    atomic_write(target.with_suffix(".json"), json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    atomic_write(target.with_suffix(".duplicates.tsv"), "removed\tkept\tmatch\ttitle\tkept_title\n" + "".join(
        f"{d['removed']}\t{d['kept']}\t{d['match']}\t{d['title']}\t{d['kept_title']}\n" for d in removed))
    atomic_write(target.with_suffix(".rejected.tsv"),
                 "source\tpath\treason\n" + "".join(f"{r.source}\t{r.path}\t{r.reason}\n" for r in rejected))
    return meta


def write_test_songs(songs: list[Song], folder: Path, meter: str, min_bars: int = 4) -> dict:
    """Each test-split song's segments of at least ``min_bars`` bars as a MIDI file in ``folder``: whole held-out
    tunes for ``benchmarks/bench_phrase_reconstruct.py`` (the windows in the .npz are cut from them)."""
    from mguv_app.music import events_to_melody, write_midi

    folder.mkdir(parents=True, exist_ok=True)
    ts = SHAPES[meter].time_signature
    written = 0
    for s in songs:
        for k, seg in enumerate(s.segments):
            if len(seg) // s.steps_per_bar < min_bars or not (seg >= PITCH_OFFSET).any():
                continue
            name = re.sub(r"[^\w.-]+", "_", f"{s.key}_{k}")[:120]
            write_midi(events_to_melody(seg, time_signature=ts, name=s.title[:60]), folder / f"{name}.mid")
            written += 1
    return {"folder": str(folder), "files": written, "min_bars": min_bars}


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m model_training.build_corpus", description=__doc__.split("\n")[0])
    p.add_argument("--pop909", metavar="DIR", help="POP909 folder (holding POP909/NNN/ and POP909/index.xlsx)")
    p.add_argument("--chord-melody", metavar="DIR", help="chord_melody_dataset folder (midi/, manifest.tsv)")
    p.add_argument("--openewld", metavar="DIR", help="OpenEWLD folder (midi/, manifest.tsv)")
    p.add_argument("--music21", action="store_true", help="add the folk collections music21 ships")
    p.add_argument("--music21-limit", type=int, metavar="N", help="at most N usable tunes per folk collection")
    p.add_argument("--meter", choices=sorted(SHAPES), default="4/4",
                   help="the bars the corpus is cut in: 4/4 (keeps 4/4, 2/2 and 2/4; the default) or 3/4")
    p.add_argument("--out", required=True, metavar="OUT.npz")
    p.add_argument("--bars", type=int, action="append", metavar="B", help="window length in bars (repeatable; "
                   "default 16 and 2)")
    p.add_argument("--hop", type=int, default=1, metavar="H", help="bars between window starts (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the song-level split hash (default 0)")
    p.add_argument("--test-midi", metavar="DIR", help="also write the test split's songs as MIDI files here "
                   "(whole held-out tunes for benchmarks/bench_phrase_reconstruct.py)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="reader processes (default: all CPUs)")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.bars = sorted(set(args.bars or [16, 2]), reverse=True)
    if any(b < 1 or b > 64 for b in args.bars) or args.hop < 1:
        p.error("--bars must be 1..64 and --hop at least 1")
    if not str(args.out).endswith(".npz"):
        p.error("--out must end in .npz")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    meta = build(args)
    print(json.dumps({"sources": meta["sources"], "splits": meta["splits"], "dedup_removed": meta["dedup"]["removed"],
                      "seconds": meta["seconds"]}, indent=1, ensure_ascii=False))
    n_rej = sum(sum(v.values()) for v in meta["rejected_by_reason"].values())
    print(f"wrote {args.out} (+ .json, .rejected.tsv, .duplicates.tsv); {n_rej} files/tunes skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
