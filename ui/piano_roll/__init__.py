"""The piano-roll editor: a custom-painted grid over a Qt-free :class:`NoteDocument`."""

from .roll import TOOLS, PianoRoll

__all__ = ["PianoRoll", "TOOLS"]
