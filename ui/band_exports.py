"""File → Export with Backing Band and File → Export Chord Chart: the Band as the transport plays it
(swing, sound, the chords you chose), fitted to the window's melody and written for a DAW or a music stand.

Fitting takes milliseconds (0.2 s for 120 bars, ``benchmarks/bench_backing.py``), so it runs on the
GUI thread. A melody the Band cannot accompany, or a full disk, gets a clear message and no file.
"""

from __future__ import annotations

from pathlib import Path

from mguv_app.music.midi_read import MIDI_SUFFIXES


def _fit(window, what: str):
    """The Band for the window's melody, or None after saying why not."""
    from mguv_app.lofi.backing import backing_for

    melody = window.melody
    if not melody.notes:
        window.statusBar().showMessage(f"Nothing to {what}: the melody is empty")
        return None
    try:
        return backing_for(melody, **window._band_options())
    except ValueError as err:
        window.statusBar().showMessage(f"No backing band: {err}")
        window.show_error(window, "No backing band", str(err))
        return None


def _stem(window) -> str:
    return Path(window.path).stem if window.path else (window.doc.name or "melody")


def _export(window, what: str, title: str, name: str, write, done: str, path: str | None = None) -> bool:
    """Fit the Band, ask where (``name`` suggested beside the last folder), write with ``write(backing, path)``."""
    backing = _fit(window, what)
    if backing is None:
        return False
    if path is None:
        ask = window.ask_text_path if name.endswith(".txt") else window.ask_save_path
        path = ask(window, title, str(Path(window.settings.get("last_dir", "")) / name))
        if not path:
            return False
    if name.endswith(".mid") and Path(path).suffix.lower() not in MIDI_SUFFIXES:
        path += ".mid"
    elif not Path(path).suffix:
        path += Path(name).suffix
    try:
        write(backing, path)
    except OSError as err:
        return window._save_failed(path, err)
    window.statusBar().showMessage(f"{done} {path}: {backing.describe(8)}")
    return True


def export_backing(window, path: str | None = None) -> bool:
    """The melody plus the Band's chords, bass and drums as one 4-track MIDI file."""
    from mguv_app.lofi.backing import write_backing_midi

    return _export(window, "accompany", "Export with backing band", f"{_stem(window)} with band.mid",
                   write_backing_midi, "Exported", path)


def export_chart(window, path: str | None = None) -> bool:
    """The Band's chords as a plain-text chart, four bars a line (``lofi.chord_chart``)."""
    from mguv_app.lofi.chord_chart import write_chord_chart

    return _export(window, "chart", "Export chord chart", f"{_stem(window)} chords.txt",
                   lambda backing, p: write_chord_chart(backing, p, _stem(window)), "Exported the chord chart", path)
