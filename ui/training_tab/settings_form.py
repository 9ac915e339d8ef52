"""Mode and settings: fine-tune the bundled model, train from scratch, or personalise (MidiMe); the meter.

The everyday settings (name, meter, steps, device) are always shown; batch size, learning rate, β and
MidiMe's latent size sit under "Advanced settings", folded by default, so that Start is in view on a
1280x800 screen. The devices offered are the core's (``engine.device.device_choices``): a GPU that is
not there is greyed out, with the reason in its tooltip and under the box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mguv_app.engine.device import device_choices

from ..widgets import WrapLabel

MODES = {
    "finetune": ("Fine-tune the bundled model (all weights)", {"steps": 2000, "lr": 3e-4}),
    "scratch": ("Train a new model from scratch", {"steps": 20000, "lr": 1e-3}),
    "personalize": ("Personalise in seconds on the CPU (MidiMe)", {"steps": 500}),
}
METERS = [("4/4 (and 2/4, 2/2)", (4, 4)), ("3/4", (3, 4)), ("6/8", (6, 8))]  # a model learns the bars of one


class SettingsForm(QWidget):
    modeChanged = Signal(str)
    meterChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons = {}
        for key, (text, _) in MODES.items():
            b = QRadioButton(text)
            b.setObjectName(f"mode_{key}")
            self.mode_group.addButton(b)
            self.mode_buttons[key] = b
            lay.addWidget(b)
            b.toggled.connect(lambda on, k=key: on and self._mode_changed(k))
        form = QFormLayout()
        self.name = QLineEdit("my-model")
        self.name.setToolTip("The name your model gets in the list below")
        self.steps = QSpinBox()
        self.steps.setRange(1, 10_000_000)
        self.steps.setSingleStep(500)
        self.batch = QSpinBox()
        self.batch.setRange(1, 4096)
        self.batch.setValue(64)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1.0)
        self.lr.setSingleStep(1e-4)
        self.beta = QDoubleSpinBox()
        self.beta.setDecimals(3)
        self.beta.setRange(0.0, 10.0)
        self.beta.setSingleStep(0.05)
        self.beta.setValue(0.2)
        self.beta.setToolTip("Weight of the KL term (MusicVAE's beta): higher = smoother latent space, blurrier copies")
        self.latent = QSpinBox()
        self.latent.setRange(1, 32)
        self.latent.setValue(4)
        self.latent.setToolTip("Size of MidiMe's small latent space")
        self.device = QComboBox()
        self.device_note = WrapLabel("")  # why the GPU is greyed out (empty where there is one)
        self.device_note.setEnabled(False)
        self.set_devices(device_choices())
        self.meter = QComboBox()
        for text, value in METERS:
            self.meter.addItem(text, value)
        self.meter.setToolTip("The bars the model learns: melodies in other meters are left out (and listed). "
                              "Chosen from the folder's files when it is scanned")
        self.meter.currentIndexChanged.connect(lambda _i: self.meterChanged.emit())
        form.addRow("Model name", self.name)
        form.addRow("Meter", self.meter)
        form.addRow("Steps", self.steps)
        form.addRow("Device", self.device)
        form.addRow("", self.device_note)
        self.form = form
        lay.addLayout(form)
        self.advanced_button = QToolButton()
        self.advanced_button.setText("Advanced settings")
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.toggled.connect(self.show_advanced)
        lay.addWidget(self.advanced_button)
        self.advanced = QWidget()
        adv = QFormLayout(self.advanced)
        adv.setContentsMargins(0, 0, 0, 0)
        adv.addRow("Batch size", self.batch)
        adv.addRow("Learning rate", self.lr)
        adv.addRow("β (KL weight)", self.beta)
        adv.addRow("Personal latent size", self.latent)
        lay.addWidget(self.advanced)
        self.show_advanced(False)
        self.mode_buttons["finetune"].setChecked(True)

    def show_advanced(self, on: bool) -> None:
        """Unfold (or fold) batch size, learning rate, β and the personal latent size."""
        self.advanced.setVisible(on)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        if self.advanced_button.isChecked() != on:
            self.advanced_button.setChecked(on)

    def set_devices(self, choices) -> None:
        """Offer ``choices`` (``DeviceChoice``s); one that is not available is greyed out, with its reason."""
        self.device.clear()
        notes = []
        for i, choice in enumerate(choices):
            self.device.addItem(choice.label, choice.value)
            if not choice.available:
                self.device.model().item(i).setEnabled(False)
                self.device.setItemData(i, choice.reason, Qt.ItemDataRole.ToolTipRole)
                notes.append(f"{choice.label.split(':')[0]}: {choice.reason}")
        self.device_note.setText("; ".join(notes))
        self.device_note.setVisible(bool(notes))
        self.device.setToolTip("Where training runs" + (f". {'; '.join(notes)}" if notes else ""))

    def _mode_changed(self, key: str) -> None:
        defaults = MODES[key][1]
        self.steps.setValue(defaults["steps"])
        if "lr" in defaults:
            self.lr.setValue(defaults["lr"])
        personal = key == "personalize"
        for w in (self.batch, self.lr, self.beta, self.device):
            w.setEnabled(not personal)
        self.latent.setEnabled(personal)
        self.modeChanged.emit(key)

    @property
    def mode(self) -> str:
        return next(k for k, b in self.mode_buttons.items() if b.isChecked())

    def set_mode(self, key: str) -> None:
        self.mode_buttons[key].setChecked(True)

    def train_settings(self) -> dict:
        """The ``--set`` values for ``mguv train``."""
        return {"batch_size": self.batch.value(), "lr": self.lr.value(), "beta_max": self.beta.value()}

    @property
    def meter_value(self) -> tuple[int, int]:
        return tuple(self.meter.currentData())

    def set_meter(self, time_signature) -> None:
        """Choose the entry that writes in ``time_signature`` (2/4: the 4/4 entry), else one whose bars fit it."""
        from mguv_app.models_registry import bar_steps, fits_meter, writes_meter

        for fit in (lambda value: writes_meter(bar_steps(value), value, time_signature),
                    lambda value: fits_meter(bar_steps(value), time_signature)):
            for i, (_text, value) in enumerate(METERS):
                if fit(value):
                    self.meter.setCurrentIndex(i)
                    return

    @property
    def device_value(self) -> str:
        return self.device.currentData()
