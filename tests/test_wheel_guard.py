"""The mouse wheel over the real window (spontaneous wheel events, as a mouse sends them): it scrolls the
panel under it and never changes an unfocused combo box, spin box or slider; a plot inside a scrolling
panel does not zoom on a plain wheel. The walkthrough's case: scrolling the Training tab switched 4/4 to
3/4 (rescanning the folder) and the device to a GPU that was not there."""

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea

from tests.qt_helpers import settle


def wheel(widget, notches: int = -1, pos: QPoint | None = None) -> None:
    """Turn the wheel over ``widget`` as a mouse does: the event goes to the window at that point."""
    window = widget.window()
    at = widget.mapTo(window, pos if pos is not None else widget.rect().center())
    QTest.wheelEvent(window.windowHandle(), QPointF(at), QPoint(0, 120 * notches))
    settle()


def scroll_area_of(widget) -> QScrollArea:
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


@pytest.fixture
def window(app_window):
    w = app_window((1100, 700))
    w.roll.canvas.setFocus()  # where the keyboard is when the user reaches for the wheel
    settle()
    return w


def test_the_wheel_scrolls_the_training_tab_and_changes_no_setting(qtbot, window):
    tab = window.training_tab
    window.tabs.setCurrentWidget(tab)
    tab.form.show_advanced(True)
    window.resize(1100, 560)  # short: the column scrolls
    settle()
    form = tab.form
    bar = scroll_area_of(form.meter).verticalScrollBar()
    assert bar.maximum() > 0, "the column does not scroll at this size: the test needs it to"
    for widget, value in ((form.meter, form.meter.currentIndex), (form.device, form.device.currentIndex),
                          (form.steps, form.steps.value), (form.batch, form.batch.value)):
        bar.setValue(0)
        settle()
        before = value()
        wheel(widget)
        assert value() == before, f"the wheel changed {type(widget).__name__} {widget.objectName()}"
        assert not widget.hasFocus()
        assert bar.value() > 0, "the wheel did not scroll the column"
    assert tab.scan_job is None and tab.folder is None  # nothing was rescanned
    # a box the user is working in (focused: clicked or tabbed to) still takes the wheel
    bar.setValue(0)
    settle()
    form.steps.setFocus()
    before = form.steps.value()
    wheel(form.steps, notches=1)
    assert form.steps.value() == before + form.steps.singleStep()


def test_the_wheel_over_a_plot_scrolls_the_page_and_does_not_zoom(qtbot, window):
    tab = window.training_tab
    window.tabs.setCurrentWidget(tab)
    for step in range(1, 40):
        tab.curves.add({"step": step * 10, "loss": 100 - step, "recon": 80 - step, "kl": step / 4,
                        "elbo": -120 + step, "tf_accuracy": step / 50}, redraw=False)
    tab.curves.redraw()
    window.resize(1100, 560)  # short: the curves' column scrolls
    settle()
    assert tab.curves.isVisible() and not tab.curves_placeholder.isVisible() and tab.curves_legend.isVisible()
    plot = tab.curves.plots["Loss"]
    box = plot.getViewBox()
    box.setMouseEnabled(True, True)  # even a plot that could zoom: a plain wheel is the page's
    before = [list(r) for r in box.viewRange()]
    bar = scroll_area_of(tab.curves).verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    settle()
    wheel(tab.curves, pos=tab.curves.mapFromGlobal(tab.curves.mapToGlobal(QPoint(60, 60))))
    assert [list(r) for r in box.viewRange()] == before, "the plot zoomed"
    assert bar.value() > 0, "the page did not scroll"


def test_the_wheel_over_the_generate_dock_changes_nothing(qtbot, window):
    panel = window.generate_panel
    window.docks["Generate"].raise_()
    settle()
    for spin in (panel.count, panel.temperature, panel.bars):
        before = spin.value()
        wheel(spin)
        assert spin.value() == before
    window.docks["Endless"].raise_()
    settle()
    swing = window.lofi_panel.swing
    before = swing.value()
    wheel(swing)
    assert swing.value() == before  # a slider is a setting too
