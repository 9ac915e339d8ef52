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



def test_the_guard_is_on_exactly_where_pyside_drops_the_references():
    """PySide6 6.12 drops references to None and True on CPython below 3.12 (the counts still move under the
    guard, which only made them huge), and the guard is on there; on 3.12+ they are immortal and never move.
    When this fails on 3.11, an upgraded PySide6 no longer drops them: delete ui/_none_guard.py."""
    from PySide6 import __version__ as pyside

    from ui._none_guard import pyside_drops_references

    needed = sys.version_info < (3, 12) and sys.implementation.name == "cpython"
    assert pyside_drops_references() == needed, (
        f"PySide6 {pyside} on Python {sys.version.split()[0]} "
        + ("no longer drops references to None/True: ui/_none_guard.py can go" if needed
           else "drops references to None/True where they are not immortal"))
    if needed:  # and ``import ui`` made them immortal
        assert min(sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)) > 1 << 59
