"""What a run started from the Training tab is, decided without Qt: the model it starts from, the bars of
its training windows, the meter it learns and what a folder's melodies say about that meter.

The tab shows these choices and asks for the rest (the folder, the mode, the steps); ``mguv train`` takes
the same decisions as arguments (``--init-from``, ``--meter``, ``--set model.steps_per_bar=12``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .. import models_registry as reg
from ..model.config import DEFAULT_BARS
from ..music.meter import DEFAULT_METER, bar_steps
from .data import refused_meter

SCRATCH, FINETUNE, PERSONALIZE = "scratch", "finetune", "personalize"


def finetune_base(meter, default_folder: Path) -> Path | None:
    """The bundled model a fine-tune starts from: ``default_folder`` (the 4/4 one) when it writes in ``meter``,
    else the bundled one that writes in it or whose bars fit it (6/8 without a 6/8 model: the 3/4 one); None
    when none is installed (a missing default counts as 4/4: the tab then says "not installed")."""
    if reg.folder_writes_meter(default_folder, meter):
        return default_folder if (default_folder / "config.json").is_file() else None
    other = reg.bundled_model_dir(meter)
    fits = (other / "config.json").is_file() and reg.fits_meter(reg.model_steps_per_bar(other), meter)
    return other if fits else None


def personalize_base(meter, default_folder: Path) -> Path:
    """The model personalisation starts from: the active one unless that is itself personalised or does not
    write in ``meter``; else the bundled one for the meter (``finetune_base``), else ``default_folder``."""
    active = reg.active_model()
    if active is not None and not (active / "midime.json").is_file() and reg.folder_writes_meter(active, meter):
        return active
    return finetune_base(meter, default_folder) or default_folder


def model_bars(folder: Path | None) -> int:
    """The bars of a model's window, from its config.json; ``DEFAULT_BARS`` without a readable one."""
    if folder is None:
        return DEFAULT_BARS
    try:
        return int(json.loads((Path(folder) / "config.json").read_text())["model"]["bars"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_BARS


def window_bars(mode: str, base: Path | None, extra_sets=()) -> int:
    """Bars per training window: what ``--set model.bars=N`` says, else the base model's for a fine-tune or a
    personalisation, else ``DEFAULT_BARS`` (from scratch)."""
    for item in extra_sets:
        if item.startswith("model.bars="):
            return int(item.split("=", 1)[1])
    return DEFAULT_BARS if mode == SCRATCH else model_bars(base)


def meter_arguments(meter) -> tuple[list[str], tuple[int, int] | None]:
    """``mguv train``'s ``--set`` items and ``--meter`` for a model of ``meter``: 12-step bars for 3/4 and 6/8
    (none for 16), and the meter named unless it is 4/4, which every model is without saying."""
    steps = bar_steps(meter)
    sets = [] if steps == 16 else [f"model.steps_per_bar={steps}"]
    return sets, None if tuple(meter) == DEFAULT_METER else tuple(meter)


def _refused_meters(report) -> Counter:
    return Counter(m for _p, reason in report.refused for m in [refused_meter(reason)] if m)


def folder_meter(report, meter) -> tuple[int, int] | None:
    """The meter a scanned folder's melodies are mostly in, when it is not ``meter``: more files were left out
    for another meter's bars than were read (the tab then chooses that meter and scans again); else None."""
    meters = _refused_meters(report)
    if meters.total() <= report.read:  # most files fit the chosen meter
        return None
    best = meters.most_common(1)[0][0]
    return None if tuple(best) == tuple(meter) else best


def no_windows_text(report, meter, bars: int) -> str:
    """Why a scan found nothing to train on, and what to do: another meter, or longer melodies."""
    meters = _refused_meters(report)
    if meters:
        (num, den), count = meters.most_common(1)[0]
        return (f"No melody in this folder is in {meter[0]}/{meter[1]} bars: {count} of its files are in "
                f"{num}/{den}. Choose {num}/{den} under Meter to train on them.")
    return (f"No melody in this folder is {bars} bars long with enough notes to train on: add melodies of at "
            f"least {bars} bars to it.")
