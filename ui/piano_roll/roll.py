"""The piano roll: keyboard, ruler, note grid, velocity lane and scroll bars around one document.

``PianoRoll`` owns the view state (zoom, scroll, tool, grid, scale, loop, playhead, edit
cursor) and the editing commands that keys and menus trigger; the child widgets paint and
turn mouse gestures into edits. Every edit goes through the shared ``QUndoStack``.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from mguv_app.editing import DEFAULT_GRID, NoteDocument, grid_ticks, snap_floor
from mguv_app.music import TICKS_PER_QUARTER

from .. import commands, dialogs
from ..themes import DARK, Theme, velocity_color
from .canvas import VELOCITY_BUCKETS, NoteCanvas
from .geometry import Geometry
from .keyboard import PianoKeyboard
from .ruler import Ruler
from .velocity_lane import VelocityLane

TOOLS = ("select", "draw", "erase")
ZOOM_STEP = 1.25
MIN_BARS = 32

_M = Qt.KeyboardModifier
ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}
EDIT_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
             QKeySequence.StandardKey.SelectAll, QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo,
             QKeySequence.StandardKey.Delete)


class PianoRoll(QWidget):
    """A DAW-style piano roll editing a :class:`NoteDocument` through a ``QUndoStack``."""

    loopChanged = Signal(object, object)     # (start_tick, end_tick), or (None, None) when cleared
    auditionRequested = Signal(int, int)     # (pitch, velocity): a key clicked, a note drawn or moved
    keyHeld = Signal(int, bool, int)  # (pitch, down, velocity): a key of the roll's keyboard (Record plays it)
    hoverChanged = Signal(int, int)          # (tick, pitch) under the mouse, for the status bar
    seekRequested = Signal(int)              # a click on the ruler: move the player there
    toolChanged = Signal(str)
    scaleChanged = Signal(int, str)          # (key 0-11, scale name): highlighting, Generate's key fitting
    viewChanged = Signal()
    cursorChanged = Signal(int)              # the edit cursor moved (a tick)

    def __init__(self, doc: NoteDocument, undo_stack, theme: Theme = DARK, parent=None) -> None:
        super().__init__(parent)
        self.doc, self.undo_stack = doc, undo_stack
        self.geo = Geometry()
        self.tool = "draw"
        self.grid_label = DEFAULT_GRID
        self.snap_enabled = True
        self.key, self.scale = 0, "Chromatic"
        self.chords: list[tuple[int, int, str, bool]] = []  # (start, end, name, chosen) the Band plays (ruler)
        self.ask_chord = dialogs.ask_chord  # the chord strip's "Other chord…" (tests answer it themselves)
        self.ask_meter = dialogs.ask_meter  # the ruler's "Meter from Bar N → Other…"
        self.show_error = dialogs.show_error
        self.loop: tuple[int, int] | None = None
        self.playhead: int | None = None
        self.follow = True
        self._humanized = 0  # Humanize's draws so far: its seed, so each use sounds different
        self.edit_cursor = 0
        self.draw_length: int | None = None  # None: one grid cell; else the last drawn length
        self.draw_velocity = 100
        self.theme = theme
        self.bucket_colors: list[QColor] = []
        self._auto_fit = False

        self.canvas = NoteCanvas(self)
        self.keyboard = PianoKeyboard(self)
        self.ruler = Ruler(self)
        self.lane = VelocityLane(self)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal)
        self.vbar = QScrollBar(Qt.Orientation.Vertical)
        self.hbar.valueChanged.connect(self._h_scrolled)
        self.vbar.valueChanged.connect(self._v_scrolled)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.ruler, 0, 1)
        lay.addWidget(self.keyboard, 1, 0)
        lay.addWidget(self.canvas, 1, 1)
        lay.addWidget(self.vbar, 1, 2)
        lay.addWidget(self.lane, 2, 1)
        lay.addWidget(self.hbar, 3, 1)
        lay.setRowStretch(1, 1)
        lay.setColumnStretch(1, 1)
        self.set_theme(theme)
        doc.subscribe(self._doc_changed)
        self.geo.sy = (127 - 84) * self.geo.row  # start showing C6 downwards
        self._sync_scrollbars()

    # --- the child widgets' shared surface ------------------------------------------------------
    def viewport(self) -> NoteCanvas:
        """The widget the notes are drawn on (where mouse and key events go)."""
        return self.canvas

    def grid(self) -> int:
        return grid_ticks(self.grid_label)

    def snap(self, tick: float) -> int:
        return snap_floor(tick, self.grid()) if self.snap_enabled else max(0, int(tick))

    def refresh(self) -> None:
        for w in (self.canvas, self.keyboard, self.ruler, self.lane):
            w.update()

    def _doc_changed(self, kind: str) -> None:
        if kind in ("notes", "meta"):  # a new meter regroups the bars
            self._update_length()
        if kind == "meta":
            self.ruler.update()
        self.canvas.update()
        self.lane.update()

    def _update_length(self) -> None:
        meter_map = self.doc.meter_map
        end = meter_map.bar_start(max(MIN_BARS, meter_map.bar_count(self.doc.end_tick) + 8))
        if end != self.geo.length_ticks:
            self.geo.length_ticks = end
            self._sync_scrollbars()

    def ensure_length(self, tick: int) -> None:
        """Let the roll scroll to ``tick`` and 8 bars past it (a take recorded beyond the melody's end)."""
        meter_map = self.doc.meter_map
        ticks = meter_map.bar_start(meter_map.bar_count(int(tick)) + 8)
        if ticks > self.geo.length_ticks:
            self.geo.length_ticks = ticks
            self._sync_scrollbars()

    # --- settings -------------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.bucket_colors = [velocity_color(theme, 1 + round(b * 126 / (VELOCITY_BUCKETS - 1)))
                              for b in range(VELOCITY_BUCKETS)]
        self.refresh()

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}; one of {TOOLS}")
        if tool != self.tool:
            self.tool = tool
            self.toolChanged.emit(tool)

    def set_grid(self, label: str) -> None:
        grid_ticks(label)  # validates
        self.grid_label = label
        self.draw_length = None
        self.refresh()

    def set_snap(self, on: bool) -> None:
        self.snap_enabled = bool(on)

    def set_scale(self, key: int, scale: str) -> None:
        changed = (int(key) % 12, scale) != (self.key, self.scale)
        self.key, self.scale = int(key) % 12, scale
        self.refresh()
        if changed:
            self.scaleChanged.emit(self.key, self.scale)

    def set_chords(self, chords) -> None:
        """Chord symbols over the bars, ``(start_tick, end_tick, name, chosen)`` (chosen: the user picked
        it, ``NoteDocument.chords``); empty hides the strip."""
        self.chords = [(int(a), int(b), str(n), bool(c)) for a, b, n, c in chords or []]
        self.ruler.show_chords(bool(self.chords))

    def set_ghost_notes(self, notes) -> None:
        """The song's other pitched tracks (Notes), faint under the melody while they play; [] or None: none."""
        import numpy as np

        rows = np.array([(n.start, n.end, n.pitch) for n in notes or []], dtype=np.int64).reshape(-1, 3)
        self.viewport().set_ghosts(rows)

    def set_take_notes(self, notes) -> None:
        """The take being recorded (Notes), drawn over the melody until it is placed; [] or None: none."""
        self.viewport().set_take([(n.start, n.end, n.pitch) for n in notes or []])

    def chord_span_at(self, tick: float) -> tuple[int, int, str, bool] | None:
        return next((span for span in self.chords if span[0] <= tick < span[1]), None)

    def open_chord_menu(self, tick: float, global_pos) -> None:
        """Right-click on the chord strip: change the Band's chord there (``chord_menu``)."""
        from .chord_menu import chord_menu

        span = self.chord_span_at(tick)
        if span is not None:
            chord_menu(self, span, int(tick)).popup(global_pos)

    def open_bar_menu(self, tick: float, global_pos):
        """Right-click on the ruler's bars: the bar's meter, bars in and out, the loop (``bar_menu``)."""
        from .bar_menu import bar_menu

        menu = bar_menu(self, max(0, int(tick)))
        menu.popup(global_pos)
        return menu

    def set_follow(self, on: bool) -> None:
        self.follow = bool(on)

    def set_edit_cursor(self, tick: int) -> None:
        moved = max(0, int(tick)) != self.edit_cursor
        self.edit_cursor = max(0, int(tick))
        self.canvas.update()
        self.ruler.update()
        if moved:
            self.cursorChanged.emit(self.edit_cursor)

    def set_loop(self, start: int | None, end: int | None) -> None:
        """Set (or with None clear) the loop region and announce it with ``loopChanged``."""
        loop = None if start is None or end is None or end <= start else (int(start), int(end))
        if loop != self.loop:
            self.loop = loop
            self.loopChanged.emit(*(loop or (None, None)))
            self.canvas.update()
            self.ruler.update()

    @Slot(int)
    def set_playhead(self, tick: int | None) -> None:
        """Move the playhead line (the player calls this); in follow mode, page the view along."""
        old = self.playhead
        self.playhead = None if tick is None or tick < 0 else int(tick)
        if self.playhead is not None and self.follow:
            x = self.geo.tick_to_x(self.playhead)
            if x < 0 or x > self.geo.view_w - 20:
                self.scroll_to_tick(self.playhead, margin=0.05)
                return
        h = self.canvas.height()
        for t in (old, self.playhead):  # repaint only the two thin strips the line leaves and enters
            if t is not None:
                x = int(self.geo.tick_to_x(t))
                self.canvas.update(QRect(x - 3, 0, 7, h))
                self.ruler.update(QRect(x - 6, 0, 13, self.ruler.height()))

    # --- scrolling and zoom -----------------------------------------------------------------------
    def viewport_resized(self) -> None:
        self.geo.view_w, self.geo.view_h = self.canvas.width(), self.canvas.height()
        if self._auto_fit:  # until the user zooms or scrolls, keep the melody fitted
            self.fit_to_content()
            return
        self.geo.clamp()
        self._sync_scrollbars()

    def _sync_scrollbars(self) -> None:
        g = self.geo
        for bar, content, view, value in ((self.hbar, g.content_w, g.view_w, g.sx),
                                          (self.vbar, g.content_h, g.view_h, g.sy)):
            bar.blockSignals(True)
            bar.setRange(0, max(0, int(content - view)))
            bar.setPageStep(max(1, int(view)))
            bar.setSingleStep(max(1, int(view / 20)))
            bar.setValue(int(value))
            bar.blockSignals(False)
        self.viewChanged.emit()

    def _h_scrolled(self, value: int) -> None:
        self._auto_fit = False
        self.geo.sx = float(value)
        self.refresh()

    def _v_scrolled(self, value: int) -> None:
        self._auto_fit = False
        self.geo.sy = float(value)
        self.canvas.update()
        self.keyboard.update()

    def _view_moved(self, auto_fit: bool = False) -> None:
        self._auto_fit = auto_fit
        self.geo.clamp()
        self._sync_scrollbars()
        self.refresh()

    def zoom_x(self, factor: float, anchor_x: float | None = None) -> None:
        self.geo.zoom_x(factor, anchor_x)
        self._view_moved()

    def zoom_y(self, factor: float, anchor_y: float | None = None) -> None:
        self.geo.zoom_y(factor, anchor_y)
        self._view_moved()

    def scroll_by(self, dx: float = 0, dy: float = 0) -> None:
        self.geo.sx += dx
        self.geo.sy += dy
        self._view_moved()

    def scroll_to_tick(self, tick: int, margin: float = 0.1) -> None:
        self.geo.sx = tick * self.geo.ppt - self.geo.view_w * margin
        self._view_moved()

    def fit_to_content(self) -> None:
        """Zoom so every note is in view (or the first 4 bars of C4-C6 when there are none)."""
        notes = self.doc.notes.values()
        bar, meter_map = self.doc.ticks_per_bar, self.doc.meter_map
        if notes:
            t0 = min(n.start for n in notes)
            t1 = max(n.end for n in notes)
            p0, p1 = min(n.pitch for n in notes), max(n.pitch for n in notes)
            t0 = meter_map.bar_at(t0).start
            t1 = meter_map.bar_end(t1)
            pad = max(2, (12 - (p1 - p0)) // 2)
            self.geo.fit(t0, t1 + TICKS_PER_QUARTER // 2, p0 - pad, p1 + pad)
        else:
            self.geo.fit(0, 4 * bar, 60, 84)
        self._view_moved(auto_fit=True)

    def wheel(self, event, source) -> None:
        """Ctrl+wheel zooms time (Ctrl+Shift: pitch) around the mouse; over a note the wheel sets
        its velocity; otherwise wheel scrolls (Shift: sideways)."""
        d = event.angleDelta()
        delta = d.y() or d.x()
        if not delta:
            return
        mods = event.modifiers()
        sideways = not d.y() and not mods & _M.AltModifier  # a trackpad's horizontal swipe (Alt swaps axes)
        pos = event.position()
        steps = delta / 120
        if mods & _M.ControlModifier:
            if mods & _M.ShiftModifier or source is self.keyboard:
                self.zoom_y(ZOOM_STEP ** steps, pos.y())
            else:
                self.zoom_x(ZOOM_STEP ** steps, pos.x())
        elif source is self.canvas and not (sideways or mods & _M.ShiftModifier) and self._wheel_velocity(pos, steps):
            pass
        elif sideways or mods & _M.ShiftModifier or source in (self.ruler, self.lane):
            self.scroll_by(dx=-steps * self.geo.view_w / 8)
        else:
            self.scroll_by(dy=-steps * self.geo.row * 3)
        event.accept()

    def _wheel_velocity(self, pos, steps: float) -> bool:
        nid, _ = self.canvas.hit(pos)
        if nid is None:
            return False
        ids = self.doc.selection if nid in self.doc.selection else {nid}
        change = self.doc.plan_velocity(ids, delta=int(round(steps * 5)), label="Change velocity")
        commands.push(self.undo_stack, self.doc, change, commands.VelocityCommand)
        n = self.doc.notes[nid]
        self.hoverChanged.emit(n.start, n.pitch)
        return True

    def hover(self, x: float, y: float) -> None:
        pitch = self.geo.y_to_pitch(y)
        if pitch != self.keyboard.hovered:  # light up the key under the pointer
            self.keyboard.hovered = pitch
            self.keyboard.update()
        self.hoverChanged.emit(int(self.geo.x_to_tick(x)), pitch)

    # --- edit operations (keys, menus and the toolbar call these) ---------------------------------
    def _push(self, change, cls=commands.NoteChangeCommand) -> bool:
        return commands.push(self.undo_stack, self.doc, change, cls)

    def select_all(self) -> None:
        self.doc.select_all()

    def delete_selection(self) -> bool:
        return self._push(self.doc.plan_delete(self.doc.selection), commands.RemoveNotesCommand)

    def copy(self) -> int:
        return self.doc.copy()

    def cut(self) -> int:
        n = self.doc.copy()
        if n:
            self._push(self.doc.plan_delete(self.doc.selection, "Cut"), commands.RemoveNotesCommand)
        return n

    def paste(self, at_tick: int | None = None) -> bool:
        """Paste the clipboard at ``at_tick`` (default: the edit cursor); the pasted notes get selected."""
        if not self.doc.clipboard:
            return False
        at = self.edit_cursor if at_tick is None else at_tick
        ok = self._push(self.doc.plan_paste(at), commands.PasteCommand)
        if ok:  # the next paste continues after this one
            span = max(n.end for n in self.doc.clipboard)
            self.set_edit_cursor(at + -(-span // self.grid()) * self.grid())
        return ok

    def duplicate(self) -> bool:
        return self._push(self.doc.plan_duplicate(grid=self.grid()), commands.PasteCommand)

    def _selected_or_all(self) -> set[int]:
        """What Quantize, Snap to Scale and Humanize work on: the selected notes, else every note."""
        return self.doc.selection or set(self.doc.notes)

    def quantize_selection(self) -> bool:
        return self._push(self.doc.plan_quantize(self._selected_or_all(), self.grid()), commands.QuantizeCommand)

    def snap_to_scale(self) -> str:
        """Edit → Snap to Scale: the selected notes (else all) outside the roll's scale move to its nearest
        tones, one undo step (Chromatic: nothing moves; the window chooses the melody's key first). What it did."""
        from mguv_app.editing import key_label

        change = self.doc.plan_snap_to_scale(self._selected_or_all(), self.key, self.scale)
        moved = len(change.after)
        self._push(change, commands.MoveNotesCommand)
        where = key_label(self.key, self.scale)
        return f"Snap to Scale: {moved} note{'s' * (moved != 1)} moved into {where}" if moved else \
            f"Snap to Scale: every note is already in {where}"

    def humanize(self, amount: float = 0.5) -> bool:
        """Edit → Humanize: the selected notes (else all) a little off the grid and uneven in velocity, one
        undo step; each use draws anew, so undo and try again sounds different."""
        self._humanized += 1
        change = self.doc.plan_humanize(self._selected_or_all(), amount, self._humanized)
        return self._push(change, commands.MoveNotesCommand)

    def move_selection(self, dt: int = 0, dp: int = 0) -> bool:
        return self._push(self.doc.plan_move(self.doc.selection, dt, dp), commands.MoveNotesCommand)

    # --- keys -------------------------------------------------------------------------------------
    def handles_key(self, event) -> bool:
        if event.key() in ARROWS or event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Escape):
            return True
        if event.matches(QKeySequence.StandardKey.Redo):
            return True
        if event.key() == Qt.Key.Key_D and event.modifiers() & _M.ControlModifier:
            return True
        return any(event.matches(k) for k in EDIT_KEYS)

    def key_press(self, event) -> bool:
        """Edit keys while the grid has focus; returns False for keys it leaves to others."""
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & _M.ShiftModifier)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = self.doc.ticks_per_bar if shift else self.grid()
            self.move_selection(dt=step if key == Qt.Key.Key_Right else -step)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 12 if shift else 1
            self.move_selection(dp=step if key == Qt.Key.Key_Up else -step)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif key == Qt.Key.Key_Escape:
            self.doc.clear_selection()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.Cut):
            self.cut()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.Undo):
            self.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.undo_stack.redo()
        elif key == Qt.Key.Key_D and mods & _M.ControlModifier:
            self.duplicate()
        else:
            return False
        return True
