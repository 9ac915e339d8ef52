"""Put the Training tab into the main window and offer to resume a run a previous session left unfinished.

``attach_training(window)`` swaps the window's placeholder ``training_tab`` for a
:class:`TrainingTab`, shows the tab's messages in the status bar, stops (checkpoints) a running
training process when the application quits, and, if the user data dir holds an unfinished run,
asks ``ask_resume(parent, run_info) -> bool`` (a message box unless a test passes a function).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from mguv_app import models_registry as reg


def ask_resume(parent, info: reg.RunInfo) -> bool:
    B = QMessageBox.StandardButton
    last = info.last_event.get("event", "")
    why = {"stopped": "was paused", "error": "stopped with an error"}.get(last, "did not finish")
    text = (f"The training run “{info.name}” {why} at step {info.step} of {info.max_steps}. "
            "Resume it now?")
    return QMessageBox.question(parent, "Resume training", text, B.Yes | B.No, B.Yes) == B.Yes


def offer_resume(tab, ask=ask_resume) -> bool:
    """Ask about the most recent unfinished run; resume it (True) or leave it in the list."""
    runs = reg.unfinished_runs()
    if not runs or tab.run_state != "idle":
        return False
    info = runs[0]
    if not ask(tab, info):
        return False
    if info.data:
        tab.folder = info.data
        tab.folder_label.setText(info.data)
    return tab.resume(info.folder)


def attach_training(window, ask=ask_resume, offer_delay_ms: int = 0):
    """Replace the placeholder Training tab; returns the TrainingTab."""
    from .training_tab import TrainingTab

    tab = TrainingTab()
    tabs = window.tabs
    index = tabs.indexOf(window.training_tab)
    old = window.training_tab
    if index < 0:
        index = tabs.addTab(tab, "Training")
    else:
        tabs.removeTab(index)
        tabs.insertTab(index, tab, "Training")
        old.deleteLater()
    window.training_tab = tab
    tab.statusMessage.connect(lambda msg: window.statusBar().showMessage(msg, 8000))
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(tab.shutdown)
    if ask is not None:
        QTimer.singleShot(offer_delay_ms, lambda: offer_resume(tab, ask))
    return tab
