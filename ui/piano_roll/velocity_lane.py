"""The velocity lane under the grid: one stem per note; drag across stems to draw velocities.

A drag is one undo step. When stems overlap (chords), selected notes win, so a user can
select one voice and shape only its dynamics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from mguv_app.editing import Change

from .. import commands

if TYPE_CHECKING:
    from .roll import PianoRoll

HEIGHT = 84
PAD = 6
HIT_PX = 5


class VelocityLane(QWidget):
    def __init__(self, roll: PianoRoll) -> None:
        super().__init__(roll)
        self.roll = roll
        self.originals: dict | None = None
        self.setFixedHeight(HEIGHT)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._font = QFont()
        self._font.setPixelSize(9)

    def y_for(self, velocity: int) -> float:
        return self.height() - PAD - (self.height() - 2 * PAD) * velocity / 127

    def velocity_at(self, y: float) -> int:
        return max(1, min(127, round((self.height() - PAD - y) * 127 / (self.height() - 2 * PAD))))

    def paintEvent(self, event) -> None:  # noqa: N802
        roll, geo, th, doc = self.roll, self.roll.geo, self.roll.theme, self.roll.doc
        p = QPainter(self)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), QColor(th.lane_bg))
        p.fillRect(QRectF(0, 0, w, 1), QColor(th.grid_bar))
        p.setPen(QPen(QColor(th.grid_sub), 1, Qt.PenStyle.DashLine))
        for v in (32, 64, 96):
            y = round(self.y_for(v))
            p.drawLine(0, y, w, y)
        t0, t1 = geo.visible_ticks(-4, w + 4)
        ids = doc.ids_in_range(t0, t1)
        stem_w = 3 if len(ids) < 2000 else 1
        for selected in (False, True):  # selected stems on top
            for nid in ids:
                if (nid in doc.selection) != selected:
                    continue
                n = doc.notes[nid]
                x = geo.tick_to_x(n.start)
                y = self.y_for(n.velocity)
                color = QColor(th.selected) if selected else roll.bucket_colors[(n.velocity - 1) * 16 // 127]
                p.fillRect(QRectF(x, y, stem_w, h - PAD - y), color)
                if stem_w > 1:
                    p.fillRect(QRectF(x - 2, y - 2, stem_w + 4, 4), color)
        p.setPen(QColor(th.ruler_text))
        p.setFont(self._font)
        p.drawText(4, 12, "velocity")
        p.end()

    def _ids_at(self, x: float) -> list[int]:
        geo, doc = self.roll.geo, self.roll.doc
        t0, t1 = geo.x_to_tick(x - HIT_PX), geo.x_to_tick(x + HIT_PX)
        ids = [i for i in doc.ids_in_range(t0 - 1, t1) if t0 <= doc.notes[i].start <= t1]
        sel = [i for i in ids if i in doc.selection]
        return sel or ids

    def _set_at(self, x: float, y: float) -> None:
        v = self.velocity_at(y)
        new = {}
        for i in self._ids_at(x):
            n = self.roll.doc.notes[i]
            self.originals.setdefault(i, n)
            if n.velocity != v:
                new[i] = n.__class__(n.start, n.end, n.pitch, v)
        if new:
            self.roll.doc.apply(new)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.originals = {}
            self._set_at(event.position().x(), event.position().y())

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self.originals is not None:
            self._set_at(event.position().x(), event.position().y())

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.originals is None:
            return
        originals, self.originals = self.originals, None
        after = {i: self.roll.doc.notes.get(i) for i in originals}
        change = Change(originals, after, "Draw velocities")
        commands.push(self.roll.undo_stack, self.roll.doc, change, commands.NoteChangeCommand)

    def wheelEvent(self, event) -> None:  # noqa: N802
        self.roll.wheel(event, self)
