"""File → Choose Melody Track…: which track of the opened file is the melody.

The importer guesses (a track named like a melody, else the skyline of every pitched track), and a
skyline is no track Save could rewrite, so the user may pick one: the file opens again with that
track as the melody and the rest as the song around it (Save keeps it, the Song button plays it).
The choice is remembered per file, for as long as the file still has that track under that name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mguv_app.editing import pitch_name
from mguv_app.music import MidiImportError


def _key(path: str) -> str:
    return "melody_track/" + hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]


def remembered_track(settings, path: str) -> int | None:
    """The track chosen as this file's melody last time, if the file still has it (same place, same name)."""
    from mguv_app.music.midi_read import list_tracks

    index, _, name = settings.get(_key(path), "", str).partition(":")
    if not index.isdigit():
        return None
    try:
        same = any(t.index == int(index) and t.name == name for t in list_tracks(path))
    except MidiImportError:
        return None
    return int(index) if same else None


def remember_track(settings, path: str, index: int) -> bool:
    """After a song's save: when opening ``path`` would now guess another track than ``index`` (an edit left the
    melody with fewer notes than another voice named like one), remember ``index`` for it, so that the file
    opens as it was saved. True when it had to."""
    from mguv_app.music import read_midi
    from mguv_app.music.midi_read import list_tracks

    try:
        if read_midi(path, allow_empty=True).track_index == index:
            return False
        name = next(t.name for t in list_tracks(path) if t.index == index)
    except (MidiImportError, StopIteration):
        return False
    settings.set(_key(path), f"{index}:{name}")
    return True


def choose_melody_track(window, index: int | None = None) -> bool:
    """Ask which pitched track is the melody (``window.ask_track``) unless ``index`` says, remember it for
    the file, and open the file again with it. False when there is nothing to choose or it was cancelled."""
    from mguv_app.audio import program_name
    from mguv_app.music.midi_read import list_tracks

    status = window.statusBar()
    if not window.path:
        status.showMessage("Open a MIDI file with several tracks first", 4000)
        return False
    try:
        listed = list_tracks(window.path)
    except MidiImportError as err:
        status.showMessage(f"Could not read {Path(window.path).name}: {err.reason}", 4000)
        return False
    numbers = {t.index: k + 1 for k, t in enumerate(listed)}  # as `mguv inspect --tracks` numbers them
    tracks = [t for t in listed if not t.is_drum]
    if len(tracks) < 2:
        status.showMessage(f"{Path(window.path).name} has one pitched track: it is the melody", 4000)
        return False
    if index is None:
        current = window.song.score_index if window.song is not None else -1
        labels = [f"{numbers[t.index]}: {t.name or 'no name'} · {program_name(t.program)} · {t.notes} notes · "
                  f"{pitch_name(t.lowest)}–{pitch_name(t.highest)}" for t in tracks]
        pick = window.ask_track(window, labels, next((k for k, t in enumerate(tracks) if t.index == current), 0))
        if pick is None:
            return False
        index = tracks[pick].index
    if not window.maybe_save():
        return False
    window.settings.set(_key(window.path), f"{index}:{next(t.name for t in tracks if t.index == index)}")
    return window.open_path(window.path, track=index)
