"""pyqtgraph views: dataset statistics (three histograms) and live training curves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

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


class StatsPlots(pg.GraphicsLayoutWidget):
    """Pitch histogram, note density per window, note lengths."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(190)
        self.pitch = self.addPlot(title="Pitches")
        self.density = self.addPlot(title="Notes per bar")
        self.lengths = self.addPlot(title="Note lengths (16ths)")
        for p in (self.pitch, self.density, self.lengths):
            p.setMouseEnabled(False, False)
            p.hideButtons()
        self.bars = {}

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


class CurvePlots(pg.GraphicsLayoutWidget):
    """Loss, reconstruction, KL, ELBO and accuracy against the training step, appended live."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(260)
        self.plots = {}
        for i, title in enumerate(["Loss", "Reconstruction", "KL", "ELBO", "Accuracy"]):
            if i == 3:
                self.nextRow()
            p = self.addPlot(title=title)
            p.showGrid(x=True, y=True, alpha=0.2)
            p.setLabel("bottom", "step")
            self.plots[title] = p
        self.plots["Accuracy"].addLegend(offset=(-5, -5))
        self.data: dict[str, tuple[list, list]] = {}
        self.lines = {}
        for key, (title, colour) in CURVES.items():
            if key.startswith("val_"):  # held-out figures: sparse, so dots joined by a thin line
                name = "validation" if key == "val_tf_accuracy" else None
                line = self.plots[title].plot([], [], pen=pg.mkPen(colour, width=1), symbol="o", symbolSize=7,
                                              symbolBrush=colour, symbolPen=None, name=name)
                line.setZValue(10)
            else:
                name = "train" if key == "tf_accuracy" else None
                line = self.plots[title].plot([], [], pen=pg.mkPen(colour, width=2), name=name)
            self.lines[key] = line
            self.data[key] = ([], [])

    def clear_curves(self) -> None:
        for key, line in self.lines.items():
            self.data[key] = ([], [])
            line.setData([], [])

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

    def redraw(self) -> None:
        for key, line in self.lines.items():
            line.setData(*self.data[key])

    def points(self, key: str) -> int:
        return len(self.data[key][0])
