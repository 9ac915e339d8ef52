"""The list of trained models with Use / Rename / Delete / Export (the registry does the file work)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mguv_app import models_registry as reg

from ..widgets import fit_button

COLUMNS = ["Name", "Kind", "Steps", "Date", "Metrics"]


def _metrics_text(metrics: dict) -> str:
    keys = [k for k in ("val_tf_accuracy", "val_recon", "tf_accuracy", "loss", "midime_loss") if k in metrics]
    return ", ".join(f"{k.removeprefix('val_')}={metrics[k]:.3g}" for k in keys[:2]
                     if isinstance(metrics[k], (int, float)))


class ModelsPanel(QWidget):
    useRequested = Signal(str)
    renameRequested = Signal(str)
    deleteRequested = Signal(str)
    exportRequested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.use_button = QPushButton("Use this model")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete")
        self.export_button = QPushButton("Export…")
        for b, sig in ((self.use_button, self.useRequested), (self.rename_button, self.renameRequested),
                       (self.delete_button, self.deleteRequested), (self.export_button, self.exportRequested)):
            row.addWidget(fit_button(b))
            b.clicked.connect(lambda _=False, s=sig: self._emit(s))
        lay.addLayout(row)
        self.entries: list[reg.ModelEntry] = []
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self._emit(self.useRequested))
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self.entries = reg.list_models()
        active = reg.active_model()
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            name = e.name + ("  ✓ in use" if active and e.folder == active else "")
            values = [name, e.kind, "" if e.steps is None else str(e.steps), e.date, _metrics_text(e.metrics)]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, str(e.folder))
                self.table.setItem(r, c, item)
            if select and e.name == select:
                self.table.selectRow(r)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> reg.ModelEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        for r, e in enumerate(self.entries):
            if e.name == name:
                self.table.selectRow(r)

    def _emit(self, signal) -> None:
        e = self.selected()
        if e is not None:
            signal.emit(e.name)

    def _update_buttons(self) -> None:
        e = self.selected()
        self.use_button.setEnabled(e is not None)
        for b in (self.rename_button, self.delete_button):
            b.setEnabled(e is not None and e.editable)
        self.export_button.setEnabled(e is not None)
