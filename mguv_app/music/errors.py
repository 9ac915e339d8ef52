"""Typed, user-facing errors for MIDI input.

Every error carries the path and a one-line human reason; ``str(err)`` is what the
CLI prints and the GUI shows, so it must read well without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class MidiImportError(Exception):
    """Base class: this file could not be turned into a melody."""

    kind = "unreadable"

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotMidiError(MidiImportError):
    """Empty file, text file, or anything that is not a Standard MIDI File."""

    kind = "not_midi"


class CorruptMidiError(MidiImportError):
    """A MIDI file whose structure is broken: truncated, wrong chunk lengths, bad events."""

    kind = "corrupt"


class FileTooLargeError(MidiImportError):
    kind = "too_large"


class NoMelodyError(MidiImportError):
    """Valid MIDI, but nothing to use as a melody (no notes, drums only)."""

    kind = "no_melody"


class AbsurdTimingError(MidiImportError):
    """Valid MIDI, but timing values no real piece has (enormous delta times, tempo 0)."""

    kind = "absurd_timing"


class MidiSaveError(OSError):
    """A save refused before anything was written: the file would not open again, or a song holds events that
    cannot be written back. The target is left as it was.

    An :class:`OSError`, so that every caller that already reports a failed write (a full disk, a read-only
    folder) reports this one too; ``str(err)`` is the reason alone (callers name the file)."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
