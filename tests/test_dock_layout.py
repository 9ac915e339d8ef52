"""The window as the app builds it fits its panels: nothing in a dock or the Training tab runs past
an edge or is squeezed below its minimum width, at 1280x800, the default 1400x860, 1920x1080 and
1100x700; and at 1280x800 and up what a new user needs is in view without scrolling."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QScrollArea, QTabBar, QWidget

from tests.qt_helpers import settle


def layout_problems(root: QWidget) -> list[str]:
    """Visible widgets under ``root`` that stick out of their parent horizontally or are narrower
    than their minimum width (cut text, clipped fields). The rows of item views are their own
    business (they scroll), and so is what lives inside a horizontally scrolling area."""
    problems = []
    for c in root.findChildren(QWidget):
        if not c.isVisibleTo(root) or c.isWindow():
            continue
        parent = c.parentWidget()
        if parent is None or parent.objectName().startswith("qt_scrollarea_"):
            continue
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport() and not isinstance(area, QScrollArea):
            continue  # an item view's editors / index widgets
        name = f"{type(c).__name__}({c.objectName() or getattr(c, 'text', lambda: '')()!r})"
        g = c.geometry()
        if g.left() < 0 or g.right() > parent.width() - 1:
            problems.append(f"{name} spans x {g.left()}..{g.right()} in a {parent.width()} px wide "
                            f"{type(parent).__name__}")
        smart_min = c.minimumWidth() or c.minimumSizeHint().width()
        if parent.layout() is not None and c.width() < smart_min:
            problems.append(f"{name} is {c.width()} px wide, needs {smart_min}")
        if isinstance(c, pg.GraphicsLayoutWidget):  # plots laid out inside the view, past its edge?
            grid = c.ci.layout
            for i in range(grid.count()):
                right = grid.itemAt(i).geometry().right()
                if right > c.viewport().width() + 0.5:
                    problems.append(f"{name}: plot {i} ends at x {right:.0f} in a {c.viewport().width()} px view")
    return problems


def dock_scroll(dock) -> QScrollArea | None:
    """The scroll area a dock shows its panel in: the dock's widget, or the one inside it."""
    content = dock.widget()
    return content if isinstance(content, QScrollArea) else content.findChild(QScrollArea)


def check_dock(dock) -> list[str]:
    problems = layout_problems(dock.widget())
    scroll = dock_scroll(dock)
    if scroll is not None and scroll.widget() is not None:
        inner, vp = scroll.widget(), scroll.viewport()
        if inner.width() > vp.width():
            problems.append(f"{dock.windowTitle()}: content {inner.width()} px wide in a {vp.width()} px viewport")
        need = inner.minimumWidth() or inner.minimumSizeHint().width()
        if need > vp.width():
            problems.append(f"{dock.windowTitle()}: content needs {need} px, the viewport has {vp.width()}")
    if QRect(dock.mapTo(dock.window(), QPoint(0, 0)), dock.size()).right() > dock.window().width() - 1:
        problems.append(f"{dock.windowTitle()} dock runs past the window's right edge")
    return [f"{dock.windowTitle()}: {p}" for p in problems]


@pytest.mark.parametrize("size", [(1280, 800), (1400, 860), (1920, 1080), (1100, 700)])
def test_docks_and_training_tab_fit_their_content(qtbot, app_window, size):
    w = app_window(size)
    assert (w.width(), w.height()) == size, "the window cannot be made this small"
    problems = []
    for title in ("Generate", "Endless", "Latent map"):
        w.docks[title].raise_()
        settle()
        problems += check_dock(w.docks[title])
    need, room = w.generate_panel.minimumSizeHint().width(), dock_scroll(w.docks["Generate"]).viewport().width()
    if need > room:
        problems.append(f"the Generate panel needs {need} px, its dock shows {room}")
    # the lower boxes (Continue, Interpolate, Attributes) too, as they are when scrolled to
    w.docks["Generate"].raise_()
    scroll = dock_scroll(w.docks["Generate"])
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    settle()
    problems += check_dock(w.docks["Generate"])
    w.tabs.setCurrentWidget(w.training_tab)
    settle()
    problems += [f"Training: {p}" for p in layout_problems(w.training_tab)]
    assert not problems, "\n".join(problems)
    # the right-hand docks are not squeezed into a sliver, nor do they take over the window
    w.tabs.setCurrentIndex(0)
    settle()
    assert 330 <= w.docks["Generate"].width() <= 0.4 * size[0]


