"""Run Python's cyclic garbage collector on the GUI thread only, with pyqtgraph's ``GarbageCollector``.

CPython collects cycles in whichever thread happens to allocate when a generation's threshold is
crossed — often a model worker thread. A cycle that holds PySide wrappers of Qt objects (a panel,
its buttons, a closure connected to a signal) then has its QObject destructors run on that worker,
while the GUI thread may be destroying other QObjects: the worker waits for a Qt lock the GUI
thread holds, the GUI thread waits for the GIL the worker holds, and the app freezes. Seen in a
test run here (PySide6 6.12): gc on the worker inside ``QObject::~QObject``, the GUI thread in
``QAction::~QAction``.

pyqtgraph ships the cure for this very problem (``pyqtgraph.util.garbage_collector``): automatic
collection off, and a GUI-thread timer collecting with the thresholds Python uses, a few times a
second: the same garbage goes, always on the thread Qt expects. This module only starts one for
the application, parents its timer to it, and starts it again for a new application.
"""

from __future__ import annotations

import shiboken6
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QTimer

INTERVAL_MS = 250
_collector: GarbageCollector | None = None  # module-level: nothing but this module owns it


def check() -> None:
    """Collect as CPython would have (the generations whose counts passed their thresholds): what the
    timer runs."""
    if _collector is not None:
        _collector.check()


def collect_on_gui_thread(app) -> QTimer:
    """Switch automatic collection off and start the GUI-thread collector (once; again if the
    application that owned its timer is gone)."""
    global _collector
    if _collector is None or not shiboken6.isValid(_collector.timer):
        _collector = GarbageCollector(interval=INTERVAL_MS / 1000)
        _collector.timer.setParent(app)
    return _collector.timer
