"""Attribute sliders: denser/sparser, higher/lower, more/less syncopated.

They move the latent of the melody as it was when the first slider left zero (the base),
so dragging back to zero gives the base's reconstruction rather than compounding edits.
A short debounce turns a slider drag into one model call.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSlider

from mguv_app.generation import shift_attributes
from mguv_app.generation.jobs import ATTRIBUTES

from .action_page import ActionPage

SCALE = 2.0  # slider at the end = 2 attribute vectors (top-quartile minus bottom-quartile mean)
LABELS = {"density": ("sparser", "denser"), "pitch": ("lower", "higher"),
          "syncopation": ("less syncopated", "more syncopated")}


class AttributesBox(ActionPage):
    def __init__(self, session, panel) -> None:
        super().__init__()
        self.session, self.panel = session, panel
        self.base = None
        self.sliders: dict[str, QSlider] = {}
        grid = QGridLayout()
        self.outer.addLayout(grid)
        for row, key in enumerate(ATTRIBUTES):
            low, high = LABELS[key]
            s = QSlider(Qt.Orientation.Horizontal)
            s.setRange(-100, 100)
            s.setValue(0)
            s.setToolTip(f"{low} ↔ {high} (moves the melody's latent along the model's attribute vector)")
            s.valueChanged.connect(self._changed)
            grid.addWidget(QLabel(low), row, 0)
            grid.addWidget(s, row, 1)
            grid.addWidget(QLabel(high), row, 2)
            self.sliders[key] = s
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Sliders back to the middle; the next move starts from the melody as it is")
        self.reset_button.clicked.connect(lambda _=False: self.reset())
        grid.addWidget(self.reset_button, len(ATTRIBUTES), 2)
        grid.setColumnStretch(1, 1)
        self.finish()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply)
        self.actions: list = []  # enabled through update_enabled (depends on the model's vectors)

    def update_enabled(self, ready: bool) -> None:
        model = self.session.model
        for key, s in self.sliders.items():
            has = model is not None and ATTRIBUTES[key][0] in model.attribute_vectors
            s.setEnabled(ready and has)
            if model is not None and not has:
                s.setToolTip("This model has no vector for this attribute")
        self.reset_button.setEnabled(ready)

    def amounts(self) -> dict[str, float]:
        return {k: s.value() / 100 * SCALE for k, s in self.sliders.items()}

    def _changed(self, _value: int) -> None:
        if self.base is None:
            self.base = self.session.window.melody
        self._debounce.start()

    def apply(self) -> bool:
        base, amounts = self.base, self.amounts()
        if base is None or not base.notes:
            self.panel.show_error(self, "Attributes: the piano roll is empty: draw a melody or place a result first")
            return False
        return self.panel.run(self, "Changing attributes",
                                lambda model, tok: shift_attributes(model, base, amounts, tok),
                                lambda res: self.session.show(res.melodies[0], "Attributes"))

    def reset(self) -> None:
        for s in self.sliders.values():
            s.blockSignals(True)
            s.setValue(0)
            s.blockSignals(False)
        self.base = None
