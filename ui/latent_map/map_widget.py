"""The map itself: points coloured by source (hover for a tooltip), pins A/B and their line,
the interpolation trail, and a draggable handle. It only draws a ``PointStore`` and emits
what the user did; ``controller.py`` decides what that means.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mguv_app.latent import SOURCES, PointStore

from ..widgets import ElidedLabel, fit_button

SOURCE_COLORS = {
    "reference": (150, 150, 160),
    "prior": (120, 130, 150),
    "user": (255, 200, 60),
    "generated": (90, 200, 255),
    "interpolation": (255, 120, 200),
    "pinned": (120, 230, 140),
}
PIN_COLORS = {"A": (255, 110, 90), "B": (110, 240, 130)}


def _tip(x, y, data):  # pyqtgraph calls this for the hovered spots
    return data[1] if isinstance(data, tuple) else ""


class LatentMapWidget(QWidget):
    pointClicked = Signal(int)  # a click on a point: hear it
    pointDoubleClicked = Signal(int)  # a double-click: put it into the piano roll
    handleMoved = Signal(float, float)
    handleReleased = Signal(float, float)
    pinRequested = Signal(str)
    addMelodyRequested = Signal()

    def __init__(self, store: PointStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.pin_a = QPushButton("Pin A")
        self.pin_b = QPushButton("Pin B")
        for name, b in (("A", self.pin_a), ("B", self.pin_b)):
            b.setToolTip(f"Pin the melody under the handle as {name} (kept with the project)")
            b.clicked.connect(lambda _=False, n=name: self.pinRequested.emit(n))
            bar.addWidget(b)
        self.snap = QCheckBox("Snap to A–B")
        self.snap.setToolTip("Keep the handle on the line between the pins (a true latent interpolation)")
        bar.addWidget(self.snap)
        self.add_button = QPushButton("Add my melody")
        self.add_button.setToolTip("Place the piano roll's melody on the map")
        self.add_button.clicked.connect(lambda _=False: self.addMelodyRequested.emit())
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        for b in (self.pin_a, self.pin_b, self.add_button):
            fit_button(b)  # a narrow dock shrinks them to their text instead of cutting the row
        lay.addLayout(bar)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumHeight(220)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "PC 1")
        self.plot.setLabel("left", "PC 2")
        lay.addWidget(self.plot, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend_row = QHBoxLayout()  # the legend, and the phrase view's switch at its right
        self.legend_row.addWidget(self.legend, 1)
        lay.addLayout(self.legend_row)
        self.message = ElidedLabel("")  # one line under the map; long melody names end in "…" (tooltip)
        lay.addWidget(self.message)

        self.scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen(20, 20, 20, 160), hoverable=True, tip=_tip,
                                          hoverSize=13, hoverPen=pg.mkPen("w", width=1.5))
        self.scatter.sigClicked.connect(self._clicked)
        pink = SOURCE_COLORS["interpolation"]
        self.trail = pg.PlotDataItem(pen=pg.mkPen(pink, width=1.5, style=Qt.PenStyle.DashLine),
                                     symbol="o", symbolSize=6, symbolBrush=pink)
        self.pin_line = pg.PlotDataItem(pen=pg.mkPen(230, 230, 230, 200, width=2))
        self.pins = pg.ScatterPlotItem(size=16, symbol="star", pen=pg.mkPen("k"))
        self.pin_labels = {n: pg.TextItem(n, color=c, anchor=(-0.3, 1.2)) for n, c in PIN_COLORS.items()}
        self.handle = pg.TargetItem(pos=(0, 0), size=16, movable=True, pen=pg.mkPen(255, 255, 255, width=2),
                                    brush=pg.mkBrush(255, 255, 255, 60))
        for item in (self.trail, self.pin_line, self.scatter, self.pins, *self.pin_labels.values(), self.handle):
            self.plot.addItem(item)
        for t in self.pin_labels.values():
            t.hide()
        self.handle.sigPositionChanged.connect(self._handle_moved)
        self.handle.sigPositionChangeFinished.connect(self._handle_done)
        self._moving_programmatically = False
        self.store: PointStore | None = None
        if store is not None:
            self.set_store(store)
        self._update_legend()

    # --- the data -------------------------------------------------------------------------------
    def set_store(self, store: PointStore) -> None:
        if store is self.store:
            return
        self.store = store
        store.subscribe(self._store_changed)
        for kind in ("points", "pins", "trail"):
            self._store_changed(kind)

    def _store_changed(self, kind: str) -> None:
        store = self.store
        if kind == "points":
            pts = list(store.points.values())
            self.scatter.setData(
                spots=[{"pos": tuple(float(v) for v in p.xy), "data": (p.id, p.tooltip),
                        "brush": pg.mkBrush(*SOURCE_COLORS.get(p.source, (200, 200, 200)))} for p in pts])
            self._update_legend()
            if pts:
                self.plot.enableAutoRange()
        elif kind == "pins":
            names = [n for n in ("A", "B") if n in store.pins]
            self.pins.setData(spots=[{"pos": tuple(float(v) for v in store.pins[n].xy),
                                      "brush": pg.mkBrush(*PIN_COLORS[n]), "data": n} for n in names])
            for n, label in self.pin_labels.items():
                if n in store.pins:
                    label.setPos(*(float(v) for v in store.pins[n].xy))
                    label.show()
                else:
                    label.hide()
            if len(names) == 2:
                xy = np.stack([store.pins["A"].xy, store.pins["B"].xy])
                self.pin_line.setData(xy[:, 0], xy[:, 1])
            else:
                self.pin_line.setData([], [])
        elif kind == "trail":
            if store.trail:
                xy = np.stack([p.xy for p in store.trail])
                self.trail.setData(xy[:, 0], xy[:, 1])
            else:
                self.trail.setData([], [])
            self._update_legend()

    def _update_legend(self) -> None:
        present = {p.source for p in self.store.points.values()} if self.store else set()
        present |= {"interpolation"} if self.store and self.store.trail else set()
        parts = [f"<span style='color:rgb{SOURCE_COLORS[s]}'>●</span> {SOURCES[s]}"
                 for s in SOURCE_COLORS if s in present]
        self.legend.setText(" &nbsp; ".join(parts) or "No points yet")

    # --- the handle -----------------------------------------------------------------------------
    def handle_pos(self) -> tuple[float, float]:
        p = self.handle.pos()
        return float(p.x()), float(p.y())

    def place_handle(self, x: float, y: float) -> None:
        """Move the handle without telling anyone (after a click, or when snapping it to the line)."""
        self._moving_programmatically = True
        try:
            self.handle.setPos(float(x), float(y))
        finally:
            self._moving_programmatically = False

    def drag_handle_to(self, x: float, y: float, finished: bool = False) -> None:
        """Move the handle as a user drag does (the benchmark and tests use it)."""
        self.handle.setPos(float(x), float(y))
        if finished:
            self.handle.sigPositionChangeFinished.emit(self.handle)

    def _handle_moved(self, _item) -> None:
        if not self._moving_programmatically:
            self.handleMoved.emit(*self.handle_pos())

    def _handle_done(self, _item) -> None:
        self.handleReleased.emit(*self.handle_pos())

    def _clicked(self, _item, spots, event=None) -> None:
        if len(spots):
            pid = int(spots[0].data()[0])
            if event is not None and event.double():  # (its first click already auditioned the point)
                self.pointDoubleClicked.emit(pid)
            else:
                self.pointClicked.emit(pid)
