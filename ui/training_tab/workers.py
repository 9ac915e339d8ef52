"""Background threads for the two in-process jobs: scanning a folder and MidiMe personalisation.

Training itself runs in a child process (``mguv_app.training.process``); these two are short and
need no isolation. Each worker reports through queued signals, so slots run on the GUI thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QThread, Signal


class ScanWorker(QThread):
    """``scan_folder`` in a thread: progress per file, then the WindowSet (or an error message)."""

    progress = Signal(int, int, int)  # done, total, refused so far
    finished_scan = Signal(object)  # WindowSet
    failed = Signal(str)

    def __init__(self, folder: str | Path, bars: int, steps_per_bar: int = 16, parent=None,
                 meter: tuple[int, int] | None = None):
        super().__init__(parent)
        self.folder, self.bars, self.steps_per_bar, self.meter = str(folder), bars, steps_per_bar, meter

    def run(self) -> None:
        from mguv_app.training.data import scan_folder

        try:
            ws = scan_folder(self.folder, self.bars, self.steps_per_bar, meter=self.meter,
                             progress=lambda d, n, r: self.progress.emit(d, n, len(r.refused)))
        except Exception as exc:  # an unreadable folder must end as a message, not a dead thread
            self.failed.emit(f"Cannot scan {self.folder}: {exc}")
            return
        self.finished_scan.emit(ws)


class PersonalizeWorker(QThread):
    """``personalize()`` in a thread; events are the same dicts the function reports."""

    event = Signal(dict)
    finished_ok = Signal(object)  # PersonalizeResult
    failed = Signal(str)

    def __init__(self, base_folder: str | Path, data: str | Path, out: str | Path, steps: int, latent: int,
                 name: str, parent=None):
        super().__init__(parent)
        self.base_folder, self.data, self.out = base_folder, data, out
        self.steps, self.latent, self.name = steps, latent, name
        self.cancel = threading.Event()

    def run(self) -> None:
        from mguv_app.engine import TrainedModel
        from mguv_app.model import CheckpointError
        from mguv_app.personalize import MidiMeConfig, PersonalizeError, personalize

        try:
            base = TrainedModel(self.base_folder, "cpu")
            result = personalize(base, self.data, self.out, MidiMeConfig(latent_dim=self.latent, steps=self.steps),
                                 name=self.name, progress=self.event.emit, should_stop=self.cancel.is_set)
        except (PersonalizeError, CheckpointError) as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # keep the window alive whatever happens in torch
            self.failed.emit(f"Personalisation failed: {type(exc).__name__}: {exc}")
            return
        self.finished_ok.emit(result)
