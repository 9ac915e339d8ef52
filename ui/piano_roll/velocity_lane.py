"""The velocity lane under the grid: one stem per note; drag across stems to draw velocities.

A drag is one undo step. When stems overlap (chords), selected notes win, so a user can
select one voice and shape only its dynamics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QTransform
from PySide6.QtWidgets import QWidget

from mguv_app.editing import Change

from .. import commands
from .canvas import VELOCITY_BUCKETS

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
        self._groups_key: tuple | None = None  # what the cached stem rectangles were built for
        self._groups: list = []
        self.setFixedHeight(HEIGHT)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._font = QFont()
        self._font.setPixelSize(9)

    def y_for(self, velocity: int) -> float:
        return self.height() - PAD - (self.height() - 2 * PAD) * velocity / 127

    def velocity_at(self, y: float) -> int:
        return max(1, min(127, round((self.height() - PAD - y) * 127 / (self.height() - 2 * PAD))))

    def paintEvent(self, event) -> None:
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
        stem_px = 1.0 if len(ids) > 1500 else 3.0
        vel_px = (h - 2 * PAD) / 127  # pixels per velocity step
        key = (doc.version, geo.ppt, vel_px, stem_px, ids)
        if self._groups_key == key:  # same stems as last paint (a scroll)
            groups = self._groups
        else:
            groups = self._group(ids, stem_px / geo.ppt, 7 / geo.ppt if stem_px > 1 else 0.0, 4 / vel_px)
            self._groups_key, self._groups = key, groups
        # stems are filled rectangles in (tick, velocity) units: fast under one transform
        p.save()
        p.setTransform(QTransform(geo.ppt, 0, 0, -vel_px, -geo.sx, h - PAD))
        p.setPen(Qt.PenStyle.NoPen)
        for g, rects in enumerate(groups):
            if rects:
                p.setBrush(QColor(th.selected) if g == VELOCITY_BUCKETS else roll.bucket_colors[g])
                p.drawRects(rects)
        p.restore()
        p.setPen(QColor(th.ruler_text))
        p.setFont(self._font)
        p.drawText(4, 12, "velocity")
        p.end()

    def _group(self, ids: list[int], stem_w: float, cap_w: float, cap_h: float) -> list[list[QRectF]]:
        """Stem (and cap) rectangles in (tick, velocity) units grouped by colour; the last group is
        the selection. Widths come in ticks so the stems keep their pixel width at any zoom."""
        doc = self.roll.doc
        groups: list[list[QRectF]] = [[] for _ in range(VELOCITY_BUCKETS + 1)]
        notes, sel = doc.notes, doc.selection
        for nid in ids:
            n = notes[nid]
            g = groups[VELOCITY_BUCKETS if nid in sel else (n.velocity - 1) * VELOCITY_BUCKETS // 127]
            g.append(QRectF(n.start, 0, stem_w, n.velocity))
            if cap_w:
                g.append(QRectF(n.start - (cap_w - stem_w) / 2, n.velocity - cap_h / 2, cap_w, cap_h))
        return groups

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

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.originals = {}
            self._set_at(event.position().x(), event.position().y())

    def mouseMoveEvent(self, event) -> None:
        if self.originals is not None:
            self._set_at(event.position().x(), event.position().y())

    def mouseReleaseEvent(self, event) -> None:
        if self.originals is None:
            return
        originals, self.originals = self.originals, None
        after = {i: self.roll.doc.notes.get(i) for i in originals}
        change = Change(originals, after, "Draw velocities")
        commands.push(self.roll.undo_stack, self.roll.doc, change, commands.NoteChangeCommand)

    def wheelEvent(self, event) -> None:
        self.roll.wheel(event, self)
