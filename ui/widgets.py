"""Small widgets that keep narrow docks tidy: labels that never demand more width than they get,
buttons that may shrink to their text, and a scroll area that scrolls only vertically.

* :class:`WrapLabel` — plain text wrapped at word boundaries, and inside a word (a file path)
  only where the word is wider than the label; its minimum width is small, so a long message
  never widens the panel it is in.
* :class:`ElidedLabel` — one line, shortened with "…" when narrow; the full text is its tooltip.
* :class:`ElidedComboBox` — a combo box narrower than its longest item: the current text ends in
  "…" when cut (the list still shows every item whole).
* :func:`fit_button` — lets a push button shrink below the style's 80 px minimum, but never
  below what its text needs.
* :class:`VScrollArea` — the panel scrolls vertically and is never cut horizontally: the area is
  never narrower than the panel's minimum width plus the scroll bar, so a dock cannot be dragged
  narrower than its content.
* :func:`scroll_into_view` — scrolls the enclosing scroll area to a widget (new results in a
  short dock).
* :class:`ErrorLabel` — an error shown where the action that failed is (a :class:`WrapLabel` in the
  error colour, hidden while there is none).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)


class WrapLabel(QLabel):
    """A word-wrapped plain-text label that also breaks words too long for its width (paths, URLs).

    ``text()`` and ``setText()`` are QLabel's; only measuring and painting differ. Its minimum
    width is ``min_width`` (or less for a shorter text) and its height follows its width.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, min_width: int = 120) -> None:
        super().__init__(text, parent)
        self._min_width = min_width
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _margins(self) -> tuple[int, int]:
        m = self.contentsMargins()
        return m.left() + m.right() + 2 * self.margin(), m.top() + m.bottom() + 2 * self.margin()

    def _layout(self, width: float) -> tuple[QTextLayout, float]:
        """The text laid out in ``width`` pixels, and its height."""
        layout = QTextLayout(self.text(), self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1.0, width))
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return layout, max(y, float(self.fontMetrics().height()))

    def _natural_width(self) -> int:
        fm = self.fontMetrics()
        return max((fm.horizontalAdvance(part) for part in self.text().split("\n")), default=0) + 1

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        dx, dy = self._margins()
        return math.ceil(self._layout(width - dx)[1]) + dy

    def minimumSizeHint(self) -> QSize:
        dx, dy = self._margins()
        return QSize(min(self._min_width, self._natural_width()) + dx, self.fontMetrics().height() + dy)

    def sizeHint(self) -> QSize:
        dx, _dy = self._margins()
        width = max(min(self._natural_width(), 3 * self._min_width), self._min_width) + dx
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, _event) -> None:
        rect = self.contentsRect().adjusted(self.margin(), self.margin(), -self.margin(), -self.margin())
        layout, height = self._layout(rect.width())
        top = rect.top()
        if self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            top += max(0, (rect.height() - height) / 2)
        elif self.alignment() & Qt.AlignmentFlag.AlignBottom:
            top += max(0, rect.height() - height)
        p = QPainter(self)
        group = QPalette.ColorGroup.Normal if self.isEnabled() else QPalette.ColorGroup.Disabled
        p.setPen(self.palette().color(group, self.foregroundRole()))
        layout.draw(p, QPointF(rect.left(), top))


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" when it is too narrow (full text as tooltip)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight, min_width: int = 60) -> None:
        super().__init__(text, parent)
        self._mode = mode
        self._min_width = min_width
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._update_tip()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tip()

    def _elided(self) -> str:
        return self.fontMetrics().elidedText(self.text(), self._mode, self.contentsRect().width())

    def _update_tip(self) -> None:
        self.setToolTip(self.text() if self._elided() != self.text() else "")

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(self._min_width, hint.width()), hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        align = self.alignment() & ~Qt.AlignmentFlag.AlignJustify
        self.style().drawItemText(p, self.contentsRect(), int(align), self.palette(), self.isEnabled(),
                                  self._elided(), self.foregroundRole())


class ElidedComboBox(QComboBox):
    """A combo box whose current text is shortened with "…" where the box is too narrow for it."""

    def paintEvent(self, _event) -> None:
        p = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        p.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        opt.currentText = self.fontMetrics().elidedText(opt.currentText, Qt.TextElideMode.ElideRight,
                                                        field.width() - 2)
        p.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


def fit_button(button: QPushButton) -> QPushButton:
    """Let ``button`` shrink below the style's minimum push-button width (80 px in Fusion) in a tight
    row, but never below the width its text and icon need; where there is room it keeps its size."""
    opt = QStyleOptionButton()
    button.initStyleOption(opt)
    fm = button.fontMetrics()
    text = fm.size(Qt.TextFlag.TextShowMnemonic, button.text())
    w = text.width() + (button.iconSize().width() + 4 if not button.icon().isNull() else 0)
    pad = 200  # measured with a wide content, so that a minimum width in the style does not hide the padding
    size = button.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, opt,
                                           QSize(w + pad, text.height()), button)
    button.setMinimumWidth(size.width() - pad)
    return button


class VScrollArea(QScrollArea):
    """Shows ``widget`` at the full width it is given and scrolls it vertically, never horizontally.

    The area's minimum width is the widget's minimum width plus the vertical scroll bar, so the
    widget is never cut at the right edge (a dock holding it cannot be made narrower than that),
    and it follows when the widget's minimum changes. Its minimum height is small: a short dock
    scrolls instead of pushing the window taller.
    """

    MIN_HEIGHT = 90

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the widget's minimum may have changed: tell the dock
        return super().eventFilter(obj, event)

    def _extra_width(self) -> int:
        return self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()

    def _widget_min_width(self) -> int:
        w = self.widget()
        if w is None:
            return 0
        return w.minimumWidth() or w.minimumSizeHint().width()

    def minimumSizeHint(self) -> QSize:
        w = self.widget()
        height = min(self.MIN_HEIGHT, w.minimumSizeHint().height()) if w is not None else self.MIN_HEIGHT
        return QSize(self._widget_min_width() + self._extra_width(), height)

    def sizeHint(self) -> QSize:
        w = self.widget()
        if w is None:
            return super().sizeHint()
        hint = w.sizeHint()
        return QSize(max(hint.width(), self._widget_min_width()) + self._extra_width(),
                     hint.height() + 2 * self.frameWidth())


def scroll_into_view(widget: QWidget, margin: int = 8) -> None:
    """Scroll the nearest enclosing :class:`QScrollArea` (if any) so that ``widget`` shows, its top
    first when it is taller than the area. Does nothing when it is already in view."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is None or parent.widget() is None:
        return
    if parent.widget().layout() is not None:
        parent.widget().layout().activate()  # geometry is current even right after a change
    top = widget.mapTo(parent.widget(), QPoint(0, 0)).y()
    bar, view_h = parent.verticalScrollBar(), parent.viewport().height()
    if top - margin < bar.value():
        bar.setValue(max(0, top - margin))
    elif top + min(widget.height(), view_h - 2 * margin) + margin > bar.value() + view_h:
        bar.setValue(top + min(widget.height(), view_h - 2 * margin) + margin - view_h)


ERROR_COLOUR = "#e57373"  # readable on the dark and the light theme (the Training tab's errors too)


class ErrorLabel(WrapLabel):
    """What went wrong with the action beside it, and what to do; hidden while empty, so it costs no room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("inline_error")
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))
