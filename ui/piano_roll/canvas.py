"""The note grid: paints rows, grid lines, notes, selection, loop, cursor and playhead.

Painting is custom (no QGraphicsScene): each paint asks the document for the notes in the
damaged rectangle only (a bisect over sorted starts) and draws them in a few batched
``drawRects`` calls grouped by velocity colour, which keeps a 5,000-note melody well inside
one 60 Hz frame. Mouse gestures are delegated to the drag objects in ``drags.py``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QTransform
from PySide6.QtWidgets import QWidget

from mguv_app.editing import SCALES, pitch_name

from . import drags
from .geometry import NUM_PITCHES

if TYPE_CHECKING:
    from .roll import PianoRoll

BLACK_KEYS = {1, 3, 6, 8, 10}
VELOCITY_BUCKETS = 16
EDGE_PX = 6  # grab zone at a note's end for resizing
BORDER_MIN_TICKS = 120  # draw note borders only while a 16th is at least 4 px wide
MIN_NOTE_PX = 1.5  # zoomed far out, every note still shows as a visible sliver
LABEL_LIMIT = 400  # above this many visible notes, skip note-name labels (text is slow)


class NoteCanvas(QWidget):
    def __init__(self, roll: PianoRoll) -> None:
        super().__init__(roll)
        self.roll = roll
        self.drag: drags.Drag | None = None
        self.rubber: QRectF | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(200, 120)
        self._rect_cache: dict[int, tuple] = {}  # id -> (note, rect in tick/row units, colour bucket)
        self._groups_key: tuple | None = None  # (document version, min width, visible ids) of the last paint
        self._groups: tuple = ([], [])
        self._ghosts = np.zeros((0, 3), dtype=np.int64)  # start, end, pitch of the song's other tracks
        self._ghost_rects: list[QRectF] = []
        self._take: list[QRectF] = []  # the take being recorded, drawn over the notes until it is placed
        self._label_font = QFont()
        self._label_font.setPixelSize(9)

    # --- painting ------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.roll.viewport_resized()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        roll, geo, th = self.roll, self.roll.geo, self.roll.theme
        r = event.rect()
        p = QPainter(self)
        x0, x1 = r.left(), r.right() + 1
        t0, t1 = geo.visible_ticks(x0, x1)
        plo, phi = geo.visible_pitches(r.top(), r.bottom() + 1)
        self._paint_rows(p, r, plo, phi)
        self._paint_grid(p, r, t0, t1)
        if roll.loop is not None:
            lx0, lx1 = geo.tick_to_x(roll.loop[0]), geo.tick_to_x(roll.loop[1])
            c = QColor(th.loop)
            c.setAlpha(28)
            p.fillRect(QRectF(lx0, r.top(), lx1 - lx0, r.height()), c)
        if len(self._ghosts):
            self._paint_ghosts(p, t0, t1, plo, phi)
        self._paint_notes(p, t0, t1, plo, phi)
        if self._take:
            self._paint_take(p)
        if not roll.doc.notes and not len(self._ghosts) and not self._take:
            self._paint_empty_hint(p)
        if self.rubber is not None:
            c = QColor(th.rubber)
            p.setPen(QPen(c, 1))
            c.setAlpha(40)
            p.setBrush(c)
            p.drawRect(self.rubber.normalized())
        cx = geo.tick_to_x(roll.edit_cursor)
        if x0 - 2 <= cx <= x1 + 2:
            p.setPen(QPen(QColor(th.cursor), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(cx, r.top()), QPointF(cx, r.bottom() + 1))
        if roll.playhead is not None:
            px = geo.tick_to_x(roll.playhead)
            if x0 - 2 <= px <= x1 + 2:
                p.setPen(QPen(QColor(th.playhead), 2))
                p.drawLine(QPointF(px, r.top()), QPointF(px, r.bottom() + 1))
        p.end()

    EMPTY_HINT = ("Draw notes here (D: the Draw tool) · open a MIDI file (Ctrl+O) or drop one here\n"
                  "play one in: R records (M: the computer keyboard as a piano) · Shift+R step input\n"
                  "or let the model write one: Generate (Ctrl+Enter) in the dock at the right")

    def _paint_empty_hint(self, p: QPainter) -> None:
        """An empty roll says how to begin (a first start opens on one), in the grid's quiet colour."""
        p.setPen(QColor(self.roll.theme.ruler_text))
        font = QFont(p.font())
        font.setPixelSize(13)
        p.setFont(font)
        p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.EMPTY_HINT)

    def _paint_rows(self, p: QPainter, r, plo: int, phi: int) -> None:
        roll, geo, th = self.roll, self.roll.geo, self.roll.theme
        p.fillRect(r, QColor(th.background))
        chromatic = roll.scale == "Chromatic"
        steps = SCALES[roll.scale]
        c_in, c_root = QColor(th.row_in_scale), QColor(th.row_root)
        sep = QColor(th.grid_beat)
        for pitch in range(plo, phi + 1):
            y = geo.pitch_to_y(pitch)
            deg = (pitch - roll.key) % 12
            if chromatic:
                color = None if pitch % 12 in BLACK_KEYS else c_in
            elif deg == 0:
                color = c_root
            else:
                color = c_in if deg in steps else None
            if color is not None:
                p.fillRect(QRectF(r.left(), y, r.width(), geo.row - 1), color)
            if pitch % 12 == 0 and geo.row >= 5:  # octave separator under each C
                p.fillRect(QRectF(r.left(), y + geo.row - 1, r.width(), 1), sep)

    def _paint_grid(self, p: QPainter, r, t0: float, t1: float) -> None:
        """Vertical lines for the snap grid, beats and bars (each level only where it is readable). Bars and
        beats follow the melody's meter map: a 2/4 bar in a 3/4 tune is two beats wide, a pickup ends on a barline."""
        roll, geo, th = self.roll, self.roll.geo, self.roll.theme
        meter_map = roll.doc.meter_map
        main_bar = roll.doc.ticks_per_bar
        top, bottom = float(r.top()), float(r.bottom() + 1)

        def lines(ticks, color) -> None:
            p.setPen(QColor(color))
            p.drawLines([QLineF(x, top, x, bottom) for x in (round(geo.tick_to_x(t)) + 0.5 for t in ticks)])

        step = roll.grid()
        if step * geo.ppt >= 5:  # the snap grid, from tick 0 as snapping counts it
            lines((k * step for k in range(max(0, math.floor(t0 / step)), math.ceil(t1 / step) + 1)), th.grid_sub)
        bars = list(meter_map.bars(t0, t1 + 1))
        beat = main_bar // roll.doc.time_signature[0]
        if beat * geo.ppt >= 5:
            lines((t for bar in bars for t in bar.beats()), th.grid_beat)
        if main_bar * geo.ppt >= 5:
            lines((bar.start for bar in bars), th.grid_bar)
        elif main_bar * geo.ppt * 16 >= 5:  # very far out: still show every 4th/16th bar
            every = 4 if main_bar * geo.ppt * 4 >= 5 else 16
            lines((bar.start for bar in bars if bar.index % every == 0), th.grid_bar)

    GHOST_ALPHA = 90  # visible against every row colour of both themes, still well behind the notes
    TAKE_ALPHA = 170  # a take being recorded: over the notes, which still show through

    def set_ghosts(self, rows: np.ndarray) -> None:
        """Notes drawn faint under the melody, not editable: the song's other tracks (start, end, pitch rows)."""
        self._ghosts = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        # thinner than a melody note and without a border, so the two never read as one
        self._ghost_rects = [QRectF(a, NUM_PITCHES - 1 - c + 0.2, b - a, 0.6) for a, b, c in self._ghosts.tolist()]
        self.update()

    def _paint_ghosts(self, p: QPainter, t0: float, t1: float, plo: int, phi: int) -> None:
        g = self._ghosts
        seen = np.flatnonzero((g[:, 0] < t1) & (g[:, 1] > t0) & (g[:, 2] >= plo) & (g[:, 2] <= phi))
        if not len(seen):
            return
        rects = self._ghost_rects
        self._fill_rects(p, [rects[i] for i in seen.tolist()], self.roll.theme.ruler_text, self.GHOST_ALPHA)

    def _fill_rects(self, p: QPainter, rects: list[QRectF], color: str, alpha: int) -> None:
        """Borderless rectangles in tick/row units (the song's other tracks, a take), under one transform."""
        geo = self.roll.geo
        fill = QColor(color)
        fill.setAlpha(alpha)
        p.save()
        p.setTransform(QTransform(geo.ppt, 0, 0, geo.row, -geo.sx, -geo.sy))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRects(rects)
        p.restore()

    def set_take(self, rows) -> None:
        """The take being recorded, ``(start, end, pitch)`` rows, drawn in the playhead's colour; [] clears it."""
        self._take = [QRectF(a, NUM_PITCHES - 1 - c + 0.1, b - a, 0.8) for a, b, c in rows]
        self.update()

    def _paint_take(self, p: QPainter) -> None:
        self._fill_rects(p, self._take, self.roll.theme.playhead, self.TAKE_ALPHA)

    def _paint_notes(self, p: QPainter, t0: float, t1: float, plo: int, phi: int) -> None:
        roll, geo, th, doc = self.roll, self.roll.geo, self.roll.theme, self.roll.doc
        ids = doc.ids_in_range(t0, t1, plo, phi)
        if not ids:
            return
        # a note narrower than MIN_NOTE_PX would not be drawn at all: widen it (in ticks) to that
        min_w = round(MIN_NOTE_PX / geo.ppt, 1)
        key = (doc.version, min_w, ids)
        if self._groups_key == key:  # same notes as last paint (a scroll)
            buckets, selected = self._groups
        else:
            buckets, selected = self._group(ids, min_w)
            self._groups_key, self._groups = key, (buckets, selected)
        # draw in (tick, row) units: the rectangles above survive zoom and scroll unchanged
        p.save()
        p.setTransform(QTransform(geo.ppt, 0, 0, geo.row, -geo.sx, -geo.sy))
        bordered = geo.row >= 6 and geo.ppt * BORDER_MIN_TICKS >= 4 and len(ids) < 3000  # only where readable
        if bordered:
            pen = QPen(QColor(th.note_border), 1)
            pen.setCosmetic(True)
            p.setPen(pen)
        else:
            p.setPen(Qt.PenStyle.NoPen)
        for b, rects in enumerate(buckets):
            if rects:
                p.setBrush(roll.bucket_colors[b])
                p.drawRects(rects)
        if selected:
            if bordered:
                pen = QPen(QColor(th.selected_border), 1 if len(selected) > 300 else 2)
                pen.setCosmetic(True)
                p.setPen(pen)
            p.setBrush(QColor(th.selected))
            p.drawRects(selected)
        p.restore()
        if len(ids) <= LABEL_LIMIT and geo.row >= 11:
            self._paint_labels(p, ids)

    def _group(self, ids: list[int], min_w: float) -> tuple[list[list[QRectF]], list[QRectF]]:
        """Tick-space rectangles of ``ids`` (at least ``min_w`` ticks wide) grouped by velocity
        colour, plus the selected ones."""
        doc = self.roll.doc
        buckets: list[list[QRectF]] = [[] for _ in range(VELOCITY_BUCKETS)]
        selected: list[QRectF] = []
        notes, sel, cache = doc.notes, doc.selection, self._rect_cache
        for nid in ids:
            n = notes[nid]
            entry = cache.get(nid)
            if entry is None or entry[0] is not n:  # notes are immutable: identity means unchanged
                entry = (n, QRectF(n.start, NUM_PITCHES - 1 - n.pitch, n.end - n.start, 1.0),
                         (n.velocity - 1) * VELOCITY_BUCKETS // 127)
                cache[nid] = entry
            rect = entry[1]
            if rect.width() < min_w:
                rect = QRectF(rect.x(), rect.y(), min_w, 1.0)
            if nid in sel:
                selected.append(rect)
            else:
                buckets[entry[2]].append(rect)
        if len(cache) > 2 * len(notes) + 1000:  # forget deleted notes now and then
            self._rect_cache = {i: e for i, e in cache.items() if i in notes}
        return buckets, selected

    def _paint_labels(self, p: QPainter, ids: list[int]) -> None:
        geo, doc = self.roll.geo, self.roll.doc
        p.setFont(self._label_font)
        p.setPen(QColor("#101216"))  # every note colour is light enough for dark text
        for nid in ids:
            n = doc.notes[nid]
            w = (n.end - n.start) * geo.ppt
            if w < 24:
                continue
            p.drawText(QRectF(geo.tick_to_x(n.start) + 3, geo.pitch_to_y(n.pitch), w - 4, geo.row - 1),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, pitch_name(n.pitch))

    # --- hit testing -------------------------------------------------------------------------
    def hit(self, pos: QPointF) -> tuple[int | None, bool]:
        """(note id under ``pos``, whether ``pos`` is on that note's resize edge)."""
        geo, doc = self.roll.geo, self.roll.doc
        tick, pitch = geo.x_to_tick(pos.x()), geo.y_to_pitch(pos.y())
        nid = doc.note_at(tick, pitch)
        if nid is None:  # the grab edge may stick out a little past the note's end
            nid = doc.note_at(geo.x_to_tick(pos.x() - EDGE_PX / 2), pitch)
            if nid is None:
                return None, False
        n = doc.notes[nid]
        right = geo.tick_to_x(n.end)
        width = (n.end - n.start) * geo.ppt
        return nid, abs(pos.x() - right) <= min(EDGE_PX, width / 3) or pos.x() > right

    # --- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        self.setFocus()
        if self.drag is not None:
            return
        self.drag = drags.start(self, event)
        self.update()

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        self.roll.hover(pos.x(), pos.y())
        if self.drag is not None:
            self.drag.move(event)
            return
        nid, edge = self.hit(pos)
        if self.roll.tool == "erase":
            shape = Qt.CursorShape.ForbiddenCursor if nid else Qt.CursorShape.CrossCursor
        elif nid is not None:
            shape = Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.SizeAllCursor
        else:
            shape = Qt.CursorShape.CrossCursor if self.roll.tool == "draw" else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)

    def mouseReleaseEvent(self, event) -> None:
        if self.drag is not None:
            drag, self.drag = self.drag, None
            drag.finish(event)
            self.rubber = None
            self.update()

    def leaveEvent(self, event) -> None:
        self.roll.keyboard.hovered = None
        self.roll.keyboard.update()
        super().leaveEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self.mousePressEvent(event)

    def wheelEvent(self, event) -> None:
        self.roll.wheel(event, self)

    # --- keys ------------------------------------------------------------------------------
    def event(self, event) -> bool:
        # claim the keys the roll handles before window-wide shortcuts see them
        if event.type() == QEvent.Type.ShortcutOverride and self.roll.handles_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag.cancel()
            self.drag, self.rubber = None, None
            self.update()
            return
        if not self.roll.key_press(event):
            super().keyPressEvent(event)