def in_view(widget, area) -> bool:
    """``widget`` is shown whole inside the scroll area's viewport (no scrolling needed to reach it)."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(area.viewport(), QPoint(0, 0))
    return area.viewport().rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", [(1280, 800), (1400, 860), (1920, 1080)])
def test_what_a_new_user_needs_is_in_view_without_scrolling(qtbot, app_window, size):
    """The walkthrough's cramped docks: at 1280x800 and up every Generate action (each tab), Replace, Insert
    and All in sequence, and two rows of result thumbnails show without scrolling; the map is on screen
    beside Generate from 1000 px of height (a tab of the same dock below that); the Training tab shows its
    Device box and Start without scrolling, its models table every column."""
    from ui.dock_layout import TALL

    w = app_window(size)
    panel, dock = w.generate_panel, w.docks["Generate"]
    dock.raise_()
    settle()
    area = dock_scroll(dock)
    missing = []
    for i in range(panel.actions_tabs.count()):
        panel.actions_tabs.setCurrentIndex(i)
        settle()
        page = panel.actions_tabs.currentWidget()
        missing += [f"{panel.actions_tabs.tabText(i)}: {b.text()}" for b in page.findChildren(QPushButton)
                    if not in_view(b, area)]
    missing += [b.text() for b in (panel.replace_button, panel.insert_button, panel.sequence_button)
                if not in_view(b, area)]
    assert not missing, missing
    rows = panel.results.viewport().height() // panel.results.gridSize().height()
    assert rows >= 2, f"{rows} row of results in view"
    stacked = not w.tabifiedDockWidgets(w.docks["Latent map"])
    assert stacked == (size[1] >= TALL)
    if stacked:
        assert w.docks["Latent map"].isVisible() and w.docks["Latent map"].widget().plot.height() >= 220
    w.tabs.setCurrentWidget(w.training_tab)
    settle()
    tab = w.training_tab
    left = tab.start_button.parentWidget()
    while not isinstance(left, QScrollArea):
        left = left.parentWidget()
    assert in_view(tab.start_button, left) and in_view(tab.form.device, left)
    tab.stats_plots.show_stats({"pitch_counts": np.arange(128) % 7, "density": np.arange(40) % 9,
                                "length_counts": np.arange(17)})
    tab.stats_plots.show()  # a scanned folder's statistics: Device and Start stay in view
    settle()
    assert in_view(tab.start_button, left) and in_view(tab.form.device, left)
    table = tab.models.table
    hidden = [c for c in range(table.columnCount()) if table.horizontalHeader().isSectionHidden(c)]
    assert not hidden and table.horizontalScrollBar().maximum() == 0
    assert not dock.isVisible(), "the Training page has the window's width"
    w.tabs.setCurrentIndex(0)
    settle()
    assert dock.isVisible() and not dock.visibleRegion().isEmpty(), "Generate is back in front"


def test_restored_layout_has_no_stray_dock_tab_bars(qtbot, app_window):
    """A second start restores the saved dock layout once every dock exists: one Generate/map/Endless tab
    bar, in the dock area, and no leftover tab bar over the menu bar or the latent map."""
    first = app_window((1400, 860), wait_for_model=False)
    first.close()  # saves the layout: Generate, the map and Endless tabbed
    saved = bytes(first.settings.q.value("window/state"))
    from ui.main_window import MainWindow

    unseen = MainWindow(with_transport=False)  # closed without ever showing: the saved layout stays
    qtbot.addWidget(unseen)
    unseen.close()
    assert bytes(unseen.settings.q.value("window/state")) == saved
    w = app_window((1400, 860), wait_for_model=False)
    bars = [b for b in w.findChildren(QTabBar) if b.parentWidget() is w and b.isVisible()]
    assert len(bars) == 1, [([b.tabText(i) for i in range(b.count())], b.geometry()) for b in bars]
    assert sorted(bars[0].tabText(i) for i in range(bars[0].count())) == ["Endless", "Generate", "Latent map"]
    assert bars[0].geometry().top() > w.menuBar().geometry().bottom()


@pytest.mark.parametrize("size", [(1400, 860), (1100, 700)])
def test_every_toolbar_action_is_on_screen(qtbot, app_window, size):
    """No toolbar overflows into Qt's » menu: each action's button is shown inside its toolbar."""
    from PySide6.QtWidgets import QToolBar, QToolButton

    w = app_window(size, wait_for_model=False)
    bars = {tb.objectName(): tb for tb in w.findChildren(QToolBar) if tb.isVisible()}
    assert {"file_toolbar", "roll_toolbar"} <= set(bars)
    problems = []
    for name, tb in bars.items():
        ext = tb.findChild(QToolButton, "qt_toolbar_ext_button")
        if ext is not None and ext.isVisible():
            problems.append(f"{name}: the » overflow button is shown")
        inside = QRect(QPoint(0, 0), tb.size())
        for a in tb.actions():
            widget = tb.widgetForAction(a)
            label = a.iconText() or type(widget).__name__
            if widget is None or not widget.isVisible() or not inside.contains(widget.geometry()):
                problems.append(f"{name}: {label!r} is not shown in the toolbar")
        if QRect(tb.mapTo(w, QPoint(0, 0)), tb.size()).right() > w.width() - 1:
            problems.append(f"{name} runs past the window's right edge")
    assert not problems, "\n".join(problems)
    assert w.roll_toolbar.y() == w.file_toolbar.y(), "the toolbars need two rows"  # they fit side by side
    rt = w.roll_toolbar
    assert rt.widgetForAction(rt.fit_action).isVisible() and rt.fit_action.shortcut().toString() == "F"
    assert w.act_open.shortcut().toString() == "Ctrl+O" and "Open" in w.act_open.text()


def _fake_model(name: str, kind: str, steps: int, metrics: dict):
    import json
    import time

    from mguv_app import models_registry as reg

    folder = reg.models_dir() / name
    folder.mkdir(parents=True)
    cfg = {"model": {"bars": 16}, "kind": kind, "steps": steps, "metrics": metrics,
           "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (folder / "config.json").write_text(json.dumps(cfg))
    return folder


@pytest.mark.parametrize("size", [(1400, 860), (1100, 700)])
def test_models_table_fits_without_sideways_scrolling(qtbot, app_window, size):
    """The Training tab's model list at the window's default size (and at 1100x700): no horizontal
    scroll bar, the name column stretches (a long name ends in "…"), short columns show their values
    whole, and every cell's tooltip holds its full value."""
    from mguv_app import models_registry as reg
    from ui.training_tab import models_panel as mp

    long_name = "my folk tunes, fine-tuned on the whole session archive of 2023"
    _fake_model(long_name, "fine-tuned", 12000, {"val_tf_accuracy": 0.8123, "val_recon": 0.4567})
    reg.set_active_model(_fake_model("my style", "personalized", 800, {"midime_loss": 12.345}))
    w = app_window(size, wait_for_model=False)
    w.tabs.setCurrentWidget(w.training_tab)
    settle()
    panel = w.training_tab.models
    table, header = panel.table, panel.table.horizontalHeader()
    assert table.rowCount() >= 2 and table.viewport().width() > 200
    # at least three whole rows are visible (the bundled model plus the two made here)
    assert table.viewport().height() >= 3 * table.verticalHeader().defaultSectionSize(), table.viewport().height()
    assert table.horizontalScrollBar().maximum() == 0, [header.sectionSize(c) for c in range(len(mp.COLUMNS))]
    shown = [c for c in range(len(mp.COLUMNS)) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= table.viewport().width()
    assert mp.NAME in shown and mp.KIND in shown
    if size == (1400, 860):  # the default window: every column
        assert shown == list(range(len(mp.COLUMNS)))
    assert header.sectionSize(mp.NAME) >= mp.NAME_MIN
    for c in shown:
        if c not in (mp.NAME, mp.METRICS):  # short columns are never cut
            assert header.sectionSize(c) >= table.sizeHintForColumn(c), mp.COLUMNS[c]
    rows = {panel.entries[r].name: r for r in range(table.rowCount())}
    name_item = table.item(rows[long_name], mp.NAME)
    assert long_name in name_item.toolTip() and "12,000" in name_item.toolTip()
    assert table.item(rows["my style"], mp.NAME).text().startswith("✓")  # in use, even when cut
    for c in range(len(mp.COLUMNS)):
        item = table.item(rows[long_name], c)
        assert item.text() and item.toolTip(), mp.COLUMNS[c]
    assert "val_recon" in table.item(rows[long_name], mp.METRICS).toolTip()
