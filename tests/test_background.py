"""ui/background.py's JobRunner, the one way the window runs work off the GUI thread."""

import threading

import pytest

pytest.importorskip("PySide6")


@pytest.fixture
def runner(qtbot):
    from PySide6.QtCore import QObject

    from ui.background import JobRunner

    owner = QObject()
    jobs = JobRunner(owner, "test-runner")
    yield jobs
    jobs.shutdown()


def test_a_job_runs_on_the_worker_and_its_result_comes_back_on_the_gui_thread(qtbot, runner):
    seen = {}

    def job(_token):
        seen["job"] = threading.current_thread()
        return 42

    def done(result):
        seen["done"] = (threading.current_thread(), result)

    with qtbot.waitSignal(runner.busyChanged, check_params_cb=lambda busy: not busy, timeout=5000):
        runner.submit(job, done)
    assert seen["job"] is not threading.main_thread() and seen["job"].name.startswith("test-runner")
    assert seen["done"] == (threading.main_thread(), 42)


def test_an_error_is_described_and_a_cancelled_job_says_so(qtbot, runner):
    said = []
    gate = threading.Event()

    def waits(token):
        gate.wait(5)
        token.check()  # raises Cancelled: the user cancelled while it waited
        return "ran"

    token = runner.submit(waits, lambda r: said.append(("done", r)), None, lambda: said.append("cancelled"))
    token.cancel()
    gate.set()
    with qtbot.waitSignal(runner.busyChanged, timeout=5000):
        runner.submit(lambda _t: (_ for _ in ()).throw(ValueError("no notes")), lambda r: said.append(r),
                      lambda msg: said.append(("error", msg)))
    assert said == ["cancelled", ("error", "no notes")]


def test_after_shutdown_a_late_submission_runs_nothing(qtbot, runner):
    """A timer that fires while the window closes must not start work (or raise) on a closed runner."""
    ran = []
    runner.shutdown()
    token = runner.submit(lambda _t: ran.append("job"), lambda r: ran.append("done"))
    assert token.cancelled and not runner.busy  # nothing was queued: no callback can ever come
    assert ran == []
