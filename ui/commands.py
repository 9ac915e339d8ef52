"""QUndoCommands over the Qt-free :class:`NoteDocument`: every edit in the roll is one of these.

A command wraps a :class:`~mguv_app.editing.Change` (note values before and after), so
undo/redo is exact. Drags apply their preview to the document live and push one command on
release (its first redo re-applies the final state, a no-op), so a whole drag is one undo
step; repeated wheel ticks on the same notes merge through ``mergeWith``.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from mguv_app.editing import BarsChange, Change, ChordChange, NoteDocument, PropertyChange


class NoteChangeCommand(QUndoCommand):
    """Apply a Change; merges with the next command of the same kind on the same notes."""

    MERGE_ID = -1  # -1: never merge

    def __init__(self, doc: NoteDocument, change: Change) -> None:
        super().__init__(change.label)
        self.doc, self.change = doc, change

    def redo(self) -> None:
        self.doc.redo(self.change)

    def undo(self) -> None:
        self.doc.undo(self.change)

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteChangeCommand) or other.id() != self.id() or self.id() < 0:
            return False
        if set(other.change.after) != set(self.change.after):
            return False
        self.change = self.change.merged(other.change)
        return True


class AddNotesCommand(NoteChangeCommand):
    pass


class RemoveNotesCommand(NoteChangeCommand):
    pass


class MoveNotesCommand(NoteChangeCommand):
    pass


class ResizeNotesCommand(NoteChangeCommand):
    pass


class VelocityCommand(NoteChangeCommand):
    MERGE_ID = 1  # a run of wheel ticks over the same notes is one undo step


class PasteCommand(NoteChangeCommand):
    pass


class QuantizeCommand(NoteChangeCommand):
    pass


class ChordCommand(QUndoCommand):
    """Choose a chord for the Band (or give a half bar back to its harmoniser): one undo step."""

    def __init__(self, doc: NoteDocument, change: ChordChange) -> None:
        super().__init__(change.label)
        self.doc, self.change = doc, change

    def redo(self) -> None:
        self.doc.apply_chords(self.change.after)

    def undo(self) -> None:
        self.doc.apply_chords(self.change.before)


class PropertiesCommand(QUndoCommand):
    """The melody's tempo, meter or instrument; steps of one setting in a row (a BPM box's arrows) merge."""

    def __init__(self, doc: NoteDocument, change: PropertyChange, chords: ChordChange | None = None) -> None:
        super().__init__(change.label)
        self.chords = chords  # a new meter's chord slots: the chosen chords move with it, in the same step
        self.doc, self.change = doc, change

    def redo(self) -> None:
        self.doc.apply_properties(self.change.after)
        if self.chords is not None:
            self.doc.apply_chords(self.chords.after)

    def undo(self) -> None:
        if self.chords is not None:
            self.doc.apply_chords(self.chords.before)
        self.doc.apply_properties(self.change.before)

    def id(self) -> int:
        return 2

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, PropertiesCommand) or set(other.change.after) != set(self.change.after) \
                or self.chords is not None or other.chords is not None or "meters" in self.change.after:
            return False  # each meter change at a bar is a step of its own
        self.change = self.change.merged(other.change)
        self.setText(other.change.label)
        return True


class NotesAndChordsCommand(QUndoCommand):
    """Notes and chosen chords changed together as one undo step: Transpose Song, a frozen Endless phrase."""

    def __init__(self, doc: NoteDocument, notes: Change, chords: ChordChange, label: str) -> None:
        super().__init__(label)
        self.doc, self.notes, self.chords = doc, notes, chords

    def redo(self) -> None:
        self.doc.redo(self.notes)
        self.doc.apply_chords(self.chords.after)

    def undo(self) -> None:
        self.doc.apply_chords(self.chords.before)
        self.doc.undo(self.notes)


class BarsCommand(QUndoCommand):
    """Bars inserted or deleted: notes, chosen chords and meter changes move together, one undo step."""

    def __init__(self, doc: NoteDocument, change: BarsChange) -> None:
        super().__init__(change.label)
        self.doc, self.change = doc, change

    def redo(self) -> None:
        self.doc.apply_bars(self.change)

    def undo(self) -> None:
        self.doc.apply_bars(self.change, undo=True)


def push_chords(stack, doc: NoteDocument, change: ChordChange) -> bool:
    if change.empty:
        return False
    stack.push(ChordCommand(doc, change))
    return True


def push(stack, doc: NoteDocument, change: Change, cls: type[NoteChangeCommand] = NoteChangeCommand) -> bool:
    """Push ``change`` as a ``cls`` command unless it changes nothing; True when pushed."""
    if change.empty:
        return False
    stack.push(cls(doc, change))
    return True
