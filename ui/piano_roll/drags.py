"""Mouse gestures on the note grid: draw, move (and Shift-drag duplicate), resize, erase, rubber band.

Each gesture is an object created on press, fed mouse moves, and finished on release.
While the mouse moves the document is updated live (so the notes follow the pointer and the
player hears them); on release one undo command records the whole gesture: a drag is one
undo step. Escape cancels a gesture and restores the notes as they were.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt

from mguv_app.editing import Change, snap_floor, snap_nearest
from mguv_app.music import Note

from .. import commands

if TYPE_CHECKING:
    from .canvas import NoteCanvas

DRAG_THRESHOLD = 3  # pixels before a press becomes a drag


class Drag:
    def __init__(self, canvas: NoteCanvas, event) -> None:
        self.canvas, self.roll, self.doc = canvas, canvas.roll, canvas.roll.doc
        self.geo = self.roll.geo
        self.origin = event.position()
        self.moved = False

    def tick(self, x: float) -> float:
        return self.geo.x_to_tick(x)

    def snapping(self, event) -> bool:
        """Snap unless it is switched off or Alt is held (temporary free movement)."""
        return self.roll.snap_enabled and not (event.modifiers() & Qt.KeyboardModifier.AltModifier)

    def move(self, event) -> None:
        if not self.moved and (event.position() - self.origin).manhattanLength() < DRAG_THRESHOLD:
            return
        self.moved = True
        self.drag_to(event)

    def drag_to(self, event) -> None:
        pass

    def finish(self, event) -> None:
        pass

    def cancel(self) -> None:
        pass


class LiveEdit(Drag):
    """A gesture that edits note values live; ``originals`` are the values before it began."""

    command = commands.NoteChangeCommand
    label = "Edit"
    select_result = False  # select the gesture's notes afterwards (drawn or duplicated notes)

    def __init__(self, canvas, event, originals: dict[int, Note | None]) -> None:
        super().__init__(canvas, event)
        self.originals = dict(originals)

    def finish(self, event) -> None:
        after = {i: self.doc.notes.get(i) for i in self.originals}
        sel = {i for i, n in after.items() if n is not None} if self.select_result else None
        change = Change(self.originals, after, self.label, sel)
        commands.push(self.roll.undo_stack, self.doc, change, self.command)

    def cancel(self) -> None:
        self.doc.apply(self.originals)


class DrawDrag(LiveEdit):
    """Click to place a grid-long note; drag right to set its length."""

    command, label, select_result = commands.AddNotesCommand, "Draw note", True

    def __init__(self, canvas, event) -> None:
        pos = event.position()
        roll = canvas.roll
        grid = roll.grid()
        raw = roll.geo.x_to_tick(pos.x())
        start = snap_floor(raw, grid) if roll.snap_enabled else max(0, int(raw))
        self.pitch = roll.geo.y_to_pitch(pos.y())
        self.start = max(0, start)
        length = roll.draw_length if roll.draw_length else grid
        note = Note(self.start, self.start + length, self.pitch, roll.draw_velocity)
        change = roll.doc.plan_add([note], "Draw note")
        (self.nid,) = change.after
        super().__init__(canvas, event, {self.nid: None})
        self.doc.apply(change.after, {self.nid})
        roll.auditionRequested.emit(self.pitch, roll.draw_velocity)

    def drag_to(self, event) -> None:
        grid = self.roll.grid()
        raw = self.tick(event.position().x())
        if self.snapping(event):
            end = max(self.start + grid, snap_nearest(raw, grid) if raw > self.start else self.start + grid)
        else:
            end = max(self.start + 10, int(raw))
        note = self.doc.notes[self.nid]
        if end != note.end:
            self.doc.apply({self.nid: replace(note, end=end)})

    def finish(self, event) -> None:
        n = self.doc.notes.get(self.nid)
        if n is not None and self.moved:
            self.roll.draw_length = n.duration  # the next click draws the same length
        super().finish(event)


class MoveDrag(LiveEdit):
    """Drag selected notes in time (snapped) and pitch; with Shift, drag copies instead."""

    command, label = commands.MoveNotesCommand, "Move notes"

    def __init__(self, canvas, event, anchor: int, duplicate: bool, was_selected: bool) -> None:
        doc = canvas.roll.doc
        self.anchor = anchor
        self.duplicate, self.was_selected = duplicate, was_selected
        self.ids = sorted(doc.selection)
        super().__init__(canvas, event, {i: doc.notes[i] for i in self.ids})
        self.base = dict(self.originals)  # positions the drag offsets from
        self.start_tick = self.tick(self.origin.x())
        self.start_pitch = self.geo.y_to_pitch(self.origin.y())
        self.last_dp = 0

    def _begin_duplicate(self) -> None:
        change = self.doc.plan_add([self.base[i] for i in self.ids], "Duplicate notes")
        new_ids = list(change.after)
        self.anchor = new_ids[self.ids.index(self.anchor)]
        self.base = dict(zip(new_ids, (self.base[i] for i in self.ids), strict=True))
        self.ids = new_ids
        self.originals = dict.fromkeys(new_ids)
        self.doc.apply(change.after, set(new_ids))
        self.label, self.select_result = "Duplicate notes", True

    def drag_to(self, event) -> None:
        if self.duplicate and not self.select_result:
            self._begin_duplicate()
        a = self.base[self.anchor]
        raw_dt = self.tick(event.position().x()) - self.start_tick
        if self.snapping(event):
            grid = self.roll.grid()
            dt = snap_nearest(a.start + raw_dt, grid) - a.start
        else:
            dt = int(round(raw_dt))
        dp = self.geo.y_to_pitch(event.position().y()) - self.start_pitch
        notes = [self.base[i] for i in self.ids]
        dt = max(dt, -min(n.start for n in notes))
        dp = max(min(dp, 127 - max(n.pitch for n in notes)), -min(n.pitch for n in notes))
        new = {i: self.base[i].moved(dt, dp) for i in self.ids}
        if any(self.doc.notes.get(i) != n for i, n in new.items()):
            self.doc.apply(new)
        if dp != self.last_dp:
            self.last_dp = dp
            moved = new[self.anchor]
            self.roll.auditionRequested.emit(moved.pitch, moved.velocity)

    def finish(self, event) -> None:
        if not self.moved:
            if self.duplicate and self.was_selected:  # Shift-click a selected note: deselect it
                self.doc.select([self.anchor], toggle=True)
            elif not self.duplicate:  # plain click on a note of a group: just that note
                self.doc.select([self.anchor])
            return
        super().finish(event)


class ResizeDrag(LiveEdit):
    """Drag a note's end: every selected note's end moves by the same snapped amount."""

    command, label = commands.ResizeNotesCommand, "Resize notes"

    def __init__(self, canvas, event, anchor: int) -> None:
        doc = canvas.roll.doc
        self.anchor = anchor
        super().__init__(canvas, event, {i: doc.notes[i] for i in doc.selection})
        self.start_tick = self.tick(self.origin.x())

    def drag_to(self, event) -> None:
        a = self.originals[self.anchor]
        raw = self.tick(event.position().x()) - self.start_tick
        grid = self.roll.grid()
        if self.snapping(event):
            dend = snap_nearest(a.end + raw, grid) - a.end
            min_len = grid
        else:
            dend, min_len = int(round(raw)), 10
        new = {}
        for i, n in self.originals.items():
            new[i] = replace(n, end=max(n.start + min(min_len, n.duration), n.end + dend))
        self.doc.apply(new)


class EraseDrag(LiveEdit):
    """Right-click (or the erase tool): delete the notes the pointer passes over."""

    command, label = commands.RemoveNotesCommand, "Erase notes"

    def __init__(self, canvas, event) -> None:
        super().__init__(canvas, event, {})
        self.erase_at(event.position())

    def erase_at(self, pos: QPointF) -> None:
        nid = self.doc.note_at(self.tick(pos.x()), self.geo.y_to_pitch(pos.y()))
        if nid is not None:
            self.originals[nid] = self.doc.notes[nid]
            self.doc.apply({nid: None})

    def move(self, event) -> None:
        self.moved = True
        self.erase_at(event.position())


class RubberDrag(Drag):
    """Drag on empty space with the select tool: select every note the rectangle touches."""

    def __init__(self, canvas, event) -> None:
        super().__init__(canvas, event)
        mods = event.modifiers()
        self.add = bool(mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        self.before = set(self.doc.selection)
        tick = self.tick(self.origin.x())
        self.roll.set_edit_cursor(snap_floor(tick, self.roll.grid()) if self.roll.snap_enabled else int(tick))
        if not self.add:
            self.doc.clear_selection()

    def drag_to(self, event) -> None:
        rect = QRectF(self.origin, event.position()).normalized()
        self.canvas.rubber = rect
        t0, t1 = self.tick(rect.left()), self.tick(rect.right())
        p0, p1 = self.geo.y_to_pitch(rect.bottom()), self.geo.y_to_pitch(rect.top())
        ids = self.doc.ids_in_range(t0, t1, p0, p1)
        self.doc.select(set(ids) | (self.before if self.add else set()))
        self.canvas.update()

    def cancel(self) -> None:
        self.doc.select(self.before)


def start(canvas: NoteCanvas, event) -> Drag | None:
    """Choose the gesture for a mouse press from the tool, the button and what is under it."""
    roll, doc = canvas.roll, canvas.roll.doc
    button, mods = event.button(), event.modifiers()
    if button == Qt.MouseButton.RightButton or (button == Qt.MouseButton.LeftButton and roll.tool == "erase"):
        return EraseDrag(canvas, event)
    if button != Qt.MouseButton.LeftButton:
        return None
    nid, edge = canvas.hit(event.position())
    toggle = bool(mods & Qt.KeyboardModifier.ControlModifier)
    shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
    if nid is None:
        if roll.tool == "draw" and not (toggle or shift):
            if event.type() != event.Type.MouseButtonDblClick:
                return DrawDrag(canvas, event)
            return None
        return RubberDrag(canvas, event)
    if toggle:
        doc.select([nid], toggle=True)
        return None
    was_selected = nid in doc.selection
    if not was_selected:
        doc.select([nid], add=shift)
    n = doc.notes[nid]
    roll.auditionRequested.emit(n.pitch, n.velocity)
    if edge and not shift:
        return ResizeDrag(canvas, event, nid)
    return MoveDrag(canvas, event, nid, duplicate=shift, was_selected=was_selected)
