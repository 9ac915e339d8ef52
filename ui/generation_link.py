"""Dock the Generate panel and the latent map, and load the model without freezing the window.

``attach_generation(window)`` replaces the window's "Generate" and "Latent map" placeholder
docks. The model (by default ``mguv_app.engine.default_model_dir()``) loads on the session's
worker thread; until it is there, or if there is none, both panels say so and their buttons
stay disabled: the editor works without a model.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QVBoxLayout, QWidget

from .widgets import VScrollArea


def default_loader(time_signature=None):
    """The shipped model for the melody's meter (3/4: the 3/4 model), or a clear error when it is not installed."""
    from mguv_app.engine import TrainedModel, default_model_dir

    folder = default_model_dir(time_signature)
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"no model at {folder}")
    return TrainedModel(folder)


def attach_generation(window, model_loader: Callable[[], object] | None = default_loader):
    """Create the session and both docks; the model loads when a dock is first shown (None: never)."""
    from .generation import GeneratePanel, GenerationSession
    from .latent_map import LatentMapWidget, MapController

    session = GenerationSession(window, bundled_loader=default_loader)
    panel = GeneratePanel(session)
    map_widget = LatentMapWidget()
    controller = MapController(session, map_widget)
    gen_dock = window.add_panel_dock(_scrolling_with_footer(panel), "Generate", Qt.DockWidgetArea.RightDockWidgetArea)
    map_dock = window.add_panel_dock(map_widget, "Latent map", Qt.DockWidgetArea.RightDockWidgetArea)
    session.message.connect(lambda msg: window.statusBar().showMessage(msg, 5000))
    app = QApplication.instance()
    if app is not None:  # quitting cancels a running job at its next check instead of waiting it out
        app.aboutToQuit.connect(session.shutdown)
    window.generation = session
    window.generate_panel = panel
    window.latent_map = controller
    window.generate_menu = _add_menu(window, panel, gen_dock)
    if model_loader is not None:
        _load_when_shown(window, session, model_loader, (gen_dock, map_dock))
    return session


def _add_menu(window, panel, dock) -> QMenu:
    """A Generate menu before Help: the dock's main actions with shortcuts, so a melody can be
    generated, continued or morphed without reaching for the mouse. Each action is enabled exactly
    when its button is (a model is loaded and no job runs)."""
    menu = QMenu("&Generate", window)
    items = [("&Generate Variations", "Ctrl+Return", panel.generate_button, panel.generate),
             ("&Continue Melody", "Ctrl+Shift+Return", panel.continue_button, panel.continue_),
             ("&Rewrite Bars", "Ctrl+R", panel.rewrite_button, panel.rewrite),
             ("&Vary Melody", "Ctrl+Shift+V", panel.vary_button, panel.vary),
             ("&Interpolate A → B", "Ctrl+I", panel.interpolate_box.button, panel.interpolate_box.run)]
    actions = []
    for text, keys, button, slot in items:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.setStatusTip(button.toolTip())
        button.setToolTip(f"{button.toolTip()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")

        def trigger(_=False, b=button, run=slot) -> None:
            if b.isEnabled():  # the shortcut fires even while the menu's state is stale
                dock.show()
                dock.raise_()
                run()

        action.triggered.connect(trigger)
        menu.addAction(action)
        actions.append((action, button))
    menu.addSeparator()
    cancel = menu.addAction("Cancel the Running Job", panel.session.cancel)

    def sync(*_) -> None:
        for action, button in actions:
            action.setEnabled(button.isEnabled())
        cancel.setEnabled(panel.session.busy)

    panel.session.busyChanged.connect(sync)  # after the panel's own handler: the buttons are current
    panel.session.modelChanged.connect(sync)
    sync()
    bar = window.menuBar()
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    bar.insertMenu(help_menu, menu) if help_menu is not None else bar.addMenu(menu)
    return menu


def _scrolling_with_footer(panel) -> QWidget:
    """The panel is tall: the dock may be shorter and scroll it (never narrower). Its busy bar and
    Cancel stay fixed below the scrolling part, so a running job shows wherever it was started."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(VScrollArea(panel), 1)
    lay.addWidget(panel.footer)  # moves it out of the panel's own layout
    return box


def _load_when_shown(window, session, loader, docks) -> None:
    """Start loading once either dock is on screen: a window that is never shown (tests, scripts)
    costs no model load, and the app's first frame is not delayed by one."""

    def start(visible: bool = True) -> None:
        if visible and not session.loading and session.model is None and session.model_error is None:
            session.load_model(loader)

    for dock in docks:
        dock.visibilityChanged.connect(start)
    if any(d.isVisible() for d in docks):
        start()
