"""Dock the transport (``ui/transport.py``, FluidSynth playback) and wire it to the piano roll.

The transport is optional: without it (or without a working audio stack) the window still
edits and saves; this module then returns None and the window shows no transport dock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut


def attach_transport(window):
    """Create the TransportPanel, dock it and connect it both ways; None when unavailable."""
    try:
        from .transport import TransportPanel
    except ImportError:
        return None
    try:
        panel = TransportPanel()
    except Exception as exc:  # a broken audio set-up must not stop the editor from opening
        window.statusBar().showMessage(f"Playback unavailable: {exc}")
        return None
    roll = window.roll
    window.add_panel_dock(panel, "Transport", Qt.DockWidgetArea.TopDockWidgetArea)
    panel.positionChanged.connect(roll.set_playhead)
    panel.statusMessage.connect(lambda msg: window.statusBar().showMessage(msg, 4000))
    roll.loopChanged.connect(lambda start, end: panel.set_loop(start or 0, end) if end else panel.set_loop(0, None))
    roll.auditionRequested.connect(lambda pitch, vel: panel.audition(pitch, vel))
    panel.chordsChanged.connect(roll.set_chords)
    panel.songChanged.connect(window.song_shown)
    panel.tempoEdited.connect(lambda qpm: window.set_song_settings(qpm=qpm))
    panel.meterEdited.connect(lambda num, den: window.set_song_settings(time_signature=(num, den)))
    panel.programEdited.connect(lambda program: window.set_song_settings(program=program))
    if hasattr(roll, "seekRequested") and hasattr(panel, "seek"):
        roll.seekRequested.connect(panel.seek)
    space = QShortcut(QKeySequence(Qt.Key.Key_Space), window)
    space.setContext(Qt.ShortcutContext.WindowShortcut)
    space.activated.connect(panel.toggle_play)
    window.transport_shortcut = space
    panel.set_melody(window.melody)
    return panel
