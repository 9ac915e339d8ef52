"""The list of files a scan refused, each with its reason (opened from the scan box)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout


class RefusedDialog(QDialog):
    def __init__(self, refused: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Files not used ({len(refused)})")
        self.resize(760, 360)
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(refused), 2)
        self.table.setHorizontalHeaderLabels(["File", "Reason"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, (path, reason) in enumerate(refused):
            self.table.setItem(row, 0, QTableWidgetItem(path))
            self.table.setItem(row, 1, QTableWidgetItem(reason))
        self.table.resizeColumnToContents(0)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
