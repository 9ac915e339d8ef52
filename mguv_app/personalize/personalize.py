"""``personalize()``: the user's melodies -> frozen base-model latents -> a trained MidiMe -> a model folder.

The folder written is self-contained: the base model's files are copied in (``config.json`` gains
``"kind": "personalized"`` and the base's path), and ``midime.safetensors`` / ``midime.json`` sit
beside them. ``TrainedModel(folder)`` still loads it (plain base model); ``open_model(folder)``
returns a :class:`PersonalizedModel` that samples in the user's style.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..fileio import atomic_write
from ..model.checkpoint import CONFIG
from ..music.events import PITCH_OFFSET
from ..music.melody import Melody
from .midime import MidiMeConfig, train_midime

MAX_WINDOWS = 256  # encoding is the cost (~0.7 GFLOP per 16-bar window); more adds time, not style


class PersonalizeError(Exception):
    """Personalisation cannot go ahead; the message says why (no windows, bad folder...)."""


@dataclass
class PersonalizeResult:
    folder: Path
    windows: int
    files: int
    refused: list[tuple[str, str]] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "windows": self.windows, "files": self.files,
                "refused": [{"path": p, "reason": r} for p, r in self.refused],
                "figures": self.figures, "seconds": self.seconds}


def collect_windows(base, data, progress: Callable[[dict], None] | None = None
                    ) -> tuple[np.ndarray, int, list[tuple[str, str]]]:
    """Token windows of the base model's length from a MIDI folder, melodies or a token array.

    Returns (windows, files read, refused files)."""
    steps = base.bars * base.steps_per_bar
    if isinstance(data, np.ndarray):
        if data.ndim != 2 or data.shape[1] != steps:
            raise PersonalizeError(f"token windows must have shape (n, {steps}), got {data.shape}")
        return data.astype(np.int64), len(data), []
    if isinstance(data, (list, tuple)) and all(isinstance(m, Melody) for m in data):
        rows = []
        for m in data:  # the scan's rule: a window needs notes in at least half of its bars
            for first in range(0, max(1, m.num_bars - base.bars + 1)):
                w = base._tokens(m, first)
                if (w.reshape(base.bars, -1) >= PITCH_OFFSET).any(-1).sum() >= max(1, base.bars // 2):
                    rows.append(w)
        return (np.stack(rows) if rows else np.zeros((0, steps), np.int64)), len(data), []
    from ..training.data import scan_folder

    folder = Path(data)
    if not folder.is_dir():
        raise PersonalizeError(f"{folder}: no such folder")
    ws = scan_folder(folder, base.bars, base.steps_per_bar, valid_fraction=0.0, meter=base.time_signature, progress=(
        (lambda d, n, r: progress({"event": "scan", "done": d, "total": n, "refused": len(r.refused)}))
        if progress else None))
    return ws.train.astype(np.int64), ws.report.read, list(ws.report.refused)


def _copy_base(base_folder: Path, dest: Path, meta: dict) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for f in base_folder.iterdir():
        if f.is_file() and f.suffix in (".safetensors", ".json") and not f.name.startswith("midime"):
            if f.name == CONFIG:
                cfg = json.loads(f.read_text())
                cfg.update(meta)
                atomic_write(dest / CONFIG, json.dumps(cfg, indent=2))
            else:
                shutil.copy2(f, dest / f.name)


def personalize(base, data, out: str | Path, cfg: MidiMeConfig | None = None, name: str | None = None,
                progress: Callable[[dict], None] | None = None, should_stop: Callable[[], bool] | None = None,
                max_windows: int = MAX_WINDOWS) -> PersonalizeResult:
    """Train MidiMe over ``base`` (a TrainedModel) on ``data`` and write the model folder ``out``."""
    started = time.perf_counter()
    out = Path(out)
    windows, files, refused = collect_windows(base, data, progress)
    if len(windows) == 0:
        raise PersonalizeError(f"no {base.bars}-bar windows with notes found in the data "
                               f"({files} file(s) read, {len(refused)} refused); personalisation needs "
                               f"melodies at least {base.bars} bars long")
    if len(windows) > max_windows:
        windows = windows[np.random.default_rng(0).choice(len(windows), max_windows, replace=False)]
    if progress:
        progress({"event": "encode", "windows": len(windows)})
    t_encode = time.perf_counter()
    mu = np.concatenate([base.encode_tokens(windows[i: i + 256])[0] for i in range(0, len(windows), 256)])
    t_encode = time.perf_counter() - t_encode
    net, figures = train_midime(mu, cfg, progress, should_stop)
    figures["encode_seconds"] = round(t_encode, 3)
    if should_stop and should_stop():
        raise PersonalizeError("personalisation was cancelled")
    tmp = out.parent / f".{out.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    created = time.strftime("%Y-%m-%dT%H:%M:%S")
    _copy_base(Path(base.folder), tmp, {"kind": "personalized", "name": name or out.name,
                                         "base": str(Path(base.folder).resolve()), "created": created,
                                         "metrics": {"midime_" + k: v for k, v in figures.items()},
                                         "windows": len(windows), "files": files})
    net.save(tmp, {"base": str(Path(base.folder).resolve()), "windows": len(windows), "files": files,
                   "figures": figures, "created": created})
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    seconds = round(time.perf_counter() - started, 3)
    result = PersonalizeResult(out, len(windows), files, refused, figures, seconds)
    if progress:
        progress({"event": "done", "model": str(out), "seconds": seconds, **figures})
    return result


__all__ = ["PersonalizeError", "PersonalizeResult", "collect_windows", "personalize"]
