"""The window's modal questions, as plain functions the window holds in attributes.

Keeping them here (rather than inline ``QMessageBox`` calls) lets tests and headless runs
swap in a function that answers at once. On a headless platform (offscreen, minimal) nobody
could ever answer a modal box, so each question returns its safe answer instead of hanging.
"""

from __future__ import annotations

import datetime as _dt
import logging

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

_logger = logging.getLogger(__name__)

MIDI_FILTER = "MIDI files (*.mid *.midi *.kar *.rmi *.smf)"


def headless() -> bool:
    return QGuiApplication.platformName() in ("offscreen", "minimal")


def ask_unsaved(parent: QWidget) -> str:
    """"save", "discard" or "cancel" ("discard" when headless: nobody is there to answer)."""
    if headless():
        return "discard"
    B = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, "Unsaved changes", "The melody has unsaved changes. Save them first?",
                                  B.Save | B.Discard | B.Cancel, B.Save)
    return {B.Save: "save", B.Discard: "discard"}.get(answer, "cancel")


def ask_restore(parent: QWidget, recovery) -> bool:
    if headless():
        return False  # keep the autosave for the next interactive start
    when = _dt.datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M") if recovery.saved_at else "?"
    src = f"\n(It was editing {recovery.source_path}.)" if recovery.source_path else ""
    B = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Restore after a crash",
        f"MGU-V Studio did not close cleanly last time. Restore the autosave from {when} "
        f"({len(recovery.melody.notes)} notes)?{src}", B.Yes | B.No, B.Yes)
    return answer == B.Yes


def ask_open_path(parent: QWidget, start_dir: str) -> str | None:
    if headless():
        return None
    path, _ = QFileDialog.getOpenFileName(parent, "Open MIDI", start_dir, MIDI_FILTER)
    return path or None


def ask_save_path(parent: QWidget, title: str, suggested: str) -> str | None:
    if headless():
        return None
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, MIDI_FILTER)
    return path or None


def ask_text_path(parent: QWidget, title: str, suggested: str) -> str | None:
    if headless():
        return None
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Text (*.txt)")
    return path or None


def ask_wav_path(parent: QWidget, title: str, suggested: str) -> str | None:
    if headless():
        return None
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "WAV audio (*.wav)")
    return path or None


def ask_chord(parent: QWidget, where: str, current: str) -> str | None:
    """The chord strip's "Other chord…": a typed symbol, or None (cancelled, or headless)."""
    if headless():
        return None
    text, ok = QInputDialog.getText(parent, "Chord",
                                    f"{where}: chord symbol (e.g. Dm7, Bb7, F#m7b5, Cmaj9, Gsus4, C/E)", text=current)
    return text if ok else None


def ask_meter(parent: QWidget, where: str, current: str) -> str | None:
    """The ruler's "Meter from Bar N → Other…": a typed time signature, or None (cancelled, or headless)."""
    if headless():
        return None
    text, ok = QInputDialog.getText(parent, "Meter", f"{where} on: time signature (e.g. 5/8, 7/4, 3/2)", text=current)
    return text if ok else None


def ask_semitones(parent: QWidget) -> int | None:
    """Edit → Transpose Song…: how many semitones (None: cancelled, or headless)."""
    if headless():
        return None
    value, ok = QInputDialog.getInt(parent, "Transpose song", "Semitones (negative: down), chords included:",
                                    0, -24, 24)
    return value if ok and value else None


def ask_track(parent: QWidget, labels: list[str], current: int) -> int | None:
    """File → Choose Melody Track…: the position in ``labels`` of the chosen track (None: cancelled, headless)."""
    if headless():
        return None
    text, ok = QInputDialog.getItem(parent, "Melody track", "Which track is the melody? (the others are kept, "
                                    "heard with the Song button and drawn under it)", labels, max(0, current), False)
    return labels.index(text) if ok else None


def ask_freeze_meter(parent: QWidget, text: str) -> bool:
    """Endless → Freeze into a melody of another meter: change the melody's meter to the phrase's? (No when
    headless: nothing changes.)"""
    if headless():
        return False
    B = QMessageBox.StandardButton
    return QMessageBox.question(parent, "Freeze this phrase", text, B.Yes | B.Cancel, B.Yes) == B.Yes


def show_error(parent: QWidget, title: str, text: str) -> None:
    """A message box; headless (nobody to close it), the message goes to the log (stderr by default)."""
    if headless():
        _logger.warning("%s: %s", title, text)
        return
    QMessageBox.warning(parent, title, text)
