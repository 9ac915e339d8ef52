"""Interpolate: choose A and B (results, map pins, the selection, the melody, a file) → K steps.

The steps become the panel's results (each auditionable and placeable, or all in sequence)
and the trail on the latent map.

A and B follow what the user set last: pinning a point as A on the map makes A "Map pin" (both, once
both pins are set), picking two results (Ctrl+click) makes both "Chosen result", and a pin taken away
hands its end back to the results. So Ctrl+I after pinning A and B interpolates between the pins, and
a choice made in the boxes stays until the user sets something else.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QSpinBox

from mguv_app.generation import interpolate
from mguv_app.music import MidiImportError, read_midi

from .. import dialogs
from .action_page import ActionPage

SOURCES = ["result", "pin", "selection", "melody", "file"]
NAMES = {"result": "Chosen result", "pin": "Map pin", "selection": "Piano-roll selection",
         "melody": "Whole melody", "file": "MIDI file…"}
NEEDS_TWO = ("Interpolate needs two melodies: Ctrl+click two results, or pin A and B on the latent map "
             "(click a point, then Pin A; another, then Pin B)")


class InterpolateBox(ActionPage):
    def __init__(self, session, panel) -> None:
        super().__init__()
        self.session, self.panel = session, panel
        self.ask_open_path = dialogs.ask_open_path  # tests answer with a path
        grid = QGridLayout()
        self.source_a, self.source_b = QComboBox(), QComboBox()
        for combo in (self.source_a, self.source_b):
            for key in SOURCES:
                combo.addItem(NAMES[key], key)
            combo.setCurrentIndex(SOURCES.index("result"))
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
        grid.setColumnStretch(1, 1)
        self.outer.addLayout(grid)
        self.finish()
        self.actions = [self.button]
        self._pins: dict[str, int] = {}  # pin name -> the id of the point pinned (a new one: pinned again)
        self._store = None
        session.modelChanged.connect(lambda _model: self._watch_store())
        self._watch_store()
        panel_results = getattr(panel, "results", None)
        if panel_results is not None:
            panel_results.itemSelectionChanged.connect(self._results_picked)

    # --- following what the user set last --------------------------------------------------------
    def _watch_store(self) -> None:
        """The map's points live in the session's store, a new one per model: follow its pins."""
        store = self.session.store
        if store is self._store:
            return
        self._store = store
        self._pins = {}
        store.subscribe(self._store_changed)
        self._store_changed("pins")

    def _store_changed(self, kind: str) -> None:
        if kind != "pins" or self._store is not self.session.store:
            return
        pins = {name: point.id for name, point in self._store.pins.items()}
        for name, pid in pins.items():
            if self._pins.get(name) != pid:  # just pinned (or pinned again): that end interpolates from the pin
                self._set_source(name, "pin")
        for name in set(self._pins) - set(pins):  # a pin taken away: its end goes back to the results
            if self._source(name) == "pin":
                self._set_source(name, "result")
        self._pins = pins

    def _results_picked(self) -> None:
        """Two or more results picked (Ctrl+click): interpolate between them."""
        if len(self.panel.results.selected_rows()) >= 2:
            self._set_source("A", "result")
            self._set_source("B", "result")

    def _combo(self, name: str) -> QComboBox:
        return self.source_a if name == "A" else self.source_b

    def _source(self, name: str) -> str:
        return self._combo(name).currentData()

    def _set_source(self, name: str, key: str) -> None:
        combo = self._combo(name)
        combo.setCurrentIndex(combo.findData(key))

    # --- running ---------------------------------------------------------------------------------
    def _end(self, which: int):
        """The melody or latent for end A (0) or B (1); raises ValueError saying what to do."""
        key = (self.source_a, self.source_b)[which].currentData()
        name = "AB"[which]
        if key == "result":
            results = self.panel.results
            rows = [r for r in results.selected_rows() or [results.currentRow()] if 0 <= r < len(results.melodies)]
            both = self.source_a.currentData() == self.source_b.currentData() == "result"
            idx = which if both else 0
            if len(rows) <= idx:
                if not results.melodies and both:
                    raise ValueError(NEEDS_TWO)
                raise ValueError("select two results (Ctrl+click the second)" if both
                                 else f"select a result for {name} (click a thumbnail)")
            return results.melodies[rows[idx]]
        if key == "pin":
            pin = self.session.store.pins.get(name)
            if pin is None:
                raise ValueError(f"pin a point as {name} on the latent map first (click a point, then Pin {name})")
            return pin.melody if pin.melody is not None else pin.z
        if key == "selection":
            if not self.session.window.doc.selection:
                raise ValueError("select some notes in the piano roll first")
            return self.session.prompt()
        if key == "melody":
            m = self.session.window.melody
            if not m.notes:
                raise ValueError("the piano roll is empty: draw a melody or open one first")
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
            text = str(err) if str(err) == NEEDS_TWO else f"Interpolate: {err}"
            self.panel.show_error(self, text)
            return False
        steps, temp = self.steps.value(), 0.0
        return self.panel.run(
            self, f"Interpolating in {steps} steps",
            lambda model, tok: interpolate(model, a, b, steps, temp, 0, True, tok),
            lambda res: self.panel._done(res, "interpolation", f"{steps} steps from A to B: click to hear, "
                                         "double-click to place"))
