"""Training data: a folder of MIDI files (or a prebuilt corpus .npz) -> token windows of N bars.

Scanning runs in worker processes and is cached per file (keyed by path, size and mtime)
in the user cache dir, so re-scanning an unchanged folder is nearly free. Bad files are
reported with their reason and skipped; the split into train/validation is by file, so no
song leaks across the split.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..music.events import PITCH_OFFSET, VOCAB_SIZE, melody_to_events
from ..music.meter import is_compound


@dataclass
class ScanReport:
    files: int = 0
    read: int = 0
    windows: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def to_dict(self) -> dict:
        return {"files": self.files, "read": self.read, "windows": self.windows,
                "refused": [{"path": p, "reason": r} for p, r in self.refused]}


@dataclass
class WindowSet:
    train: np.ndarray  # (n, steps) uint8 tokens
    valid: np.ndarray
    report: ScanReport
    source: str


_METER_REFUSED = "time signature {}/{} does not fit"  # a file whose bars are not the model's: its refusal


def refused_meter(reason: str) -> tuple[int, int] | None:
    """The meter of a file a scan left out because its bars do not fit the model's (the reason
    ``file_windows`` gives), else None: the Training tab offers the meter most such files are in."""
    import re

    m = re.match(re.escape(_METER_REFUSED).replace(re.escape("{}"), r"(\d+)"), reason)
    return (int(m.group(1)), int(m.group(2))) if m else None


def file_windows(path: str, bars: int, steps_per_bar: int = 16, min_note_bars: float = 0.5,
                 hop_bars: int = 1, meter: tuple[int, int] | None = None) -> np.ndarray:
    """All windows of ``bars`` bars (hop ``hop_bars``) of the file's melody with enough notes. With ``meter``
    (the one the model learns), a file whose beats are grouped otherwise is refused too: a 3/4 tune's bars
    fit a 6/8 model's, but it would teach it three beats where 6/8 has two."""
    from ..music.midi_read import read_midi

    melody = read_midi(path).melody
    num, den = melody.time_signature
    if steps_per_bar % melody.steps_per_bar:
        raise ValueError(f"{_METER_REFUSED.format(num, den)} this model's {steps_per_bar}-step bars")
    if meter is not None and is_compound(melody.time_signature) != is_compound(meter):
        raise ValueError(f"{_METER_REFUSED.format(num, den)} this model's {meter[0]}/{meter[1]} beats")
    events = melody_to_events(melody).astype(np.uint8)
    total_bars = len(events) // steps_per_bar + (1 if len(events) % steps_per_bar else 0)
    events = np.pad(events, (0, total_bars * steps_per_bar - len(events)))
    # a window starts at a bar where a note starts soon (skip long silent intros)
    steps = bars * steps_per_bar
    out = []
    for first in range(0, max(0, total_bars - bars) + 1, hop_bars):
        w = events[first * steps_per_bar: first * steps_per_bar + steps]
        if len(w) < steps:
            break
        bars_with_notes = (w.reshape(bars, steps_per_bar) >= PITCH_OFFSET).any(-1).sum()
        if bars_with_notes >= max(1, int(bars * min_note_bars)) and w[: steps_per_bar * 2].max() >= PITCH_OFFSET:
            out.append(w)
    return np.stack(out) if out else np.zeros((0, steps), np.uint8)


def _scan_one(args) -> tuple[str, np.ndarray | None, str | None]:
    path, bars, spb, meter = args
    from ..music.errors import MidiImportError

    try:
        return path, file_windows(path, bars, spb, meter=meter), None
    except (MidiImportError, ValueError) as exc:
        return path, None, getattr(exc, "reason", str(exc))
    except Exception as exc:  # a parser bug must not stop a scan of thousands of files
        return path, None, f"unexpected error: {exc}"


def _cache_dir() -> Path:
    import platformdirs

    d = Path(os.environ.get("MGUV_CACHE_DIR") or platformdirs.user_cache_dir("mguv-studio", "MGU-V")) / "windows"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _cache_key(path: Path, bars: int, spb: int, meter=None) -> str:
    st = path.stat()
    grouping = "" if meter is None else f"|{'compound' if is_compound(meter) else 'simple'}"
    raw = f"v1|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{bars}|{spb}{grouping}"
    return hashlib.sha1(raw.encode()).hexdigest()


def _write_cache(path: Path, windows: np.ndarray | None, error: str | None) -> None:
    try:
        if error is not None:
            np.savez(path, error=np.array(error))
        else:
            np.savez(path, windows=windows)
    except OSError:
        pass  # a full disk only costs us the cache


def is_validation_file(path: str, fraction: float) -> bool:
    """Deterministic split by file name: the same file is always on the same side."""
    return (zlib.crc32(Path(path).name.encode()) % 10_000) < fraction * 10_000


