"""POP909: the ``MELODY`` track of performance-timed MIDI, quantized with ``beat_midi.txt``.

The MIDI is not on a tick grid, so every onset and offset (in seconds) is placed on a
fractional beat position by interpolating between the annotated beat times, then rounded
to the nearest 16th. Bars come from the 4-beat downbeat flags (3rd column); a bar that
is not 4 beats long (the annotators' meter changes, 2- or 6-beat bars) starts a new
segment, so windows never span one. Beats before the first downbeat (pickups, count-ins)
are dropped. Note ends are tidied as a transcriber would write them (``tidy_ends``). Meter comes from
``index.xlsx``: only (2 beats, 2 quavers) songs are kept.
For a 3/4 corpus only (3 beats, 2 quavers) songs are, and their bars come from the 2nd
column, which in those songs flags every third beat.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mguv_app.music import Melody, MidiImportError, Note, melody_to_events, read_midi
from mguv_app.music.tidy import tidy_ends

from ..songs import SHAPES, TOKEN_DTYPE, Rejected, Song
from ..xlsx import read_xlsx_rows

SOURCE = "pop909"
STEPS_PER_BEAT = 4
BEATS_PER_BAR = 4
# bar shape -> (index.xlsx (beats, quavers), beat_midi.txt column of its downbeats)
METERS = {"4/4": ((2, 2), 2), "3/4": ((3, 2), 1)}


def song_dirs(root: Path) -> list[Path]:
    """Song folders (``NNN/`` holding ``NNN.mid``) under ``root`` or ``root/POP909``."""
    base = root / "POP909" if (root / "POP909").is_dir() else root
    return sorted(d for d in base.iterdir() if d.is_dir() and (d / f"{d.name}.mid").exists())


def read_index(root: Path) -> dict[str, dict]:
    """``song_id -> {name, artist, beats, quavers}`` from index.xlsx ({} when missing)."""
    base = root / "POP909" if (root / "POP909").is_dir() else root
    path = base / "index.xlsx"
    if not path.exists():
        return {}
    rows = read_xlsx_rows(path)
    head = [h.strip().lower() for h in rows[0]]
    out = {}
    for row in rows[1:]:
        rec = dict(zip(head, row, strict=False))
        sid = str(rec.get("song_id", "")).strip()
        if not sid:
            continue
        if sid.replace(".", "").isdigit():
            sid = f"{int(float(sid)):03d}"
        try:
            beats, quavers = int(float(rec["num_beats_per_measure"])), int(float(rec["num_quavers_per_beat"]))
        except (KeyError, ValueError):
            beats = quavers = 0
        out[sid] = {"name": rec.get("name", ""), "artist": rec.get("artist", ""), "beats": beats,
                    "quavers": quavers}
    return out


def _beat_positions(times: np.ndarray, beats: np.ndarray) -> np.ndarray:
    """Fractional beat index of each time (seconds), extrapolating linearly past both ends."""
    pos = np.interp(times, beats, np.arange(len(beats), dtype=float))
    first, last = beats[1] - beats[0], beats[-1] - beats[-2]
    pos = np.where(times < beats[0], (times - beats[0]) / first, pos)
    return np.where(times > beats[-1], len(beats) - 1 + (times - beats[-1]) / last, pos)


def _bar_segments(downbeat_flags: np.ndarray, n_beats_total: int,
                  beats_per_bar: int = BEATS_PER_BAR) -> list[tuple[int, int]]:
    """Runs of regular bars of ``beats_per_bar`` beats as (first beat, number of bars)."""
    down = np.flatnonzero(downbeat_flags > 0.5).tolist()
    if down and down[-1] + beats_per_bar <= n_beats_total:
        down.append(down[-1] + beats_per_bar)  # close the last bar if its beats exist
    runs: list[tuple[int, int]] = []
    start, count = None, 0
    for a, b in zip(down, down[1:], strict=False):
        if b - a == beats_per_bar:
            if start is None:
                start, count = a, 0
            count += 1
        else:
            if start is not None:
                runs.append((start, count))
            start, count = None, 0
    if start is not None:
        runs.append((start, count))
    return runs


def load_song(song_dir: str, meta: dict | None, shape_name: str = "4/4") -> Song | Rejected:
    """Read one POP909 song folder; ``meta`` is its index.xlsx row (or None if unknown)."""
    d = Path(song_dir)
    midi = d / f"{d.name}.mid"
    shape = SHAPES[shape_name]
    if shape_name not in METERS:
        return Rejected(SOURCE, str(midi), f"POP909's beat annotations do not mark {shape.name} bars")
    (want, column), beats_per_bar = METERS[shape_name], shape.steps // STEPS_PER_BEAT
    if meta is not None and (meta["beats"], meta["quavers"]) != want:
        meter = f"{meta['beats']} beats x {meta['quavers']} quavers"
        return Rejected(SOURCE, str(midi), f"meter is {meter}, not {shape.name} (index.xlsx)")
    try:
        read_midi(midi)  # the structural checks and typed errors of the app's importer
        import symusic

        score = symusic.Score(str(midi), ttype="second")
    except MidiImportError as err:
        return Rejected(SOURCE, str(midi), err.reason)
    except Exception as exc:  # any parser failure is one bad file, not a crash
        return Rejected(SOURCE, str(midi), f"unreadable MIDI ({exc})")
    tracks = [t for t in score.tracks if t.name.strip().upper() == "MELODY"]
    if not tracks or tracks[0].note_num() == 0:
        return Rejected(SOURCE, str(midi), "no MELODY track with notes")
    try:
        beat_table = np.loadtxt(d / "beat_midi.txt", ndmin=2)
    except (OSError, ValueError) as exc:
        return Rejected(SOURCE, str(midi), f"beat_midi.txt missing or unreadable ({exc})")
    if beat_table.shape[0] < 8 or beat_table.shape[1] < 3 or np.any(np.diff(beat_table[:, 0]) <= 0):
        return Rejected(SOURCE, str(midi), "beat_midi.txt has too few or unordered beats")
    beats = beat_table[:, 0]
    arr = tracks[0].notes.numpy()
    on = _beat_positions(arr["time"].astype(float), beats)
    off = _beat_positions((arr["time"] + arr["duration"]).astype(float), beats)
    on_step = np.rint(on * STEPS_PER_BEAT).astype(int)
    off_step = np.maximum(on_step + 1, np.rint(off * STEPS_PER_BEAT).astype(int))
    order = np.argsort(on_step, kind="stable")
    on_step, off_step, on = on_step[order], off_step[order], on[order]
    arr = {k: np.asarray(v)[order] for k, v in arr.items()}
    off_step[:] = tidy_ends(on_step.astype(np.int64), off_step.astype(np.int64))
    keep = on_step >= 0
    notes = [Note(s * 120, e * 120, int(p)) for s, e, p in
             zip(on_step[keep].tolist(), off_step[keep].tolist(), arr["pitch"][keep].tolist(), strict=True)
             if 0 <= p <= 127]
    total_steps = (len(beats) + beats_per_bar) * STEPS_PER_BEAT
    tokens = melody_to_events(Melody(notes), num_steps=max(total_steps, max(on_step) + 1))
    segments = []
    for first_beat, n_bars in _bar_segments(beat_table[:, column], len(beats), beats_per_bar):
        s = first_beat * STEPS_PER_BEAT
        seg = tokens[s: s + n_bars * shape.steps].astype(TOKEN_DTYPE)
        if len(seg) == n_bars * shape.steps and n_bars:
            segments.append(seg)
    if not segments:
        return Rejected(SOURCE, str(midi), f"no run of regular {beats_per_bar}-beat bars in beat_midi.txt")
    title = (meta or {}).get("name") or d.name
    return Song(SOURCE, d.name, str(title), segments, str(midi), shape.steps)
