"""Cyclic garbage is collected on the GUI thread, never on a worker (see ui/_gc_guard.py: a
collection on a model worker ran QObject destructors there and froze the app in a test run)."""

import gc
import threading


class Tracked:  # stands in for a panel's wrapper: freed only by the cyclic collector, notes the thread
    died_on: list = []

    def __del__(self):
        Tracked.died_on.append("gui" if threading.current_thread() is threading.main_thread() else "worker")


def test_a_cycle_dropped_on_a_worker_is_collected_on_the_gui_thread(qtbot):
    from ui.main_window import MainWindow

    w = MainWindow(with_transport=False)
    qtbot.addWidget(w)
    assert not gc.isenabled()
    Tracked.died_on = []
    keep = []

    def worker():
        o = Tracked()
        o.me = o  # a reference cycle: only the cyclic collector frees it
        del o
        # enough new container objects that CPython would run a collection right here, on this thread
        keep.extend([] for _ in range(3 * gc.get_threshold()[0]))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert Tracked.died_on == []  # not on the worker
    from ui import _gc_guard

    timer = _gc_guard.collect_on_gui_thread(None)  # the one the window started, not a second one
    assert timer.isActive() and timer.interval() == _gc_guard.INTERVAL_MS
    _gc_guard.check()  # what the timer runs, here on the GUI thread: past the threshold, it collects
    assert Tracked.died_on == ["gui"]
    keep.clear()
