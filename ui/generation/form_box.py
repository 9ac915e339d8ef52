"""The Generate dock's Form row: which song form the variations are written in, with a preview of its phrases.

The choice and its reading are the core's (``mguv_app.generation.form``: ``CHOICES``, ``plan``, ``preview``);
this widget only lists them, takes a typed form (``AA'BA``) and shows what the core says of it for the length
the dock asks for.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from mguv_app.generation.form import AUTO, CHOICES, FREE, FormError, plan, preview

LABELS = {AUTO: "Auto (by length)", FREE: "Free (no form)"}


class FormChooser(QWidget):
    """An editable combo of forms and, under it, the phrases the chosen one writes (or why it cannot)."""

    changed = Signal()

    def __init__(self, bars_of, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars_of = bars_of  # -> the bars the dock asks for
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in CHOICES:
            self.combo.addItem(LABELS.get(name, name), name)
        self.combo.setToolTip("The song form the melody is written in: a letter per phrase (A A B A: the first "
                              "phrase, again, a contrasting one, the first again); A' is a varied repeat. Type "
                              "your own, e.g. AA'BA or ABAC. Auto picks one for the length; Free writes none.")
        self.preview = QLabel()
        self.preview.setEnabled(False)  # quiet text: it describes, it is not a control
        self.preview.setWordWrap(True)
        lay.addWidget(self.combo)
        lay.addWidget(self.preview)
        self.combo.currentTextChanged.connect(self.refresh)

    def text(self) -> str:
        """The form as the core reads it: a choice's name, or what the user typed."""
        i = self.combo.findText(self.combo.currentText())
        return self.combo.itemData(i) if i >= 0 else self.combo.currentText().strip()

    def set_text(self, text: str) -> None:
        i = self.combo.findData(text)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        else:
            self.combo.setEditText(text)
        self.refresh()

    def form(self):
        """The planned Form for the dock's length (None: free); FormError when it cannot be written."""
        return plan(self.text(), self._bars_of())

    def error(self) -> str | None:
        try:
            self.form()
        except FormError as err:
            return str(err)
        return None

    def refresh(self, *_args) -> None:
        self.preview.setText(preview(self.text(), self._bars_of()))
        self.changed.emit()
