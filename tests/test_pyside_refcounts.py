"""PySide6 6.12 on CPython 3.11 drops a reference to None per void call and to True per
``Signal.emit()``; ``ui`` makes the three immortal, so a long session (or a window dragged wider
for a while: pyqtgraph emits on every resize) does not abort with none_dealloc / bool_dealloc."""

import sys

from PySide6.QtCore import QObject, Signal

import ui  # noqa: F401  (the guard runs on import)


class _Emitter(QObject):
    ping = Signal(int)


def test_many_emits_and_void_calls_leave_the_singletons_alive(qtbot):
    e = _Emitter()
    got = []
    e.ping.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(20_000):  # several times True's whole reference count without the guard
        e.ping.emit(i)
        e.blockSignals(False)
    assert len(got) == 20_000
    if sys.version_info < (3, 12):
        assert min(sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)) > 1 << 59
        assert before[0] - sys.getrefcount(True) < 1 << 40  # counted down a little, never near zero
