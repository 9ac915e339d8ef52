"""The latent map's phrase view (``mguv_app.latent.phrase_map`` decides, this draws and asks).

"Phrases" on the map's bar switches the map from melodies to the phrases of the melody in the piano roll:
numbered points joined in order on the phrase model's map, repeats sharing a colour (and a spot), the
reference phrases faint behind. Click a phrase: it plays and the handle goes to it. Drag the handle: that
phrase alone is rewritten from the latent under the handle (decoded on the map's worker, newest position
only), one undo step per drag; every other note stays.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from mguv_app.latent.phrase_map import PhraseMap

from ..generation.worker import LatestOnly
from ..widgets import fit_button

GROUP_COLORS = [(255, 200, 60), (90, 200, 255), (255, 120, 200), (120, 230, 140), (200, 160, 255),
                (255, 150, 90), (160, 220, 220), (230, 230, 120)]


class PhraseView(QObject):
    def __init__(self, session, widget) -> None:
        super().__init__(widget)
        self.session, self.widget = session, widget
        self.latest = LatestOnly(session.map_runner)
        self.map: PhraseMap | None = None
        self._codec = None
        self.points = []
        self.selected = None
        self._drag = 0
        self._dragging = False
        self.last_request_at = 0.0
        self.button = QPushButton("Phrases")
        self.button.setCheckable(True)
        self.button.setToolTip("Show the melody in the piano roll as its phrases on the phrase model's map: a "
                               "phrase that comes back sits on the same spot. Click one to hear it; drag the "
                               "handle from it to rewrite that phrase alone.")
        fit_button(self.button)
        widget.legend_row.addWidget(self.button)
        self.button.toggled.connect(self.set_active)
        self.reference = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(150, 150, 160, 70))
        self.path = pg.PlotDataItem(pen=pg.mkPen(230, 230, 230, 150, width=1.5))
        self.scatter = pg.ScatterPlotItem(size=14, pen=pg.mkPen(20, 20, 20, 200), hoverable=True,
                                          tip=lambda x, y, data: data[1], hoverSize=18)
        self.scatter.sigClicked.connect(self._clicked)
        self.numbers: list[pg.TextItem] = []
        for item in (self.reference, self.path, self.scatter):
            widget.plot.addItem(item)
            item.hide()
        session.notesChanged.connect(self._doc_changed)  # a Qt connection: it dies with the view
        session.modelChanged.connect(self._model_changed)

    @property
    def active(self) -> bool:
        return self.button.isChecked()

    # --- switching ------------------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        w = self.widget
        for item in (w.scatter, w.trail, w.pins, w.pin_line, *w.pin_labels.values()):
            item.setVisible(not on)
        for item in (self.reference, self.path, self.scatter, *self.numbers):
            item.setVisible(on)
        for b in (w.pin_a, w.pin_b, w.snap, w.add_button):
            b.setEnabled(not on and self.session.model is not None)
        if on:
            w.legend.setText("<span style='color:rgb(255,200,60)'>●</span> your melody's phrases, in order (one "
                             "colour per phrase that comes back) &nbsp; <span style='color:rgb(150,150,160)'>·</span> "
                             "real phrases")
            self.refresh()
        else:
            w._update_legend()
            w.message.setText("Click a point to hear it, double-click to place it; drag the handle to explore")
            w.plot.enableAutoRange()

    def _model_changed(self, _model) -> None:
        self.map, self._codec, self.selected = None, None, None
        if self.active:
            self.refresh()

    def _doc_changed(self, *_args) -> None:
        if self.active and not self._dragging:
            self.refresh()

    def refresh(self) -> None:
        """Place the roll's phrases (on the map's worker: the phrases are encoded as one batch)."""
        model, melody = self.session.model, self.session.window.melody.copy()
        if model is None:
            self.widget.message.setText("No model installed yet")
            return
        codec = model.phrases_for(melody) if hasattr(model, "phrases_for") else None
        if codec is None:
            self._draw([])
            num, den = melody.time_signature
            self.widget.message.setText(f"No phrase model for {num}/{den}: the phrase view shows 4/4 melodies")
            return
        if codec is not self._codec:
            self._codec, self.map = codec, PhraseMap(codec)
        pmap = self.map

        def job(tok):
            tok.check()
            return pmap.phrases(melody)

        self.latest.request(job, self._draw, self._failed)

    def _failed(self, text: str) -> None:
        self._draw([])
        self.widget.message.setText(text)

    def _draw(self, points) -> None:
        self.points = points
        for t in self.numbers:
            self.widget.plot.removeItem(t)
        self.numbers = []
        if self.map is not None:
            ref = self.map.reference_xy()
            self.reference.setData(ref[:, 0], ref[:, 1]) if len(ref) else self.reference.setData([], [])
        if not points:
            self.path.setData([], [])
            self.scatter.setData([])
            if self.active and self.session.window.melody.notes == []:
                self.widget.message.setText("Draw or open a melody to see its phrases")
            return
        xy = np.stack([p.xy for p in points])
        self.path.setData(xy[:, 0], xy[:, 1])
        groups = sorted({p.group for p in points})
        color = {g: GROUP_COLORS[i % len(GROUP_COLORS)] for i, g in enumerate(groups)}
        self.scatter.setData(spots=[{"pos": (float(p.xy[0]), float(p.xy[1])), "data": (p.index, p.label),
                                     "brush": pg.mkBrush(*color[p.group])} for p in points])
        spots: dict[tuple, list[int]] = {}  # phrases on one spot (exact repeats) share one label: "1 · 3 · 7"
        for p in points:
            spots.setdefault((round(float(p.xy[0]), 4), round(float(p.xy[1]), 4)), []).append(p.index + 1)
        for (x, y), numbers in spots.items():
            t = pg.TextItem(" · ".join(map(str, numbers)), color=(240, 240, 240), anchor=(0.5, 1.4))
            t.setPos(x, y)
            t.setVisible(self.active)
            self.widget.plot.addItem(t)
            self.numbers.append(t)
        repeats = len(points) - len(groups)
        self.widget.message.setText(
            f"{len(points)} phrases" + (f", {repeats} coming back" if repeats else "")
            + ": click one to hear it, drag the handle from it to rewrite it")
        self.widget.plot.enableAutoRange()

    # --- clicks and the handle -------------------------------------------------------------------
    def _clicked(self, _item, spots, event=None) -> None:
        if len(spots):
            self.select(spots[0].data()[0])

    def select(self, index: int) -> bool:
        """Hear phrase ``index``; the handle goes to it (a drag from there rewrites it)."""
        point = next((p for p in self.points if p.index == index), None)
        if point is None or self.map is None:
            return False
        self.selected = point
        self.widget.place_handle(*point.xy)
        phrase = self.map.phrase_melody(self.session.window.melody, point)
        phrase.name = point.label
        self.session.audition(phrase)
        self.widget.message.setText(f"{point.label}: drag the handle to rewrite it")
        return True

    def move_handle(self, x: float, y: float) -> None:
        if self.selected is None or self.map is None:
            self.widget.message.setText("Click a phrase first: the handle then rewrites it")
            return
        if not self._dragging:
            self._dragging = True
            self._drag += 1
        point, pmap, drag = self.selected, self.map, self._drag
        z = pmap.latent_at((x, y), point.z)
        melody = self.session.window.melody.copy()
        self.last_request_at = asked = time.perf_counter()

        def job(tok):
            tok.check()
            return pmap.with_phrase(melody, point, z)

        self.latest.request(job, lambda m: self._rewritten(m, drag, asked), self.widget.message.setText)

    def _rewritten(self, melody, drag: int, asked: float) -> None:
        melody.name = self.session.window.melody.name
        self.session.show(melody, f"Rewrite {self.selected.label if self.selected else 'phrase'}", drag=drag)

    def release_handle(self, _x: float, _y: float) -> None:
        self._dragging = False
        if self.selected is not None and self.map is not None:
            self.refresh()

