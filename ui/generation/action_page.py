"""One tab of the Generate dock's actions: its rows, then the error line of what was last tried there."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..widgets import ErrorLabel


class ActionPage(QWidget):
    """Rows go into ``outer``; :meth:`finish` adds the error line under them (``GeneratePanel.show_error``
    fills it) and a stretch, so a short page keeps its rows at the top."""

    def __init__(self) -> None:
        super().__init__()
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(6, 6, 6, 4)
        self.error = ErrorLabel()

    def finish(self) -> None:
        self.outer.addWidget(self.error)
        self.outer.addStretch(1)
