"""The file being edited, without Qt: where it lives, the song around the melody, and the rules for saving
and rendering it.

The window holds one :class:`Project` beside its ``NoteDocument`` (the notes) and only shows and asks: it
asks the user for a path when ``save_decision`` says so, says what ``write`` did, and hands Render's work
(``RenderPlan.source``) to its background runner. As Frescobaldi keeps its player Qt-free under a thin Qt
subclass, everything decided here can be tested, and reused by the CLI, without a window.

The save rules, in order (``save_decision``):

1. no file yet: ask for one (Save As);
2. a song whose melody is one track of its own (``music.song_file.locate_song``): rewrite that track and
   keep every other one, unless another program changed the file since it was opened, which a save would
   undo: then a new file ("song edited.mid");
3. a file holding more than the melody that Save cannot put back (a skyline of several tracks, other
   tracks of a file mido cannot rewrite): a new file for the melody ("song melody.mid");
4. else write the melody alone over the file.

A song that turns out to hold an event no MIDI writer can encode is refused before anything is written
(``MidiSaveError``): from then on the project holds the melody alone, and the next Save asks for a new file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .music import Melody, read_midi, write_midi
from .music.errors import MidiImportError
from .music.midi_write import melody_to_midi_bytes
from .music.song_file import SongFile, locate_song, write_song

ASK = "ask"  # no file yet: Save As
SONG = "song"  # rewrite the melody's own track in the song, keep the rest
MELODY = "melody"  # write the melody alone over the file
ELSEWHERE = "elsewhere"  # the open file must not be written: a new one, for the reason given


@dataclass(frozen=True)
class SaveDecision:
    """What Save does with the open file; for ``ELSEWHERE`` the sentence the user reads, what goes into the new
    file ("the song", "the melody") and the suffix of the name suggested for it ("song edited.mid")."""

    action: str
    why: str = ""
    what: str = ""
    suffix: str = ""


@dataclass
class RenderPlan:
    """What Render to WAV plays, decided from what the transport plays now: the song's parts that are heard
    (the Song button), else the Band (its swing and sound), else the melody alone; always through the song's
    tempo map. ``source`` does the work (the Band's fit, the MIDI bytes): run it off the GUI thread."""

    tempo_map: list = field(default_factory=list)
    song_parts: list | None = None  # (part, is_drum) heard with the melody; None: the song is not playing
    band_options: dict | None = None  # backing_for's arguments while the Band plays; None: no band

    def source(self, melody: Melody) -> tuple[Melody | bytes, str]:
        """What to render (a melody or MIDI file bytes) and how the status line names it (" with the band")."""
        if self.song_parts is not None:
            data = melody_to_midi_bytes(melody, extra_tracks=self.song_parts, tempo_map=self.tempo_map)
            return data, f" with {len(self.song_parts)} of its parts"
        source = melody_to_midi_bytes(melody, tempo_map=self.tempo_map) if self.tempo_map else melody
        if self.band_options is None:
            return source, ""
        from .lofi.backing import backing_for
        from .music.midi_write import with_tempo_map

        try:
            backing = backing_for(melody, **self.band_options)
        except ValueError as err:
            return source, f" (the melody alone: {err})"
        data = backing.midi_bytes()  # all four tracks, rendered from memory
        return (with_tempo_map(data, self.tempo_map, melody.qpm) if self.tempo_map else data), " with the band"


class Project:
    """The open file: ``path`` (absolute, or None for a new melody), ``song`` (the song whose other tracks
    Save keeps, or None), ``more_in_file`` (what the file holds that the editor does not keep, e.g. "2 other
    tracks"; then Save writes a new file), and from the song its other tracks (``song_parts``, for the
    transport's Song button) and its tempo changes (``tempo_map``, which playback and Render follow)."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.song: SongFile | None = None
        self.more_in_file = ""
        self.song_parts: list = []
        self.tempo_map: list = []

    # --- opening ----------------------------------------------------------------------------------
    def start(self, path: str | None = None) -> None:
        """A fresh document at ``path`` (a melody from nowhere, or from a file whose song ``keep_song`` finds)."""
        self.path = path
        self.song = None
        self.more_in_file = ""
        self._song_changed()

    def keep_song(self, path: str | None, imported=None) -> None:
        """Find the melody's own track in the song at ``path``, so Save rewrites that track and keeps the rest;
        where it cannot (a skyline melody, a file mido cannot rewrite), Save asks for a new file instead."""
        self.song = locate_song(path, imported) if path else None
        self.more_in_file = "" if self.song is not None else more_in(imported or path)
        self._song_changed()

    def _song_changed(self) -> None:
        self.song_parts = self.song.parts() if self.song is not None else []
        self.tempo_map = self.song.tempo_map() if self.song is not None else []

    # --- saving -----------------------------------------------------------------------------------
    def save_decision(self) -> SaveDecision:
        """What Save does now (the rules in the module's docstring)."""
        if not self.path:
            return SaveDecision(ASK)
        name = Path(self.path).name
        if self.song is not None:
            if self.changed_on_disk():  # writing our copy would undo what another program saved there
                return SaveDecision(ELSEWHERE, f"{name} was changed by another program since it was opened: save "
                                    "the song as a new file", "the song", "edited")
            return SaveDecision(SONG)
        if self.more_in_file:  # the editor keeps only the melody: never write it over the whole song
            return SaveDecision(ELSEWHERE, f"{name} has {self.more_in_file} that the editor does not keep: save "
                                "the melody as a new file", "the melody", "melody")
        return SaveDecision(MELODY)

    def changed_on_disk(self) -> bool:
        """The song file no longer holds what was opened (or last saved): another program wrote it."""
        if self.song is None or not self.path:
            return False
        try:
            return Path(self.path).read_bytes() != self.song.data
        except OSError:
            return False  # gone or unreadable: writing it again loses nothing

    def write(self, melody: Melody, path: str) -> str:
        """Write ``melody`` to ``path``: into the song (its other tracks kept) while there is one, else alone.
        Returns the status line. Raises ``OSError`` when the write failed (nothing changed), and
        ``MidiSaveError`` (an ``OSError``) for a song no writer can encode: nothing was written, and from now on
        the project holds the melody alone (``more_in_file`` says what the file has besides)."""
        from .music.errors import MidiSaveError

        if self.song is None:
            write_midi(melody, path)
            return f"Saved {path}"
        try:
            self.song = write_song(self.song, melody, path)
        except MidiSaveError:
            self.more_in_file, self.song = self.song.others_label, None
            raise
        return f"Saved {path}: the melody and the song's {self.song.others_label}"

    def saved_as(self, path: str) -> bool:
        """The file now holds what the editor holds, at ``path``; True when that is another file."""
        self.more_in_file = ""
        moved = os.path.abspath(path) != self.path
        self.path = os.path.abspath(path)
        return moved

    def is_open_file(self, path: str) -> bool:
        return os.path.abspath(path) == self.path

    def suggested_path(self, suffix: str) -> str:
        """A new file beside the open one: "song melody.mid" for ``suffix`` "melody"."""
        path = Path(self.path)
        return str(path.parent / f"{path.stem} {suffix}.mid")

    # --- rendering --------------------------------------------------------------------------------
    def render_plan(self, *, song_on: bool = False, heard: list | None = None, band_options: dict | None = None
                    ) -> RenderPlan:
        """Render plays what is heard: the song's ``heard`` parts while its Song button plays them, else the
        Band while it plays (``band_options``), else the melody; through the song's tempo map."""
        parts = list(heard if heard is not None else self.song_parts) if self.song is not None and song_on else None
        return RenderPlan(list(self.tempo_map), parts, None if parts is not None else band_options)


def more_in(source) -> str:
    """What a MIDI file (a path, or its import) holds besides the melody, e.g. "2 other tracks"; "" for none
    or for a file that cannot be read (then there is nothing there to lose)."""
    if source is None:
        return ""
    if isinstance(source, (str, os.PathLike)):
        try:
            source = read_midi(source)
        except MidiImportError:
            return ""
    others = source.note_tracks - 1
    return f"{others} other track{'s' if others > 1 else ''}" if others > 0 else ""
