"""Typed, user-facing errors for MIDI input.

Every error carries the path and a one-line human reason; ``str(err)`` is what the
CLI prints and the GUI shows, so it must read well without a traceback. ``advice`` says what
the user can do about it (each kind has its own), and ``explained`` is the reason with it.
"""

from __future__ import annotations

from pathlib import Path


class MidiImportError(Exception):
    """Base class: this file could not be turned into a melody."""

    kind = "unreadable"
    advice = "Check that the file is there and readable, or choose another one."

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    @property
    def explained(self) -> str:
        """The reason and what to do: "the file is empty. Choose a Standard MIDI File…"."""
        return f"{self.reason.rstrip('.')}. {self.advice}"


class NotMidiError(MidiImportError):
    """Empty file, text file, or anything that is not a Standard MIDI File."""

    kind = "not_midi"
    advice = "Choose a Standard MIDI File (.mid): this one is not one (an audio file, a text file, or empty?)."


class CorruptMidiError(MidiImportError):
    """A MIDI file whose structure is broken: truncated, wrong chunk lengths, bad events."""

    kind = "corrupt"
    advice = ("The file is damaged or was cut short (an interrupted download or copy): get it again, or open it "
              "in the program that made it and export it as a MIDI file once more.")


class FileTooLargeError(MidiImportError):
    kind = "too_large"
    advice = "Export only the melody's track (or a shorter part) from your DAW and open that."


class NoMelodyError(MidiImportError):
    """Valid MIDI, but nothing to use as a melody (no notes, drums only)."""

    kind = "no_melody"
    advice = "Choose a file with a melody in it (File → Choose Melody Track… picks another track of a song)."


class AbsurdTimingError(MidiImportError):
    """Valid MIDI, but timing values no real piece has (enormous delta times, tempo 0)."""

    kind = "absurd_timing"
    advice = "Export it again from the program that made it (its tempo or timing values are broken)."


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
