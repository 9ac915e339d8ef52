"""Keep PySide6 6.12 from killing CPython 3.11: void Qt calls drop a reference to None, and every
``Signal.emit()`` drops one to True.

Measured here: each call of a void-returning PySide6 method (``QPainter.fillRect``,
``QWidget.update``, ``QTimer.start`` ...) lowers ``sys.getrefcount(None)`` by one on
CPython 3.11, and each ``signal.emit(...)`` (which returns a bool) lowers
``sys.getrefcount(True)`` by one (pyqtgraph emits several per resize). The bindings assume
Python 3.12+, where None, True and False are immortal (PEP 683) and their counts are never
touched: the same wheel on 3.12 does not leak. On 3.11 a few thousand calls, i.e. a few seconds
of repainting or of dragging the window's edge, bring a count to zero and the interpreter aborts
with "Fatal Python error: none_dealloc" / "bool_dealloc".

So, only where the bug is (CPython below 3.12, and a PySide6 that really drops the references:
``pyside_drops_references`` measures it with a few calls), these three get a huge reference count
once, which makes them effectively immortal as 3.12 does by design: ``2**60`` decrements would
take centuries. Nothing else is touched. ``tests/test_pyside_refcounts.py`` fails once an upgraded
PySide6 no longer drops them on this Python: this module can then go.
"""

from __future__ import annotations

import ctypes
import sys

_HUGE = 1 << 60
PROBE_CALLS = 16  # references the measurement may cost, against None's and True's few thousand


def pyside_drops_references(calls: int = PROBE_CALLS) -> bool:
    """Does this PySide6, on this Python, drop a reference to None per void call or to True per emit?"""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    none_before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")  # void
    none_lost = none_before - sys.getrefcount(None)
    true_before = sys.getrefcount(True)
    for _ in range(calls):
        probe.ping.emit()  # returns a bool
    true_lost = true_before - sys.getrefcount(True)
    return none_lost >= calls or true_lost >= calls


def make_none_immortal() -> bool:
    """Raise the reference counts of None, True and False far out of reach where PySide6 drops them
    (CPython < 3.12 only: later ones never count them); True if it was needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not pyside_drops_references():
        return False
    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is PyObject's first field
        if refcnt.value < _HUGE:
            refcnt.value += _HUGE
    return True
