"""pyqtgraph views: dataset statistics (three histograms) and live training curves.

The curves have no legend inside a plot (in a small plot it covers the curve): the tab shows one
line above them, and both the curves and that line stay hidden until there is a point to draw, a
placeholder saying what will appear there instead of empty axes. A plain wheel over a plot scrolls
the page it is on (``ui/wheel_guard.py``); the plots do not zoom.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt

VALIDATION_COLOUR = "#e57373"  # every held-out series: dots joined by a thin line
CURVES = {  # series key -> (plot title, colour)
    "loss": ("Loss", "#f0a030"),
    "recon": ("Reconstruction", "#4fc3f7"),
    "kl": ("KL", "#ba68c8"),
    "elbo": ("ELBO", "#81c784"),
    "tf_accuracy": ("Accuracy", "#fff176"),
    "val_tf_accuracy": ("Accuracy", "#e57373"),
    "val_recon": ("Reconstruction", "#e57373"),
    "val_kl": ("KL", "#e57373"),
    "val_elbo": ("ELBO", "#e57373"),
}


class _Reflowing(pg.GraphicsLayoutWidget):
    """A grid of plots that takes fewer columns when it is narrow, so that no plot is cut off or
    squeezed until its axis labels run into each other.

    A column is as wide as its widest plot's minimum (title, axes) and at least ``MIN_PLOT_WIDTH``;
    the grid uses the most columns of ``COLUMNS`` that fit, and the widget's minimum width is
    that of the fewest. With room to spare the plots share the width equally.
    ``min_height(rows)`` sizes it.
    """

    COLUMNS: tuple[int, ...] = (3,)
    MIN_PLOT_WIDTH = 130  # below this the tick labels of an empty 0..1 axis overlap
    FIXED_HEIGHT = False  # True: exactly ``min_height(rows)`` tall, never stretched by a tall column

    def _reflow_init(self, plots: list) -> None:
        self._grid_plots = plots
        self._columns = 0
        widest = max(p.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize).width() for p in plots)
        for p in plots:  # equal shares when there is room: the titles' lengths do not decide the widths
            p.setPreferredWidth(widest)
        self.reflow(10**6)  # the most columns for now; the real width comes with the first resize

    def min_height(self, rows: int) -> int:
        return 120 * rows

    def _column_widths(self, columns: int) -> list[float]:
        widths = [float(self.MIN_PLOT_WIDTH)] * columns
        for i, p in enumerate(self._grid_plots):
            widths[i % columns] = max(widths[i % columns], p.effectiveSizeHint(Qt.SizeHint.MinimumSize).width())
        return widths

    def _width_for(self, columns: int) -> int:
        lay = self.ci.layout
        left, _top, right, _bottom = lay.getContentsMargins()
        return math.ceil(sum(self._column_widths(columns)) + (columns - 1) * lay.horizontalSpacing()
                         + left + right + 2 * self.frameWidth())

    def _arrange(self, columns: int) -> None:
        lay = self.ci.layout
        if columns != self._columns:
            for i in reversed(range(lay.count())):  # removeAt, not removeItem: that hands the plot to Python
                lay.removeAt(i)
            for i, p in enumerate(self._grid_plots):
                lay.addItem(p, i // columns, i % columns)
            self._columns = columns
            height = self.min_height(math.ceil(len(self._grid_plots) / columns))
            self.setMinimumHeight(height)
            if self.FIXED_HEIGHT:
                self.setMaximumHeight(height)
        mins = self._column_widths(columns) + [0.0] * (max(self.COLUMNS) - columns)
        if mins != getattr(self, "_column_mins", None):  # (only on a change: this re-lays out the plots)
            self._column_mins = mins
            for c, w in enumerate(mins):
                lay.setColumnStretchFactor(c, 1 if w else 0)
                lay.setColumnMinimumWidth(c, w)

    def reflow(self, width: int | None = None) -> None:
        """Pick the column count for ``width`` (default: the current width) and remember the minimum."""
        width = self.width() if width is None else width
        widths = [self._width_for(c) for c in self.COLUMNS]
        self._arrange(next((c for c, w in zip(self.COLUMNS, widths, strict=True) if w <= width), self.COLUMNS[-1]))
        if widths[-1] != getattr(self, "_min_width", None):
            self._min_width = widths[-1]
            self.updateGeometry()

    # Qt calls these: they only read what reflow() stored (the graphics layout may already be gone
    # while a window is being torn down)
    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), getattr(self, "_min_width", 0)), hint.height())

    def resizeEvent(self, event) -> None:
        if getattr(self, "_grid_plots", None) and event is not None and self.isVisible():
            self.reflow(event.size().width())  # (pyqtgraph calls this with None while it builds)
        super().resizeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reflow()


class StatsPlots(_Reflowing):
    """Pitch histogram, note density per window, note lengths."""

    COLUMNS = (3, 2, 1)
    FIXED_HEIGHT = True  # the folder's statistics never push "What to do" (Device, Start) below the fold

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pitch = self.addPlot(title="Pitches")
        self.density = self.addPlot(title="Notes per bar")
        self.lengths = self.addPlot(title="Note lengths (16ths)")
        for p in (self.pitch, self.density, self.lengths):
            p.setMouseEnabled(False, False)
            p.hideButtons()
        self.bars = {}
        self._reflow_init([self.pitch, self.density, self.lengths])

    def min_height(self, rows: int) -> int:
        return 190 if rows == 1 else 140 * rows

    def _set(self, plot, key, x, heights, width, colour) -> None:
        old = self.bars.pop(key, None)
        if old is not None:
            plot.removeItem(old)
        item = pg.BarGraphItem(x=x, height=heights, width=width, brush=colour)
        plot.addItem(item)
        self.bars[key] = item

    def show_stats(self, stats: dict) -> None:
        pc = np.asarray(stats["pitch_counts"])
        used = np.flatnonzero(pc)
        lo, hi = (int(used.min()) - 2, int(used.max()) + 3) if len(used) else (48, 84)
        self._set(self.pitch, "pitch", np.arange(lo, hi), pc[lo:hi], 0.8, "#4fc3f7")
        dens = np.asarray(stats["density"])
        if len(dens):
            counts, edges = np.histogram(dens, bins=min(20, max(1, len(np.unique(dens)))))
            self._set(self.density, "density", (edges[:-1] + edges[1:]) / 2, counts,
                      (edges[1] - edges[0]) * 0.9, "#81c784")
        lc = np.asarray(stats["length_counts"])
        self._set(self.lengths, "lengths", np.arange(1, len(lc)), lc[1:], 0.8, "#f0a030")
        self.reflow()  # wider tick labels may need fewer columns


class CurvePlots(_Reflowing):
    """Loss, reconstruction, KL, ELBO and accuracy against the training step, appended live."""

    COLUMNS = (3, 2)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots = {}
        for title in ["Loss", "Reconstruction", "KL", "ELBO", "Accuracy"]:
            p = self.addPlot(title=title)
            p.showGrid(x=True, y=True, alpha=0.2)
            p.setLabel("bottom", "step")
            self.plots[title] = p
        self.data: dict[str, tuple[list, list]] = {}
        self.lines = {}
        for key, (title, colour) in CURVES.items():
            if key.startswith("val_"):  # held-out figures: sparse, so dots joined by a thin line
                line = self.plots[title].plot([], [], pen=pg.mkPen(colour, width=1), symbol="o", symbolSize=7,
                                              symbolBrush=colour, symbolPen=None)
                line.setZValue(10)
            else:
                line = self.plots[title].plot([], [], pen=pg.mkPen(colour, width=2))
            self.lines[key] = line
            self.data[key] = ([], [])
        for p in self.plots.values():
            p.setMouseEnabled(False, False)  # a curve is read, not explored: no drag or wheel zoom to lose it in
            p.hideButtons()
        self._shown_when_empty: list = []
        self._shown_with_points: list = []
        self._reflow_init(list(self.plots.values()))

    def set_placeholder(self, when_empty: list, with_points: list) -> None:
        """Widgets shown instead of the plots while there is nothing to draw (a placeholder line), and
        widgets shown with them (their legend)."""
        self._shown_when_empty, self._shown_with_points = list(when_empty), list(with_points)
        self._sync_visible()

    @property
    def has_points(self) -> bool:
        return any(xs for xs, _ys in self.data.values())

    def _sync_visible(self) -> None:
        has = self.has_points
        self.setVisible(has)
        for w in self._shown_with_points:
            w.setVisible(has)
        for w in self._shown_when_empty:
            w.setVisible(not has)

    def min_height(self, rows: int) -> int:
        return 130 * rows

    def clear_curves(self) -> None:
        for key, line in self.lines.items():
            self.data[key] = ([], [])
            line.setData([], [])
        self._sync_visible()

    def add(self, event: dict, redraw: bool = True) -> None:
        """Append the figures one progress/eval event carries."""
        step = event.get("step")
        if step is None:
            return
        touched = False
        for key in self.lines:
            if key in event and event[key] is not None and np.isfinite(event[key]):
                xs, ys = self.data[key]
                while xs and xs[-1] >= step:  # a resumed run repeats steps after its checkpoint
                    xs.pop()
                    ys.pop()
                xs.append(step)
                ys.append(float(event[key]))
                touched = True
        if touched and redraw:
            self.redraw()
        elif touched and not self.isVisible():
            self._sync_visible()  # the first point: the plots replace the placeholder now

    def redraw(self) -> None:
        for key, line in self.lines.items():
            line.setData(*self.data[key])
        self._sync_visible()
        self.reflow()  # longer step numbers widen the axes

    def points(self, key: str) -> int:
        return len(self.data[key][0])
