"""The window's status bar: a long message is shortened with "…" (full text in the tooltip) instead
of being cut at the permanent widgets, and the last messages are kept for View → Messages….

``QStatusBar`` draws a temporary message itself, clipped without a mark where the permanent widgets
(bar/beat, the melody summary) begin. Here the message is shown by an :class:`ElidedLabel`, the
first permanent widget, which takes the room the others leave; ``showMessage`` / ``clearMessage``
/ ``currentMessage`` and message timeouts stay Qt's, so every caller (``window.statusBar()
.showMessage(...)``) and Qt's own status tips go through it unchanged.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPlainTextEdit,
    QStatusBar,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

from .widgets import ElidedLabel

HISTORY = 200  # messages kept for the Messages… window


class MessageStatusBar(QStatusBar):
    MESSAGE_MARGINS = (4, 0, 8, 0)  # where QStatusBar itself would start the text, and a gap before bar/beat

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # cut in the middle: an error keeps its start (what failed) and its end (why)
        self.message_label = ElidedLabel("", self, mode=Qt.TextElideMode.ElideMiddle, min_width=40)
        self.message_label.setObjectName("status_message")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        box = QWidget(self)  # the label's margins live in a layout (a style change resets a label's own)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(*self.MESSAGE_MARGINS)
        lay.addWidget(self.message_label)
        self.addPermanentWidget(box, 1)  # first, so later permanent widgets sit right of it
        self.messageChanged.connect(self.message_label.setText)
        self.history: deque[tuple[float, str]] = deque(maxlen=HISTORY)

    def showMessage(self, text: str, timeout: int = 0) -> None:
        """Show ``text`` (for ``timeout`` ms, 0 = until the next one) and keep it in the history.
        Status tips of hovered actions come from Qt directly: shown, but not kept."""
        if text and (not self.history or self.history[-1][1] != text):
            self.history.append((time.time(), text))
        super().showMessage(text, timeout)

    def paintEvent(self, _event) -> None:
        # the panel only: the message is the label's (QStatusBar would also draw it, cut, under the label)
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, opt, p, self)

    def history_text(self) -> str:
        return "\n".join(f"{time.strftime('%H:%M:%S', time.localtime(t))}  {text}" for t, text in self.history)


class MessagesDialog(QDialog):
    """The status bar's recent messages, newest last, as selectable text."""

    def __init__(self, bar: MessageStatusBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Messages")
        self.bar = bar
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay.addWidget(buttons)
        self.resize(640, 320)
        self.refresh()

    def refresh(self) -> None:
        self.text.setPlainText(self.bar.history_text() or "No messages yet.")
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
