"""Autosave and crash recovery, Qt-free so it is testable on its own.

While the app runs, a session marker (``session.json`` with our pid) sits in the autosave
folder; the melody is saved there as ``autosave.mid`` (atomically: temp file + rename)
every minute and after every Generate. A clean exit removes both. If the next start finds
a marker whose process is gone and an autosave next to it, the previous session crashed
and the window offers to restore the autosave.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from mguv_app.fileio import atomic_write
from mguv_app.music import Melody, read_midi, write_midi
from mguv_app.music.errors import MidiImportError
from mguv_app.paths import user_data_dir


@dataclass(frozen=True)
class Recovery:
    """What a crashed session left behind."""

    melody: Melody
    source_path: str | None  # the file that session was editing, if any
    saved_at: float


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists but belongs to someone else
        return True
    return True


class Autosaver:
    def __init__(self, folder: str | os.PathLike | None = None, pid: int | None = None) -> None:
        self.folder = Path(folder) if folder else user_data_dir() / "autosave"
        self.pid = os.getpid() if pid is None else pid
        self.melody_path = self.folder / "autosave.mid"
        self.marker_path = self.folder / "session.json"

    def _read_marker(self) -> dict | None:
        try:
            data = json.loads(self.marker_path.read_text("utf-8"))
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def pending_recovery(self) -> Recovery | None:
        """The autosave of a session that did not exit cleanly (and is not still running), if any."""
        marker = self._read_marker()
        if marker is None or not self.melody_path.exists():
            return None
        pid = int(marker.get("pid", -1)) if str(marker.get("pid", "")).lstrip("-").isdigit() else -1
        if pid != self.pid and _pid_alive(pid):
            return None  # another window is running and owns that autosave
        try:
            melody = read_midi(self.melody_path).melody
        except MidiImportError:
            return None
        return Recovery(melody, marker.get("source_path"), float(marker.get("saved_at", 0.0)))

    def start_session(self, source_path: str | None = None) -> None:
        """Claim the autosave folder for this process (call after any recovery was handled)."""
        self._write_marker(source_path, saved_at=0.0)

    def _write_marker(self, source_path: str | None, saved_at: float) -> None:
        atomic_write(self.marker_path, json.dumps({"pid": self.pid, "source_path": source_path,
                                                   "saved_at": saved_at}))

    def save(self, melody: Melody, source_path: str | None = None) -> Path:
        """Write the autosave atomically and note which file it belongs to."""
        if melody.notes:
            write_midi(melody, self.melody_path)
        elif self.melody_path.exists():
            self.melody_path.unlink()  # an empty melody: nothing worth restoring
        self._write_marker(source_path, time.time())
        return self.melody_path

    def end_session(self) -> None:
        """A clean exit: nothing to recover next time (only if this process owns the folder)."""
        marker = self._read_marker()
        if marker is None or marker.get("pid") != self.pid:
            return
        for p in (self.melody_path, self.marker_path):
            if p.exists():
                p.unlink()

    def discard(self) -> None:
        if self.melody_path.exists():
            self.melody_path.unlink()
