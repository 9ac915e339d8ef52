"""Keep PySide6 6.12 from killing CPython 3.11: every void Qt call drops a reference to None.

Measured here: each call of a void-returning PySide6 method (``QPainter.fillRect``,
``QWidget.update``, ``QTimer.start`` ...) lowers ``sys.getrefcount(None)`` by one on
CPython 3.11. The bindings assume Python 3.12+, where None is immortal (PEP 683) and
its count is never touched. On 3.11 a few thousand calls, i.e. a few seconds of
repainting, bring None's count to zero and the interpreter aborts with "Fatal Python
error: none_dealloc". Giving None a huge reference count once makes it effectively
immortal on 3.11 too (as 3.12 does by design): ``2**60`` decrements would take
centuries. Nothing else is touched, and on 3.12+ this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

_HUGE = 1 << 60


def make_none_immortal() -> bool:
    """Raise None's reference count far out of reach; True if it was needed (CPython < 3.12)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    refcnt = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcnt.value < _HUGE:
        refcnt.value += _HUGE
    return True
