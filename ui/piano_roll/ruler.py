"""The bar/beat ruler: bar numbers, beat ticks, the loop region (drag to set) and the playhead,
with a strip of chord symbols above them while the transport's Band plays (``PianoRoll.set_chords``).

Bars follow the melody's meter map: each meter change is labelled where it starts ("8 2/4"), and a
pickup ends on bar 1 (it is bar 0, unnumbered). Right-click a chord symbol to change the Band's chord
there (``chord_menu``); right-click the bars for the bar's menu (``bar_menu``: its meter, a bar in or out,
Clear Loop). Click to move the edit cursor (where Paste lands) and ask the player to seek there;
drag to set a loop region (snapped to the grid); double-click clears it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPolygonF
from PySide6.QtWidgets import QToolTip, QWidget

from mguv_app.editing import snap_nearest

if TYPE_CHECKING:
    from .roll import PianoRoll

HEIGHT = 30
CHORD_STRIP = 16  # extra height while chords are shown


class Ruler(QWidget):
    def __init__(self, roll: PianoRoll) -> None:
        super().__init__(roll)
        self.roll = roll
        self.press_tick: int | None = None
        self.dragging = False
        self.setFixedHeight(HEIGHT)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._font = QFont()
        self._font.setPixelSize(11)
        self._chord_font = QFont()
        self._chord_font.setPixelSize(11)
        self._chord_font.setBold(True)
        self._chord_metrics = QFontMetrics(self._chord_font)
        self._chord_font_small = QFont(self._chord_font)  # a long symbol in a half bar: smaller, then "…"
        self._chord_font_small.setPixelSize(9)
        self._chord_font_small.setBold(False)

    def _tick(self, x: float) -> int:
        t = self.roll.geo.x_to_tick(x)
        return max(0, snap_nearest(t, self.roll.grid()) if self.roll.snap_enabled else int(t))

    def show_chords(self, on: bool) -> None:
        self.setFixedHeight(HEIGHT + (CHORD_STRIP if on else 0))
        self.update()

    def _paint_chords(self, p: QPainter, w: int) -> None:
        roll, geo, th = self.roll, self.roll.geo, self.roll.theme
        p.fillRect(QRectF(0, 0, w, CHORD_STRIP), QColor(th.ruler_bg).darker(125))
        t0, t1 = geo.visible_ticks(0, w)
        for start, end, name, chosen in roll.chords:
            if end < t0 or start > t1:
                continue
            x0, x1 = geo.tick_to_x(start), geo.tick_to_x(end)
            p.setPen(QColor(th.grid_bar))
            p.drawLine(round(x0), 2, round(x0), CHORD_STRIP - 2)
            if chosen:  # the user's own chords: blue and underlined (a cue that is not only colour)
                p.fillRect(QRectF(x0 + 1, CHORD_STRIP - 2, x1 - x0 - 2, 2), QColor(th.cursor))
            room = x1 - x0 - 5
            if room > 10:  # narrower than that at this zoom: the separator alone shows the change
                p.setPen(QColor(th.cursor if chosen else th.ruler_text))  # the user's own chords stand out
                p.setFont(self._chord_font if self._chord_metrics.horizontalAdvance(name) <= room
                          else self._chord_font_small)
                text = p.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, int(room))
                p.drawText(QRectF(x0 + 3, 0, room + 2, CHORD_STRIP), Qt.AlignmentFlag.AlignVCenter, text)

    def paintEvent(self, event) -> None:
        roll, geo, th = self.roll, self.roll.geo, self.roll.theme
        p = QPainter(self)
        w = self.width()
        p.fillRect(self.rect(), QColor(th.ruler_bg))
        if roll.chords:
            self._paint_chords(p, w)
            p.translate(0, CHORD_STRIP)
        h = HEIGHT
        if roll.loop is not None:
            x0, x1 = geo.tick_to_x(roll.loop[0]), geo.tick_to_x(roll.loop[1])
            c = QColor(th.loop)
            p.fillRect(QRectF(x0, 0, x1 - x0, 8), c)
            c.setAlpha(50)
            p.fillRect(QRectF(x0, 8, x1 - x0, h - 8), c)
        meter_map = roll.doc.meter_map
        bar = roll.doc.ticks_per_bar
        beat = bar // roll.doc.time_signature[0]
        t0, t1 = geo.visible_ticks(0, w)
        bar_px = bar * geo.ppt
        label_every = max(1, 2 ** math.ceil(math.log2(max(1.0, 34 / bar_px))))  # keep labels apart
        text, line = QColor(th.ruler_text), QColor(th.grid_bar)
        bars = list(meter_map.bars(t0, t1 + 1))
        p.setFont(self._font)
        if beat * geo.ppt >= 6:
            p.setPen(QColor(th.grid_beat))
            for b in bars:
                for tick in b.beats():
                    x = round(geo.tick_to_x(tick))
                    p.drawLine(x, h - 6, x, h)
        shown = self._meter_labels(meter_map)
        for b in bars:
            meter = shown.get(b.index)
            numbered = b.index % label_every == 0 and not b.pickup
            if not numbered and meter is None:
                continue
            x = round(geo.tick_to_x(b.start))
            p.setPen(line)
            p.drawLine(x, 10, x, h)
            label = str(meter_map.number(b.index)) if numbered else ""
            if label:
                p.setPen(text)
                p.drawText(x + 4, 22, label)
            if meter is not None:  # where the meter changes: its time signature, in the cursor's colour
                p.setPen(QColor(th.cursor))
                p.drawText(x + 4 + (p.fontMetrics().horizontalAdvance(label) + 4 if label else 0), 22, meter)
        cx = geo.tick_to_x(roll.edit_cursor)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(th.cursor))
        p.drawPolygon(QPolygonF([QPointF(cx - 5, h - 7), QPointF(cx + 5, h - 7), QPointF(cx, h)]))
        if roll.playhead is not None:
            px = geo.tick_to_x(roll.playhead)
            p.setBrush(QColor(th.playhead))
            p.drawPolygon(QPolygonF([QPointF(px - 6, 9), QPointF(px + 6, 9), QPointF(px, h)]))
        p.fillRect(QRectF(0, h - 1, w, 1), line)
        p.end()

    @staticmethod
    def _meter_labels(meter_map) -> dict[int, str]:
        """Bar index -> "2/4" where a melody of more than one meter changes meter (and at its first full bar)."""
        if meter_map.is_uniform:
            return {}
        return {index: f"{num}/{den}" for index, (num, den) in meter_map.meter_starts().items()}

    def chord_tooltip(self, x: float) -> str:
        """The whole chord symbol under ``x`` (the strip elides long ones at low zoom) and what to do."""
        span = self.roll.chord_span_at(self.roll.geo.x_to_tick(x))
        if span is None:
            return ""
        return f"{span[2]}{' (your choice)' if span[3] else ''}: right-click (or Ctrl+K) to change it"

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.chord_tooltip(event.pos().x()) if self.roll.chords and event.pos().y() < CHORD_STRIP else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _on_chord_strip(self, event) -> bool:
        return bool(self.roll.chords) and event.position().y() < CHORD_STRIP

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton and self._on_chord_strip(event):
            self.roll.open_chord_menu(self.roll.geo.x_to_tick(event.position().x()), event.globalPosition().toPoint())
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.roll.open_bar_menu(self.roll.geo.x_to_tick(event.position().x()), event.globalPosition().toPoint())
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.press_tick = self._tick(event.position().x())
            self.dragging = False

    def mouseMoveEvent(self, event) -> None:
        if self.press_tick is None:
            return
        t = self._tick(event.position().x())
        if t != self.press_tick:
            self.dragging = True
            self.roll.set_loop(min(t, self.press_tick), max(t, self.press_tick))

    def mouseReleaseEvent(self, event) -> None:
        if self.press_tick is not None and not self.dragging:
            self.roll.set_edit_cursor(self.press_tick)
            self.roll.seekRequested.emit(self.press_tick)
        self.press_tick = None

    def mouseDoubleClickEvent(self, event) -> None:
        self.roll.set_loop(None, None)

    def wheelEvent(self, event) -> None:
        self.roll.wheel(event, self)
