"""Drag the current melody out of the window as a .mid file (into a file manager or a DAW).

Dragging needs a real file: the melody is written (atomically) to a temporary folder in
the user data dir and offered as a file URL, which every file manager and DAW accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QLabel

from mguv_app.music import Melody, write_midi
from mguv_app.paths import user_data_dir


def export_for_drag(melody: Melody, name: str | None = None) -> Path:
    """Write ``melody`` to ``<data dir>/drag/<name>.mid`` and return the path."""
    stem = re.sub(r"[^\w\- ]+", "_", name or melody.name or "melody").strip() or "melody"
    path = user_data_dir() / "drag" / f"{stem}.mid"
    write_midi(melody, path)
    return path


def melody_mime(melody: Melody, name: str | None = None) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export_for_drag(melody, name)))])
    return mime


class DragOutHandle(QLabel):
    """A toolbar handle: press and drag it to drag the melody out as a MIDI file."""

    def __init__(self, melody_source: Callable[[], Melody], parent=None) -> None:
        super().__init__("⠿ Drag MIDI", parent)
        self.melody_source = melody_source
        self._press: QPoint | None = None
        self.setToolTip("Drag the melody out of the window as a .mid file (into a file manager or a DAW)")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setMargin(6)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < QApplication.startDragDistance():
            return
        self._press = None
        melody = self.melody_source()
        if not melody.notes:
            return
        drag = QDrag(self)
        drag.setMimeData(melody_mime(melody))
        drag.exec(Qt.DropAction.CopyAction)

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
