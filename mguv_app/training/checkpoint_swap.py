"""Swap a freshly written checkpoint folder into place, and repair a run cut off mid-swap.

A checkpoint is written whole to ``RUN/checkpoint.tmp`` (``state.json`` last), then swapped in:
``checkpoint`` → ``checkpoint.old``, ``checkpoint.tmp`` → ``checkpoint``. A kill between those two
renames leaves no ``checkpoint`` at all; :func:`recover` puts the newest complete one back, so the
run is still offered for resuming. Torch-free: the models registry calls it at start-up.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

STATE = "state.json"  # written last: its presence means the folder is complete


def swap_in(run_dir: str | Path) -> Path:
    """Make the complete ``checkpoint.tmp`` the run's checkpoint; returns the checkpoint folder."""
    run_dir = Path(run_dir)
    tmp, final, old = run_dir / "checkpoint.tmp", run_dir / "checkpoint", run_dir / "checkpoint.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def recover(run_dir: str | Path) -> bool:
    """Without a complete ``checkpoint``, restore the newest complete one a cut-off swap left behind
    (``checkpoint.tmp`` is newer than ``checkpoint.old``). True when the run has a checkpoint."""
    run_dir = Path(run_dir)
    final = run_dir / "checkpoint"
    if (final / STATE).is_file():
        return True
    for candidate in (run_dir / "checkpoint.tmp", run_dir / "checkpoint.old"):
        if (candidate / STATE).is_file():
            shutil.rmtree(final, ignore_errors=True)
            candidate.rename(final)
            return True
    return False


def saved_step(run_dir: str | Path) -> int:
    """The training step the run's checkpoint holds."""
    return int(json.loads((Path(run_dir) / "checkpoint" / STATE).read_text())["step"])
