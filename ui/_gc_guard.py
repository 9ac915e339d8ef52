"""Run Python's cyclic garbage collector on the GUI thread only.

CPython collects cycles in whichever thread happens to allocate when a generation's threshold is
crossed — often a model worker thread. A cycle that holds PySide wrappers of Qt objects (a panel,
its buttons, a closure connected to a signal) then has its QObject destructors run on that worker,
while the GUI thread may be destroying other QObjects: the worker waits for a Qt lock the GUI
thread holds, the GUI thread waits for the GIL the worker holds, and the app freezes. Seen in a
test run here (PySide6 6.12): gc on the worker inside ``QObject::~QObject``, the GUI thread in
``QAction::~QAction``.

So automatic collection is switched off and a GUI-thread timer collects with the same thresholds
Python uses, a few times a second: the same garbage goes, always on the thread Qt expects.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Owned by the QApplication; collects generation 0 (1, 2) when its count passes the threshold."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect as CPython would have; returns the generation collected, or -1."""
        counts = gc.get_count()
        generation = -1
        for g in range(3):
            if counts[g] > self.thresholds[g]:
                generation = g
            else:
                break
        if generation >= 0:
            gc.collect(generation)
        return generation


def collect_on_gui_thread(app) -> GuiThreadCollector:
    """Install the collector once per application (idempotent)."""
    existing = getattr(app, "_mguv_gc", None)
    if existing is None:
        existing = app._mguv_gc = GuiThreadCollector(app)
    return existing