def scan_folder(folder: str | Path, bars: int, steps_per_bar: int = 16, valid_fraction: float = 0.1,
                workers: int | None = None, progress=None, cache: bool = True,
                meter: tuple[int, int] | None = None) -> WindowSet:
    """Scan every MIDI file under ``folder``; ``progress(done, total, report)`` is called as files finish.
    ``meter``: keep only files whose beats are grouped as its are (``file_windows``)."""
    from ..music.midi_read import iter_midi_files

    files = iter_midi_files([folder])
    report = ScanReport(files=len(files))
    per_file: dict[str, np.ndarray] = {}
    todo = []
    cdir = _cache_dir() if cache else None
    for f in files:
        if cdir is not None:
            cf = cdir / (_cache_key(f, bars, steps_per_bar, meter) + ".npz")
            if cf.exists():
                try:
                    with np.load(cf) as z:
                        if "error" in z:
                            report.refused.append((str(f), str(z["error"])))
                        else:
                            per_file[str(f)] = z["windows"]
                    continue
                except Exception:
                    pass  # unreadable cache entry: scan again
        todo.append(str(f))
    done = len(files) - len(todo)
    workers = workers or min(8, os.cpu_count() or 1)
    jobs = [(p, bars, steps_per_bar, meter) for p in todo]
    pool = ProcessPoolExecutor(workers) if workers > 1 and len(jobs) >= 8 else None
    try:
        results = pool.map(_scan_one, jobs, chunksize=8) if pool else map(_scan_one, jobs)
        for path, windows, error in results:
            done += 1
            if error is not None:
                report.refused.append((path, error))
            else:
                per_file[path] = windows
            if cdir is not None:
                _write_cache(cdir / (_cache_key(Path(path), bars, steps_per_bar, meter) + ".npz"), windows, error)
            if progress:
                progress(done, len(files), report)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    report.read = len(per_file)
    names = sorted(per_file)
    valid_names = {n for n in names if is_validation_file(n, valid_fraction)}
    if not valid_names and len(names) >= 2 and valid_fraction > 0:
        valid_names = {names[-1]}
    steps = bars * steps_per_bar
    empty = np.zeros((0, steps), np.uint8)
    train = np.concatenate([per_file[n] for n in names if n not in valid_names] or [empty])
    valid = np.concatenate([per_file[n] for n in names if n in valid_names] or [empty])
    report.windows = len(train) + len(valid)
    return WindowSet(train, valid, report, str(folder))


def corpus_meter(path: str | Path) -> tuple[int, int] | None:
    """The meter ``model_training.build_corpus`` recorded for a corpus .npz (``settings.meter`` in the .json
    beside it), or None (no .json, an older corpus, not a corpus)."""
    try:
        num, den = json.loads(Path(path).with_suffix(".json").read_text())["settings"]["meter"].split("/")
        return int(num), int(den)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


class CorpusError(ValueError):
    """A corpus .npz that cannot be trained on; the message names the file and says why."""


def load_corpus(path: str | Path, bars: int, steps_per_bar: int = 16, split: str = "train") -> np.ndarray:
    """One split of a corpus built by ``model_training.build_corpus`` (key ``{split}_{bars}``): windows of
    tokens, one row each. Never unpickles (``allow_pickle=False``): a pickled or broken file, a missing split,
    windows of the wrong length or tokens outside the vocabulary are a :class:`CorpusError`."""
    key = f"{split}_{bars}"
    try:
        with np.load(path, allow_pickle=False) as z:
            if key not in z.files:
                raise KeyError(f"{path} has no '{key}' array (has: {', '.join(z.files) or 'none'})")
            arr = z[key]
    except KeyError as exc:
        raise CorpusError(exc.args[0]) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:  # not an .npz, pickled arrays, cut off
        raise CorpusError(f"{path}: not a corpus .npz ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
                          ) from None
    if arr.ndim != 2 or arr.shape[1] != bars * steps_per_bar:
        raise CorpusError(f"{path}:{key} has windows of shape {arr.shape[1:]}, expected {bars * steps_per_bar} steps")
    if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() >= VOCAB_SIZE)):
        raise CorpusError(f"{path}:{key} holds values that are not note tokens (whole numbers 0-{VOCAB_SIZE - 1})")
    return arr.astype(np.uint8)


def load_windows(data: str | Path, bars: int, steps_per_bar: int = 16, valid_fraction: float = 0.1,
                 progress=None, meter: tuple[int, int] | None = None) -> WindowSet:
    """A corpus .npz (its train/valid splits) or a folder of MIDI files (scanned and split by file; with
    ``meter``, only files in a meter of its beats)."""
    data = Path(data)
    if data.is_file() and data.suffix == ".npz":
        train = load_corpus(data, bars, steps_per_bar, "train")
        valid = load_corpus(data, bars, steps_per_bar, "valid")
        return WindowSet(train, valid, ScanReport(windows=len(train) + len(valid)), str(data))
    if not data.is_dir():
        raise FileNotFoundError(f"{data}: no such folder or corpus file")
    return scan_folder(data, bars, steps_per_bar, valid_fraction, progress=progress, meter=meter)


def summary_json(ws: WindowSet) -> str:
    return json.dumps({"event": "data", "source": ws.source, "train_windows": len(ws.train),
                       "valid_windows": len(ws.valid), **ws.report.to_dict()})
