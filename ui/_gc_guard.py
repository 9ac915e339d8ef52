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

import shiboken6
from PySide6.QtCore import QTimer

INTERVAL_MS = 250
_THRESHOLDS = gc.get_threshold()
_timer: QTimer | None = None  # module-level: nothing but this module owns the timer's Python side


def check() -> int:
    """Collect as CPython would have (the oldest generation whose count passed its threshold);
    returns the generation collected, or -1."""
    counts = gc.get_count()
    generation = -1
    for g in range(3):
        if counts[g] > _THRESHOLDS[g]:
            generation = g
        else:
            break
    if generation >= 0:
        gc.collect(generation)
    return generation


def collect_on_gui_thread(app) -> QTimer:
    """Switch automatic collection off and start the GUI-thread timer (once; again if the
    application that owned it is gone)."""
    global _timer
    if _timer is None or not shiboken6.isValid(_timer):
        gc.disable()
        _timer = QTimer(app)
        _timer.setInterval(INTERVAL_MS)
        _timer.timeout.connect(check)
        _timer.start()
    return _timer
