"""The velocity lane under the grid: one stem per note; drag across stems to draw velocities.

A drag is one undo step. When stems overlap (chords), selected notes win, so a user can
select one voice and shape only its dynamics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
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
        self._cache: dict[int, tuple] = {}  # id -> (note, stem line, top point, colour bucket)
        self._groups_key: tuple | None = None  # (document version, visible ids) of the last paint
        self._groups: tuple = ([], [])
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
        if self._groups_key == (doc.version, ids):  # same stems as last paint (a scroll or zoom)
            groups, tops = self._groups
        else:
            groups, tops = self._group(ids)
            self._groups_key, self._groups = (doc.version, ids), (groups, tops)
        p.save()
        p.setTransform(QTransform(geo.ppt, 0, 0, -(h - 2 * PAD) / 127, -geo.sx, h - PAD))
        many = len(ids) > 1500
        for g, lines in enumerate(groups):
            if not lines:
                continue
            color = QColor(th.selected) if g == VELOCITY_BUCKETS else roll.bucket_colors[g]
            pen = QPen(color, 1 if many else 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.drawLines(lines)
            if not many:
                pen.setWidth(7)
                pen.setCapStyle(Qt.PenCapStyle.SquareCap)
                p.setPen(pen)
                p.drawPoints(tops[g])
        p.restore()
        p.setPen(QColor(th.ruler_text))
        p.setFont(self._font)
        p.drawText(4, 12, "velocity")
        p.end()

    def _group(self, ids: list[int]) -> tuple[list[list[QLineF]], list[list[QPointF]]]:
        """Stems (tick/velocity-space lines) and their tops grouped by colour; the last group is selected."""
        doc = self.roll.doc
        groups: list[list[QLineF]] = [[] for _ in range(VELOCITY_BUCKETS + 1)]
        tops: list[list[QPointF]] = [[] for _ in range(VELOCITY_BUCKETS + 1)]
        cache, notes, sel = self._cache, doc.notes, doc.selection
        for nid in ids:
            n = notes[nid]
            entry = cache.get(nid)
            if entry is None or entry[0] is not n:  # lines in (tick, velocity) units survive zoom/scroll
                entry = (n, QLineF(n.start, 0, n.start, n.velocity), QPointF(n.start, n.velocity),
                         (n.velocity - 1) * VELOCITY_BUCKETS // 127)
                cache[nid] = entry
            g = VELOCITY_BUCKETS if nid in sel else entry[3]
            groups[g].append(entry[1])
            tops[g].append(entry[2])
        if len(cache) > 2 * len(notes) + 1000:
            self._cache = {i: e for i, e in cache.items() if i in notes}
        return groups, tops

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
