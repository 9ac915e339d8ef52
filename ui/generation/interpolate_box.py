"""Interpolate: choose A and B (results, map pins, the selection, the melody, a file) → K steps.

The steps become the panel's results (each auditionable and placeable, or all in sequence)
and the trail on the latent map.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QSpinBox

from mguv_app.generation import interpolate
from mguv_app.music import MidiImportError, read_midi

from .. import dialogs

SOURCES = ["result", "pin", "selection", "melody", "file"]
NAMES = {"result": "Chosen result", "pin": "Map pin", "selection": "Piano-roll selection",
         "melody": "Whole melody", "file": "MIDI file…"}


class InterpolateBox(QGroupBox):
    def __init__(self, session, panel) -> None:
        super().__init__("Interpolate")
        self.session, self.panel = session, panel
        self.ask_open_path = dialogs.ask_open_path  # tests answer with a path
        grid = QGridLayout(self)
        self.source_a, self.source_b = QComboBox(), QComboBox()
        for combo, default in ((self.source_a, "result"), (self.source_b, "result")):
            for key in SOURCES:
                combo.addItem(NAMES[key], key)
            combo.setCurrentIndex(SOURCES.index(default))
        self.steps = QSpinBox()
        self.steps.setRange(2, 16)
        self.steps.setValue(5)
        self.steps.setSuffix(" steps")
        self.button = QPushButton("Interpolate")
        self.button.setToolTip("Melodies that morph from A to B (with 'Chosen result' twice: the first two "
                               "selected results)")
        self.button.clicked.connect(lambda _=False: self.run())
        grid.addWidget(QLabel("A"), 0, 0)
        grid.addWidget(self.source_a, 0, 1)
        grid.addWidget(QLabel("B"), 1, 0)
        grid.addWidget(self.source_b, 1, 1)
        grid.addWidget(self.steps, 2, 0, 1, 1)
        grid.addWidget(self.button, 2, 1)
        self.actions = [self.button]

    def _end(self, which: int):
        """The melody or latent for end A (0) or B (1); raises ValueError with what is missing."""
        key = (self.source_a, self.source_b)[which].currentData()
        name = "AB"[which]
        if key == "result":
            results = self.panel.results
            rows = [r for r in results.selected_rows() or [results.currentRow()] if 0 <= r < len(results.melodies)]
            both = self.source_a.currentData() == self.source_b.currentData() == "result"
            idx = which if both else 0
            if len(rows) <= idx:
                raise ValueError("select two results (Ctrl+click)" if both else f"select a result for {name}")
            return results.melodies[rows[idx]]
        if key == "pin":
            pin = self.session.store.pins.get(name)
            if pin is None:
                raise ValueError(f"pin a point as {name} on the latent map first")
            return pin.melody if pin.melody is not None else pin.z
        if key == "selection":
            if not self.session.window.doc.selection:
                raise ValueError("select some notes in the piano roll first")
            return self.session.prompt()
        if key == "melody":
            m = self.session.window.melody
            if not m.notes:
                raise ValueError("the piano roll is empty")
            return m
        path = self.ask_open_path(self, self.session.window.settings.get("last_dir", ""))
        if not path:
            raise ValueError("no file chosen")
        try:
            return read_midi(path).melody
        except MidiImportError as err:
            raise ValueError(f"could not read {path}: {err.reason}") from None

    def run(self) -> bool:
        try:
            a, b = self._end(0), self._end(1)
        except ValueError as err:
            self.panel.status.setText(f"Interpolate: {err}")
            return False
        steps, temp = self.steps.value(), 0.0
        return self.session.run(
            f"Interpolating in {steps} steps",
            lambda model, tok: interpolate(model, a, b, steps, temp, 0, True, tok),
            lambda res: self.panel._done(res, "interpolation", f"{steps} steps from A to B: click to hear, "
                                         "double-click to place"))
