"""Putting generated melodies into the piano roll as undoable steps.

``replace`` goes through ``MainWindow.replace_melody`` (one undo step). The latent map's
handle replaces the notes many times a second while dragging; those replacements carry a
drag number and merge into one undo step per drag (``MapDragCommand``), so Undo after a drag
brings back the melody from before it, not one of forty intermediate decodes.
"""

from __future__ import annotations

from mguv_app.music import Melody

from .. import commands


class MapDragCommand(commands.NoteChangeCommand):
    MERGE_ID = 7007

    def __init__(self, doc, change, drag: int) -> None:
        super().__init__(doc, change)
        self.drag = drag

    def mergeWith(self, other) -> bool:
        if not isinstance(other, MapDragCommand) or other.drag != self.drag:
            return False
        self.change = self.change.merged(other.change)
        return True


def replace(window, melody: Melody, label: str = "Generate", drag: int | None = None) -> None:
    """Replace every note by ``melody``'s; with ``drag``, merge with the previous step of that drag."""
    if drag is None:
        window.replace_melody(melody, label)
        return
    doc = window.doc
    change = doc.plan_delete(list(doc.notes), label)
    add = doc.plan_add(melody.notes, label)
    change.before.update(add.before)
    change.after.update(add.after)
    change.select_after = set()
    if not change.empty:
        window.undo_stack.push(MapDragCommand(doc, change, drag))
        window.roll.reveal_notes()


def insert_at_cursor(window, melody: Melody, label: str = "Insert generated") -> int:
    """Add ``melody``'s notes from the edit cursor (one undo step); move the cursor after them."""
    roll = window.roll
    at = max(0, int(roll.edit_cursor))
    change = window.doc.plan_add((n.moved(dt=at) for n in melody.notes), label)
    commands.push(window.undo_stack, window.doc, change, commands.PasteCommand)
    end = at + max(1, melody.num_bars) * melody.ticks_per_bar
    roll.set_edit_cursor(end)
    roll.reveal_notes([n.moved(dt=at) for n in melody.notes])
    return at


def in_sequence(melodies: list[Melody], bars_each: int | None = None) -> Melody:
    """The melodies one after another, each starting on a barline (``bars_each`` bars apart if given)."""
    out = melodies[0].copy([])
    at = 0
    for m in melodies:
        out = out.copy(out.notes + [n.moved(dt=at) for n in m.notes])
        at += max(1, bars_each or m.num_bars) * m.ticks_per_bar
    out.name = "Sequence"
    return out
