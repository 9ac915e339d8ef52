"""The music layer: the melody data model, the model's event tokens, MIDI in and out."""

from .errors import (
    AbsurdTimingError,
    CorruptMidiError,
    FileTooLargeError,
    MidiImportError,
    MidiSaveError,
    NoMelodyError,
    NotMidiError,
)
from .events import HOLD, NOTE_OFF, PITCH_OFFSET, VOCAB_SIZE, events_to_melody, events_to_notes, melody_to_events
from .melody import STEPS_PER_QUARTER, TICKS_PER_QUARTER, TICKS_PER_STEP, Melody, Note
from .midi_read import ImportedMelody, iter_midi_files, read_midi
from .midi_write import melody_to_midi_bytes, write_midi

__all__ = [
    "AbsurdTimingError", "CorruptMidiError", "FileTooLargeError", "MidiImportError", "MidiSaveError", "NoMelodyError",
    "NotMidiError", "HOLD", "NOTE_OFF", "PITCH_OFFSET", "VOCAB_SIZE", "events_to_melody", "events_to_notes",
    "melody_to_events", "STEPS_PER_QUARTER", "TICKS_PER_QUARTER", "TICKS_PER_STEP", "Melody", "Note",
    "ImportedMelody", "iter_midi_files", "read_midi", "melody_to_midi_bytes", "write_midi",
]
