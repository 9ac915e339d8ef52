"""The main window: menus, status bar and the room the panels live in."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from mguv_app import APP_NAME
from mguv_app.music import Melody, MidiImportError, read_midi


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.melody = Melody()
        self.path: str | None = None
        self.setWindowTitle(APP_NAME)
        self.tabs = QTabWidget()
        self.summary = QLabel("Open a MIDI file (Ctrl+O) or click Generate.")
        self.tabs.addTab(self.summary, "Compose")
        self.setCentralWidget(self.tabs)
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open MIDI…", self, shortcut=QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._ask_open)
        file_menu.addAction(open_action)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.statusBar().showMessage("Ready")

    def _ask_open(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "Open MIDI", "", "MIDI files (*.mid *.midi *.kar *.rmi)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Load a MIDI file; a bad file leaves the current melody untouched and says why."""
        try:
            imported = read_midi(path)
        except MidiImportError as err:
            self.statusBar().showMessage(f"Could not open: {err.reason}")
            if self.isVisible():
                QMessageBox.warning(self, "Could not open MIDI file", str(err))
            return False
        self.melody, self.path = imported.melody, path
        s = imported.melody.summary()
        self.summary.setText(f"{s['name']}: {s['notes']} notes, {s['bars']} bars, track '{imported.track}'")
        self.setWindowTitle(f"{s['name']} — {APP_NAME}")
        self.statusBar().showMessage(f"Opened {path}")
        return True
