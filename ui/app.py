"""Start the GUI (``mguv``) or take a screenshot of it (``mguv --screenshot``)."""

from __future__ import annotations

import os
import sys


def _application():
    from PySide6.QtWidgets import QApplication

    from mguv_app import APP_NAME, __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("MGU-V")
    app.setApplicationVersion(__version__)
    _set_icon(app)
    return app


def _set_icon(app) -> None:
    """The app icon (resources/icons/mguv_*.png, drawn by packaging/make_icon.py) for every window."""
    from PySide6.QtGui import QIcon

    from mguv_app.paths import resources_dir

    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("mguv_*.png")):
        icon.addFile(str(png))
    if not icon.isNull():
        app.setWindowIcon(icon)


def _report_when_shown(app, window) -> None:
    """``MGUV_STARTUP_PROBE=1`` (benchmarks/bench_startup.py): print a line once the window is exposed, quit."""
    from PySide6.QtCore import QTimer

    def check():
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            print(f"mguv: window shown, torch imported: {'torch' in sys.modules}", flush=True)
            app.quit()
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)


def _chosen_model_loader(time_signature=None):
    """The model the user last chose in the Training tab, else the bundled one for the melody's meter."""
    from mguv_app.models_registry import active_model

    from .generation_link import default_loader

    folder = active_model()
    if folder is not None and (folder / "config.json").exists():
        return _load_model(str(folder))
    return default_loader(time_signature)


def _load_model(folder: str):
    """A chosen model folder; a personalised one samples in the user's style (MidiMe)."""
    from mguv_app.personalize import open_model  # torch loads here, on the worker, never at start-up

    return open_model(folder)


def attach_panels(window) -> None:
    """Add the feature panels to the window. Each is optional: one that fails to build is reported
    in the status bar and the rest of the app keeps working."""
    from .generation_link import attach_generation
    from .lofi_link import attach_lofi
    from .training_link import attach_training

    problems = []
    try:
        attach_generation(window, _chosen_model_loader)
    except Exception as exc:  # a broken panel must not take the editor down
        problems.append(f"Generate: {exc}")
    try:
        attach_lofi(window)
    except Exception as exc:
        problems.append(f"Endless: {exc}")
    try:
        tab = attach_training(window)
    except Exception as exc:
        problems.append(f"Training: {exc}")
    else:
        session = getattr(window, "generation", None)
        if session is not None:
            # the tab already stored the choice as the active model; switch the session now
            tab.modelChosen.connect(lambda folder: session.load_model(lambda: _load_model(folder)))
    from .dock_layout import arrange_right_docks

    # Generate, the map and Endless as tabs, or the map under Generate in a tall window; a saved layout
    # overrides it, and the first show arranges them again for the size the window then has
    window.default_dock_layout = lambda: arrange_right_docks(window)
    arrange_right_docks(window)
    if problems:
        window.statusBar().showMessage("Some panels are unavailable: " + "; ".join(problems))


def _open_window(path: str | None, panels: bool = True):
    from .main_window import MainWindow

    window = MainWindow()
    if panels:
        attach_panels(window)
    if path:
        window.open_path(path)
    return window


def run(path: str | None = None) -> int:
    from .fault_guard import install

    app = _application()
    window = _open_window(path)
    install(window)  # an exception no handler caught: a status-bar message and the log, and the app goes on
    window.show()
    if os.environ.get("MGUV_STARTUP_PROBE"):
        _report_when_shown(app, window)
    window.offer_restore()
    return app.exec()


def _capture(app, window):
    """What the display server shows for the window (on X11/Wayland), else Qt's own rendering."""
    if app.platformName() not in ("offscreen", "minimal"):
        import time

        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:  # let the server map and draw the window
            app.processEvents()
            time.sleep(0.02)
            if window.isActiveWindow() or time.monotonic() > deadline - 1.5:
                break
        app.processEvents()
        pix = window.screen().grabWindow(window.winId())
        if not pix.isNull() and pix.size() == window.size():
            return pix
    return window.grab()


def _wait_for_model(app, window, timeout_s: float = 30.0) -> None:
    """Let the background model load and the map's reference points arrive, so the shot shows them."""
    import time

    session = getattr(window, "generation", None)
    deadline = time.monotonic() + timeout_s
    while session is not None and time.monotonic() < deadline:
        if not session.loading and (session.model is None or len(session.store.points)):
            break
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def screenshot(out: str, path: str | None = None) -> int:
    """Render the main window (offscreen unless a display is set) to ``out`` and exit."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    window = _open_window(path)
    window.resize(1400, 860)
    window.show()
    for _ in range(5):
        app.processEvents()
    _wait_for_model(app, window)
    ok = _capture(app, window).save(out)
    window.close()
    if not ok:
        print(f"could not save screenshot to {out}", file=sys.stderr)
        return 1
    print(out)
    return 0
