"""The list of trained models with Use / Rename / Delete / Export (the registry does the file work).

The table fits its width instead of scrolling sideways: Kind, Steps and Date are as wide as their
values, Metrics gets what Name leaves (at least a third of the rest when both are long), Name
stretches; a cut value ends in "…" and every cell's tooltip holds the full value. When even that
leaves Name too narrow to read, Date, then Steps, then Metrics are hidden (the Name tooltip lists
them all).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics
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
NAME, KIND, STEPS, DATE, METRICS = range(len(COLUMNS))
# the metric shown in the table (the first one present), with a short label; the tooltip lists them all
SHOWN_METRICS = {"val_tf_accuracy": "acc", "test_tf_accuracy": "acc", "tf_accuracy": "acc", "midime_loss": "loss",
                 "loss": "loss", "val_recon": "recon"}
HIDE_ORDER = (DATE, STEPS, METRICS)  # dropped in this order when Name would be narrower than NAME_MIN
NAME_MIN = 100
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _numbers(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _metrics_text(metrics: dict) -> str:
    nums = _numbers(metrics)
    return next((f"{label} {nums[k]:.3g}" for k, label in SHOWN_METRICS.items() if k in nums), "")


def _short_date(date: str, year: str | None = None) -> str:
    """"2024-05-03 14:22" → "May 3" in the current year, else "2023-05-03" (the tooltip has it all)."""
    year = year or time.strftime("%Y")
    try:
        y, m, d = date[:10].split("-")
        return f"{MONTHS[int(m) - 1]} {int(d)}" if y == year else date[:10]
    except (ValueError, IndexError):
        return date


def _metrics_tip(metrics: dict) -> str:
    return "\n".join(f"{k} = {v:.4g}" for k, v in _numbers(metrics).items())


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
        self.table.setWordWrap(False)  # one line per cell, cut with "…"
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(36)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for c in (KIND, STEPS, DATE, METRICS):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)  # sized by _fit_columns
        self.table.viewport().installEventFilter(self)  # the columns follow the table's width
        self.table.verticalHeader().hide()
        # three whole rows at least: the splitter above gives the curves most of the height
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 3 * rows
                                    + 2 * self.table.frameWidth() + 2)
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
            in_use = bool(active and e.folder == active)
            # the mark goes first, so that a long name cut with "…" still shows it
            name = ("✓ " if in_use else "") + e.name
            steps = "" if e.steps is None else str(e.steps)
            steps_tip = "" if e.steps is None else f"{e.steps:,} training steps"
            summary = " · ".join(v for v in (e.kind, steps_tip, e.date) if v)
            name_tip = "\n".join(v for v in (e.name + (" (in use)" if in_use else ""), summary,
                                             _metrics_tip(e.metrics).replace("\n", ", "), str(e.folder)) if v)
            cells = [(name, name_tip), (e.kind, e.kind), (steps, steps_tip),
                     (_short_date(e.date), e.date), (_metrics_text(e.metrics), _metrics_tip(e.metrics))]
            for c, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(e.folder))
                item.setToolTip(tip)
                if c == STEPS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == NAME and in_use:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
            if select and e.name == select:
                self.table.selectRow(r)
        self._fit_columns()
        self._update_buttons()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(obj, event)

    def _want(self, column: int) -> int:
        """The width that shows the column's header and every value whole."""
        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        margin = 2 * (self.table.style().pixelMetric(self.table.style().PixelMetric.PM_FocusFrameHMargin,
                                                     None, self.table) + 1) + 6
        cells = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, column)
            if item is not None:
                cells.append(QFontMetrics(item.font()).horizontalAdvance(item.text()) + margin)
        return max([header.sectionSizeHint(column), fm.horizontalAdvance(COLUMNS[column]) + margin] + cells)

    def _fit_columns(self) -> None:
        """Size the columns to the table's width (see the module docstring); Name stretches."""
        header = self.table.horizontalHeader()
        avail = self.table.viewport().width()
        want = {c: self._want(c) for c in range(len(COLUMNS))}
        shown = [KIND, STEPS, DATE, METRICS]
        widths: dict[int, int] = {}
        for drop in (None, *HIDE_ORDER):
            if drop is not None:
                shown.remove(drop)
            widths = {c: want[c] for c in shown if c != METRICS}
            rest = avail - sum(widths.values())
            if METRICS in shown:
                widths[METRICS] = max(header.minimumSectionSize(),
                                      min(want[METRICS], max(rest - want[NAME], rest // 3)))
            if avail - sum(widths.values()) >= min(NAME_MIN, want[NAME]):
                break
        for c in (KIND, STEPS, DATE, METRICS):
            header.setSectionHidden(c, c not in shown)
            if c in shown:
                header.resizeSection(c, widths[c])

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
