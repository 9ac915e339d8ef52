"""Help → Keyboard Shortcuts: every menu command that has a shortcut, read from the window's own menus
(so the list can never fall out of date), plus the piano roll's mouse and key gestures."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

# the roll's gestures live in its event handlers, not in actions: named here once
ROLL_GESTURES = [
    ("Piano roll", "Draw / Select / Erase tool", "D / S / E"),
    ("Piano roll", "Nudge the selection (a bar, an octave)", "← → ↑ ↓ (with Shift)"),
    ("Piano roll", "Zoom around the mouse (pitch)", "Ctrl+wheel (Ctrl+Shift+wheel)"),
    ("Piano roll", "Fit the melody in view", "F"),
    ("Piano roll", "Velocity of the note under the mouse", "wheel over a note"),
    ("Piano roll", "Play / pause", "Space"),
    ("Chord strip", "Change the Band's chord", "right-click a chord"),
]


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """``(menu, command, keys)`` for every action in the menu bar that has a shortcut, then the gestures."""
    rows = []

    def walk(menu, path: str) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu(), path)
            elif not act.isSeparator() and not act.shortcut().isEmpty():
                keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((path, act.text().replace("&", "").rstrip("…").strip(), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))
    return rows + ROLL_GESTURES


class ShortcutsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Where", "Command", "Keys"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(620, 560)
