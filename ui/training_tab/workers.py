"""The Training tab's two in-process jobs, for its ``JobRunner`` (``ui/background.py``): scanning a folder and
MidiMe personalisation.

Training itself runs in a child process (``mguv_app.training.process``); these two are short and need no
isolation. Each is a plain function of a ``CancelToken`` and a ``report`` callable (which the runner delivers
on the GUI thread); a failure is raised as a ``ValueError`` whose message the tab shows as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def scan(folder: str | Path, bars: int, steps_per_bar: int, meter: tuple[int, int] | None, token,
         report: Callable[[tuple[int, int, int]], None]):
    """``scan_folder``: (done, total, refused so far) reported per file, then the WindowSet. A newer scan
    cancels this one at its next file."""
    from mguv_app.generation import Cancelled
    from mguv_app.training.data import scan_folder

    def progress(done, total, so_far) -> None:
        token.check()
        report((done, total, len(so_far.refused)))

    try:
        return scan_folder(str(folder), bars, steps_per_bar, meter=meter, progress=progress)
    except Cancelled:
        raise
    except Exception as exc:  # an unreadable folder must end as a message, not a dead job
        raise ValueError(f"Cannot scan {folder}: {exc}") from exc


def personalize_model(base_folder: str | Path, data: str | Path, out: str | Path, steps: int, latent: int,
                      name: str, token, report: Callable[[dict], None]):
    """``personalize()`` on the base model; its events reported as the function gives them; Stop (the token
    cancelled) ends it with "personalisation was cancelled"."""
    from mguv_app.engine import TrainedModel
    from mguv_app.model import CheckpointError
    from mguv_app.personalize import MidiMeConfig, PersonalizeError, personalize

    try:
        base = TrainedModel(base_folder, "cpu")
        return personalize(base, data, out, MidiMeConfig(latent_dim=latent, steps=steps), name=name,
                           progress=report, should_stop=lambda: token.cancelled)
    except (PersonalizeError, CheckpointError) as exc:
        raise ValueError(str(exc)) from exc
    except Exception as exc:  # keep the window alive whatever happens in torch
        raise ValueError(f"Personalisation failed: {type(exc).__name__}: {exc}") from exc
