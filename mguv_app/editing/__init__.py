"""Qt-free editing model behind the piano roll: an editable note document, grids and scales.

The window's widgets only draw and edit a :class:`NoteDocument`; every rule about what an
edit does (clamping, snapping, paste positions, selection after an edit) lives here so it
can be tested without Qt and reused by the CLI or scripts.
"""

from .grid import DEFAULT_GRID, GRIDS, grid_ticks, snap_floor, snap_nearest
from .note_document import BarsChange, Change, ChordChange, NoteDocument, PropertyChange
from .scales import (
    KEY_NAMES,
    SCALES,
    best_shift_into,
    guess_key,
    in_scale,
    key_label,
    parse_key,
    pitch_name,
    shift_into_scale,
)

__all__ = ["GRIDS", "DEFAULT_GRID", "grid_ticks", "snap_floor", "snap_nearest", "BarsChange", "Change",
           "ChordChange", "NoteDocument", "PropertyChange",
           "KEY_NAMES", "SCALES", "guess_key", "in_scale", "pitch_name", "best_shift_into", "shift_into_scale",
           "key_label", "parse_key"]
