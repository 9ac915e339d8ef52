"""MIDI import: any Standard MIDI File -> one monophonic :class:`Melody`.

Parsing uses symusic (a C++ parser, ~100x faster than pretty_midi), so scanning a
folder of thousands of files takes seconds. Before symusic sees a byte, a cheap
structural check in Python refuses what is not a well-formed SMF (empty, text,
truncated, wrong chunk lengths, too large), so every bad file yields one typed
:class:`MidiImportError` naming the file and the problem instead of a traceback.

Which line is the melody: a non-drum track named like a melody ("melody", "lead",
"vocal", ...), else the skyline (highest note at each onset) of all non-drum tracks. One track
keeps its exact timing (triplets, a take, a performance; of a chord the top note stays); the skyline
of several tracks is quantized to 16ths first (see ``_line``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import (
    AbsurdTimingError,
    CorruptMidiError,
    FileTooLargeError,
    MidiImportError,
    MidiSaveError,
    NoMelodyError,
    NotMidiError,
)
from .melody import CHORD_MARKER, TICKS_PER_QUARTER, TICKS_PER_STEP, Melody, Note
from .meter import MeterMap, valid_meter
from .smf_layout import read_layout

MAX_FILE_BYTES = 32 * 1024 * 1024  # real MIDI files are rarely over 2 MB
MAX_QUARTERS = 16_384  # 4,096 bars of 4/4, over two hours at 120 BPM: anything longer is a broken delta time or
# resolution (a mutated PPQ made a tune span 43,700 bars; accompanying it took 45 s and 1 GB)
MIN_QPM, MAX_QPM = 4.0, 1500.0
MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar", ".rmi")
MELODY_NAME = re.compile(r"melod|lead|vocal|voice|tune|singer|solo", re.IGNORECASE)


@dataclass(frozen=True)
class ImportedMelody:
    """A melody plus where it came from (for ``mguv inspect`` and the UI)."""

    melody: Melody
    path: str
    track: str  # the chosen track's name, or "skyline of N tracks"
    num_tracks: int
    midi_format: int
    source_tpq: int
    # the other pitched tracks' notes (start, end, pitch, velocity rows at 480 per quarter) when one
    # track was chosen as the melody: the song's accompaniment, whose chords the Band can take
    accompaniment: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))
    note_tracks: int = 1  # tracks with notes, drums included: above 1, saving the melody alone would drop some
    track_index: int | None = None  # the chosen track's place in the parsed score (None for a skyline)


def _check_structure(path: Path, data: bytes) -> tuple[bytes, int, int]:
    """Validate the SMF chunk layout (``smf_layout.read_layout``, which a song's save reads too); return the
    bytes the parser reads (the header and the announced tracks: a RIFF wrapper, unknown chunks and anything
    after the last track left out), the format and the ticks per quarter."""
    layout = read_layout(path, data)
    return layout.smf, layout.fmt, layout.division


def _parse(path: Path, data: bytes):
    import symusic  # deferred: keeps `import mguv_app` light

    try:
        return symusic.Score.from_midi(data)
    except Exception as exc:  # symusic raises RuntimeError with a MiniMidi message
        msg = str(exc).replace("MiniMidi: ", "").replace(": iostream error", "").strip()
        raise CorruptMidiError(path, f"broken MIDI data ({msg})") from None


def _check_timing(path: Path, score) -> None:
    for t in score.tempos:
        if t.mspq <= 0 or not MIN_QPM <= t.qpm <= MAX_QPM:
            raise AbsurdTimingError(path, f"absurd tempo {t.qpm:.6g} BPM at tick {t.time}")
    end = max((tr.end() for tr in score.tracks if tr.note_num()), default=0)
    if end > MAX_QUARTERS * score.tpq:
        raise AbsurdTimingError(
            path, f"absurd timing: a note ends {end / score.tpq / 4:,.0f} bars in "
            "(a delta time is broken)")


def _track_arrays(track, scale: float) -> np.ndarray:
    """(n, 4) int64 rows of start, end, pitch, velocity at our resolution (end > start)."""
    arr = track.notes.numpy()
    start = np.round(arr["time"].astype(np.float64) * scale).astype(np.int64)
    end = np.round((arr["time"].astype(np.float64) + arr["duration"]) * scale).astype(np.int64)
    rows = np.stack([start, np.maximum(end, start + 1), arr["pitch"].astype(np.int64),
                     np.clip(arr["velocity"].astype(np.int64), 1, 127)], axis=1)
    return rows[(rows[:, 0] >= 0) & (rows[:, 2] >= 0) & (rows[:, 2] <= 127)]


FLAM_TICKS = 30  # onsets closer than a 64th are one chord played loosely, not two notes of a line


def _line(rows: np.ndarray, one_track: bool) -> list[Note]:
    """The melody line of ``rows``. One track keeps its timing exactly (what the editor wrote: triplets,
    an unquantized take, a humanized line; or what a player performed): of notes starting within
    :data:`FLAM_TICKS` of each other (a chord, a flam) the highest stays, and each note is cut at the
    next onset. The skyline of several tracks is quantized to 16ths first (``_quantized_line``), as
    their notes rarely line up otherwise."""
    if not one_track or not len(rows):
        return _quantized_line(rows)
    line = rows[np.lexsort((-rows[:, 2], rows[:, 0]))]  # by start, the highest first at a start
    keep, group_start, best = [], None, None
    for k, (start, _end, pitch, _vel) in enumerate(line.tolist()):
        if group_start is None or start - group_start >= FLAM_TICKS:
            if best is not None:
                keep.append(best)
            group_start, best = start, k
        elif pitch > line[best, 2]:  # a higher note of the chord: kept instead, and the next onsets measured from it,
            best, group_start = k, start  # so kept notes start FLAM_TICKS apart and a saved line reads back as itself
    keep.append(best)
    line = line[keep]
    end = line[:, 1].copy()
    end[:-1] = np.minimum(end[:-1], line[1:, 0])
    return [Note(a, b, c, d) for a, b, c, d in zip(line[:, 0].tolist(), end.tolist(), line[:, 2].tolist(),
                                                    line[:, 3].tolist(), strict=True)]


def _quantized_line(rows: np.ndarray) -> list[Note]:
    """Vectorised ``Melody.quantized().monophonic()``: snap to 16ths, keep the highest note at each
    onset, cut each note at the next onset (the same rules, ~20x faster for bulk scans)."""
    if not len(rows):
        return []
    grid = TICKS_PER_STEP
    start = np.round(rows[:, 0] / grid).astype(np.int64) * grid
    end = np.maximum(start + grid, np.round(rows[:, 1] / grid).astype(np.int64) * grid)
    pitch, vel = rows[:, 2], rows[:, 3]
    order = np.lexsort((vel, end, -pitch, start))  # per onset: highest pitch, then shortest, softest
    start, end, pitch, vel = start[order], end[order], pitch[order], vel[order]
    first = np.r_[True, start[1:] != start[:-1]]
    start, end, pitch, vel = start[first], end[first], pitch[first], vel[first]
    end[:-1] = np.minimum(end[:-1], start[1:])
    return [Note(a, b, c, d) for a, b, c, d in zip(start.tolist(), end.tolist(), pitch.tolist(), vel.tolist(),
                                                    strict=True)]


def _time_signature(score) -> tuple[int, int]:
    for ts in score.time_signatures:
        if valid_meter(ts.numerator, ts.denominator):
            return ts.numerator, ts.denominator
    return 4, 4


def meter_events(score, scale: float | None = None) -> tuple[tuple[int, tuple[int, int]], ...]:
    """Every track's time-signature events as ``(tick at 480 a quarter, (num, den))``, sorted, one per tick
    (the first one listed, as the file's meter has always been read); meters no melody can have are skipped.
    Empty without any."""
    scale = TICKS_PER_QUARTER / score.tpq if scale is None else scale
    by_tick: dict[int, tuple[int, int]] = {}
    for ts in score.time_signatures:
        if valid_meter(ts.numerator, ts.denominator):
            by_tick.setdefault(int(round(ts.time * scale)), (int(ts.numerator), int(ts.denominator)))
    return tuple(sorted(by_tick.items()))


def meter_fields(score, scale: float | None = None) -> dict:
    """``time_signature`` and ``meters`` for a :class:`Melody` read from ``score``: its meter map, the events
    kept only where they say more than one meter from tick 0 (a pickup, a change). A first one less than a
    16th after tick 0 counts as at tick 0 (no pickup is that short)."""
    events = meter_events(score, scale)
    if not events:
        return {"time_signature": (4, 4), "meters": ()}
    if 0 < events[0][0] < TICKS_PER_STEP:  # a first time signature a hair after tick 0 (a writer's delta): at 0
        events = ((0, events[0][1]),) + tuple(e for e in events[1:])
    meter_map = MeterMap(events)
    return {"time_signature": meter_map.main, "meters": () if meter_map.is_uniform else meter_map.events}


def first_qpm(score) -> float:
    """The tempo the editor shows for a file: its first, to 0.01 BPM (pretty_midi and most writers store
    whole microseconds per quarter: the rounding takes that jitter away); 120 without one."""
    return float(round(score.tempos[0].qpm, 2)) if len(score.tempos) else 120.0


def _chord_marks(score, scale: float) -> dict[int, str]:
    """Markers ``Chord: Dm7`` (what our writer adds for chords the user chose) as ``{tick: "Dm7"}``."""
    prefix, out = CHORD_MARKER.strip(), {}
    for m in score.markers:
        text = (m.text or "").strip()
        symbol = text[len(prefix):].strip()
        if text.startswith(prefix) and symbol:
            out[int(round(m.time * scale))] = symbol
    return out


@dataclass(frozen=True)
class TrackInfo:
    """One track of a file as the melody chooser lists it (``index`` is what ``read_midi(track=)`` takes)."""

    index: int
    name: str
    program: int
    is_drum: bool
    notes: int
    lowest: int
    highest: int


def list_tracks(path: str | os.PathLike, *, data: bytes | None = None) -> list[TrackInfo]:
    """Every track with notes (split by channel, as symusic reads them), drums included."""
    score = _load(Path(path), data)[0]
    out = []
    for i, t in enumerate(score.tracks):
        if t.note_num():
            pitches = t.notes.numpy()["pitch"]
            out.append(TrackInfo(i, t.name or "", int(t.program), bool(t.is_drum), int(t.note_num()),
                                 int(pitches.min()), int(pitches.max())))
    return out


def _load(path: Path, data: bytes | None):
    """The file checked and parsed: (symusic Score, SMF format, ticks per quarter in the header); or a
    :class:`MidiImportError` saying why not."""
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FileTooLargeError(
                    path, f"the file is {size / 2**20:.0f} MB; MIDI files over "
                    f"{MAX_FILE_BYTES // 2**20} MB are refused")
            data = path.read_bytes()
        except MidiImportError:
            raise
        except IsADirectoryError:
            raise NotMidiError(path, "this is a folder, not a MIDI file") from None
        except OSError as exc:
            raise MidiImportError(path, f"cannot read the file ({exc.strerror or exc})") from None
    elif len(data) > MAX_FILE_BYTES:
        raise FileTooLargeError(path, f"the data is {len(data) / 2**20:.0f} MB; too large")
    data, fmt, tpq = _check_structure(path, data)
    score = _parse(path, data)
    _check_timing(path, score)
    return score, fmt, tpq


def read_midi(path: str | os.PathLike, *, data: bytes | None = None, track: int | None = None,
              allow_empty: bool = False) -> ImportedMelody:
    """Read ``path`` and return its melody, overlaps cut (one track's timing kept, a skyline quantized to 16ths).

    The melody is the track ``track`` (an index of :func:`list_tracks`) when given, else the one
    the module docstring's rule picks. Raises a subclass of :class:`MidiImportError` for anything
    unusable, including a ``track`` that is not a pitched track with notes. ``allow_empty`` (the
    window's Open, and the check of every file we save): a file with no pitched notes gives an empty
    melody with its tempo, meter and chords instead of :class:`NoMelodyError`, as the editor saves one.
    """
    path = Path(path)
    score, fmt, tpq = _load(path, data)
    scale = TICKS_PER_QUARTER / score.tpq

    all_tracks = list(score.tracks)
    tracks = [t for t in all_tracks if t.note_num() > 0]
    melodic = [t for t in tracks if not t.is_drum]
    if not melodic and not allow_empty:
        raise NoMelodyError(path, "only drum tracks, no melody" if tracks else "the file has no notes")
    named = [t for t in melodic if MELODY_NAME.search(t.name or "")]
    chosen = None
    if track is not None:  # the user's choice
        if not 0 <= track < len(all_tracks) or all_tracks[track].is_drum or not all_tracks[track].note_num():
            raise NoMelodyError(path, f"track {track} is not a pitched track with notes")
        chosen = all_tracks[track]
        rows, program, track_label = _track_arrays(chosen, scale), chosen.program, chosen.name or f"track {track + 1}"
    elif named:
        exact = [t for t in named if t.name.strip().lower() == "melody"]
        chosen = max(exact or named, key=lambda t: t.note_num())
        rows, program, track_label = _track_arrays(chosen, scale), chosen.program, chosen.name
    elif len(melodic) == 1:
        chosen = melodic[0]
        rows, program = _track_arrays(chosen, scale), chosen.program
        track_label = chosen.name or "track 1"
    elif not melodic:  # allow_empty: nothing pitched in the file
        rows, program, track_label = np.zeros((0, 4), dtype=np.int64), 0, "no notes"
    else:
        parts = [_track_arrays(t, scale) for t in melodic]
        rows = np.concatenate(parts)
        program = melodic[int(np.argmax([len(p) for p in parts]))].program  # the busiest track's sound
        track_label = f"skyline of {len(melodic)} tracks"

    meter = meter_fields(score, scale)
    melody = Melody(_line(rows, chosen is not None), first_qpm(score), meter["time_signature"], int(program),
                    path.stem, _chord_marks(score, scale), meter["meters"])
    if not melody.notes and not allow_empty:
        raise NoMelodyError(path, "the file has no notes")
    others = [_track_arrays(t, scale) for t in melodic if chosen is not None and t is not chosen]
    accompaniment = np.concatenate(others) if others else np.zeros((0, 4), dtype=np.int64)
    index = None if chosen is None else next(i for i, t in enumerate(all_tracks) if t is chosen)
    return ImportedMelody(melody, str(path), track_label, len(all_tracks), fmt, tpq, accompaniment, len(tracks),
                          index)


def check_reopens(path: str | os.PathLike, data: bytes) -> ImportedMelody:
    """``data``, about to be saved as ``path``, read as the window's Open reads it (an empty melody allowed);
    :class:`MidiSaveError` saying why not when it would not open, so that no save reports success for a
    file the app then refuses."""
    try:
        return read_midi(path, data=data, allow_empty=True)
    except MidiImportError as err:
        raise MidiSaveError(path, f"the saved file would not open again ({err.reason}); nothing was written") from None


def iter_midi_files(paths) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of MIDI file paths."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in MIDI_SUFFIXES)
        else:
            out.append(p)
    return out
