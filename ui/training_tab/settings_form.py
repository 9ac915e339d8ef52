"""Mode and settings: fine-tune the bundled model, train from scratch, or personalise (MidiMe); the meter."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

MODES = {
    "finetune": ("Fine-tune the bundled model (all weights)", {"steps": 2000, "lr": 3e-4}),
    "scratch": ("Train a new model from scratch", {"steps": 20000, "lr": 1e-3}),
    "personalize": ("Personalise in seconds on the CPU (MidiMe)", {"steps": 500}),
}
DEVICES = [("auto (GPU when present)", "auto"), ("CPU", "cpu"), ("GPU (CUDA)", "cuda")]
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
        for text, value in DEVICES:
            self.device.addItem(text, value)
        self.meter = QComboBox()
        for text, value in METERS:
            self.meter.addItem(text, value)
        self.meter.setToolTip("The bars the model learns: melodies in other meters are left out (and listed). "
                              "Chosen from the folder's files when it is scanned")
        self.meter.currentIndexChanged.connect(lambda _i: self.meterChanged.emit())
        form.addRow("Model name", self.name)
        form.addRow("Meter", self.meter)
        form.addRow("Steps", self.steps)
        form.addRow("Batch size", self.batch)
        form.addRow("Learning rate", self.lr)
        form.addRow("β (KL weight)", self.beta)
        form.addRow("Personal latent size", self.latent)
        form.addRow("Device", self.device)
        self.form = form
        lay.addLayout(form)
        self.mode_buttons["finetune"].setChecked(True)

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
