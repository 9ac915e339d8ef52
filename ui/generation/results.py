"""The results list: one small piano-roll thumbnail per generated melody."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem

from mguv_app.music import Melody

from .thumbnails import melody_icon

THUMB = QSize(150, 56)
EMPTY_HINT = "New melodies appear here (Generate, Continue, Interpolate…): click one to hear it, double-click to " \
    "put it into the piano roll"


class ResultList(QListWidget):
    """Melodies as icons; rows index ``melodies``. Click, double-click and selection are the panel's."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.melodies: list[Melody] = []
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 12, THUMB.height() + 30))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setMinimumHeight(THUMB.height() + 40)
        self.setToolTip("Click: listen · double-click: put into the piano roll · Ctrl+click: pick two to interpolate")

    def set_melodies(self, melodies: list[Melody], labels: list[str]) -> None:
        self.clear()
        self.melodies = list(melodies)
        for m, label in zip(melodies, labels, strict=True):
            item = QListWidgetItem(melody_icon(m, THUMB.width(), THUMB.height()), label.split(" (")[0])
            item.setToolTip(f"{label}\n{len(m.notes)} notes · {m.num_bars} bars")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.addItem(item)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0:  # an empty list says what it is for
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            p.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                       int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), EMPTY_HINT)
            p.end()

    def selected_rows(self) -> list[int]:
        return sorted(self.row(it) for it in self.selectedItems())

    def current_melody(self) -> Melody | None:
        row = self.currentRow()
        return self.melodies[row] if 0 <= row < len(self.melodies) else None
