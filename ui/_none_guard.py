"""Keep PySide6 6.12 from killing CPython 3.11: void Qt calls drop a reference to None, and every
``Signal.emit()`` drops one to True.

Measured here: each call of a void-returning PySide6 method (``QPainter.fillRect``,
``QWidget.update``, ``QTimer.start`` ...) lowers ``sys.getrefcount(None)`` by one on
CPython 3.11, and each ``signal.emit(...)`` (which returns a bool) lowers
``sys.getrefcount(True)`` by one (pyqtgraph emits several per resize). The bindings assume
Python 3.12+, where None, True and False are immortal (PEP 683) and their counts are never
touched. On 3.11 a few thousand calls, i.e. a few seconds of repainting or of dragging the
window's edge, bring a count to zero and the interpreter aborts with "Fatal Python error:
none_dealloc" / "bool_dealloc". Giving these three a huge reference count once makes them
effectively immortal on 3.11 too (as 3.12 does by design): ``2**60`` decrements would take
centuries. Nothing else is touched, and on 3.12+ this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

_HUGE = 1 << 60


def make_none_immortal() -> bool:
    """Raise the reference counts of None, True and False far out of reach; True if it was needed
    (CPython < 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is PyObject's first field
        if refcnt.value < _HUGE:
            refcnt.value += _HUGE
    return True
