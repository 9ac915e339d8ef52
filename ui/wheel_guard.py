"""The mouse wheel scrolls what is under it; it never changes a setting the user is not working in.

Qt's combo boxes, spin boxes and sliders take the wheel whenever the pointer is over them, even
unfocused, and take focus from it too: scrolling a dock or the Training tab with the wheel switched
the meter (which rescans the folder), the device, or a slider that starts a model call. And the plots
inside a scrolling panel zoomed instead of letting it scroll. One application-wide event filter
(``install``) makes the rule the same everywhere, for the widgets built later too:

* a combo box, spin box or slider (not a scroll bar) gets the wheel only while it has the keyboard
  focus (click it, or Tab to it): an unfocused one hands the wheel on to what holds it (a scrolling
  panel scrolls), and the wheel never gives it focus;
* a plot (any ``QGraphicsView``) inside a scroll area hands a plain wheel on to the area; Ctrl+wheel
  still reaches the plot.

How the handing on works: the filter marks the event ignored and stops it there; Qt then offers a
wheel event nobody accepted to the widget's parent, and so on up to the scroll area.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsView,
    QScrollBar,
    QWidget,
)

_WHEEL, _POLISH = QEvent.Type.Wheel, QEvent.Type.Polish
_guard: WheelGuard | None = None  # module-level: one filter per application


def is_setting(widget: QObject) -> bool:
    """A widget whose value the wheel would change: a combo box, a spin box, a slider (a scroll bar scrolls)."""
    return isinstance(widget, (QComboBox, QAbstractSpinBox)) or (
        isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar))


def _plot_in_scroll_area(widget: QObject) -> bool:
    """A graphics view (or its viewport) with a scroll area around it."""
    if not isinstance(widget, QWidget):
        return False
    view = widget if isinstance(widget, QGraphicsView) else widget.parentWidget()
    if not isinstance(view, QGraphicsView):
        return False
    parent = view.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def keep_wheel_from_focusing(widget: QWidget) -> None:
    """Wheel focus → strong focus (click or Tab), for the widget and its parts (a spin box's line edit): Qt
    gives wheel focus before any filter sees the wheel."""
    for w in [widget, *widget.findChildren(QWidget)]:
        if w.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class WheelGuard(QObject):
    """The application event filter (see the module's docstring)."""

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == _WHEEL:
            if is_setting(obj):
                if obj.hasFocus():
                    return False
                event.ignore()  # not accepted: Qt offers it to the parent (a scroll area scrolls)
                return True
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier and _plot_in_scroll_area(obj):
                event.ignore()
                return True
        elif kind == _POLISH and is_setting(obj):
            keep_wheel_from_focusing(obj)
        return False


def install(app: QApplication | None = None) -> WheelGuard | None:
    """Install the guard on the application (once; again if the application that held it is gone), and fix
    the focus policy of the widgets that exist already."""
    global _guard
    app = app or QApplication.instance()
    if app is None:
        return None
    if _guard is None or not shiboken6.isValid(_guard) or _guard.parent() is not app:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
        for widget in app.allWidgets():
            if is_setting(widget):
                keep_wheel_from_focusing(widget)
    return _guard
