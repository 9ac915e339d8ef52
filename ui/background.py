"""The one way the window runs work off the GUI thread: ``JobRunner``.

Every background job of the window goes through it: generation and the map's decoding (the Generate dock),
the Band's fit (the transport), Render to WAV, the Training tab's folder scan and personalisation, finding
the MIDI keyboards at start-up. (Training itself runs in a child process, ``mguv_app.training.process``.)

Why a plain Python worker thread plus one queued signal: the jobs are Qt-free functions (``mguv_app``), so a
``ThreadPoolExecutor`` with one thread per runner runs them in order, and the result crosses back to the GUI
thread through ``_finished``, a signal emitted from the worker, which Qt delivers as a queued call on the
runner's (GUI) thread. The event loop never waits for a job. A job that reports progress gets a function
from ``reporter`` that may be called from the worker: each report reaches its callback on the GUI thread.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal, Slot

from mguv_app.generation import Cancelled, CancelToken

EXPECTED_ERRORS = (ValueError, KeyError, OSError)


def describe(err: BaseException) -> str:
    """A one-line message for the status bar (expected errors speak for themselves)."""
    if isinstance(err, KeyError):
        return str(err.args[0]) if err.args else "missing value"
    if isinstance(err, EXPECTED_ERRORS) or type(err).__name__ == "CheckpointError":
        return str(err)
    return f"{type(err).__name__}: {err}"


class JobRunner(QObject):
    """One worker thread; ``submit`` returns the job's :class:`CancelToken`."""

    busyChanged = Signal(bool)
    _finished = Signal(int, object, object)  # job id, result, error (worker thread -> GUI thread)
    _reported = Signal(object, object)  # a progress callback and its value (worker thread -> GUI thread)

    def __init__(self, parent: QObject | None = None, name: str = "mguv-model") -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._jobs: dict[int, tuple] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._finished.connect(self._deliver)
        self._reported.connect(self._report)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def submit(self, fn: Callable[[CancelToken], object], on_done: Callable[[object], None],
               on_error: Callable[[str], None] | None = None,
               on_cancel: Callable[[], None] | None = None) -> CancelToken:
        """Run ``fn(token)`` on the worker; then call exactly one of the callbacks on the GUI thread.

        After ``shutdown`` (the window is closing) nothing runs and no callback is called: the token
        comes back cancelled, so a timer that fires late cannot start work on a closed window."""
        token = CancelToken()
        if self._closed:
            token.cancel()
            return token
        jid = next(self._ids)
        was_busy = self.busy
        self._jobs[jid] = (token, on_done, on_error, on_cancel)
        self._pool.submit(self._run, jid, fn, token)
        if not was_busy:
            self.busyChanged.emit(True)
        return token

    def reporter(self, callback: Callable[[object], None]) -> Callable[[object], None]:
        """A function a job may call from its thread with a value; ``callback(value)`` then runs on the GUI
        thread (a scan's progress per file, a personalisation's events)."""
        def report(value) -> None:
            with contextlib.suppress(RuntimeError):  # the window (and this runner) closed meanwhile
                self._reported.emit(callback, value)
        return report

    @Slot(object, object)
    def _report(self, callback, value) -> None:
        callback(value)

    def _run(self, jid: int, fn, token: CancelToken) -> None:  # worker thread
        try:
            result, err = fn(token), None
        except BaseException as exc:  # handed to the GUI thread, which decides what to say
            result, err = None, exc
        with contextlib.suppress(RuntimeError):  # the window (and this runner) closed meanwhile
            self._finished.emit(jid, result, err)

    @Slot(int, object, object)
    def _deliver(self, jid: int, result, err) -> None:
        token, on_done, on_error, on_cancel = self._jobs.pop(jid, (None, None, None, None))
        try:
            if token is None:
                return
            if isinstance(err, Cancelled) or (err is None and token.cancelled):
                if on_cancel:
                    on_cancel()
            elif err is not None:
                if on_error:
                    on_error(describe(err))
            elif on_done:
                on_done(result)
        finally:
            if not self.busy:
                self.busyChanged.emit(False)

    def cancel_all(self) -> None:
        for token, *_ in self._jobs.values():
            token.cancel()

    def shutdown(self) -> None:
        """Cancel what is queued and stop the thread (does not wait for a running model call); later
        submissions are refused quietly."""
        self._closed = True
        self.cancel_all()
        self._pool.shutdown(wait=False, cancel_futures=True)


class LatestOnly:
    """At most one job running and one waiting: a new request replaces the waiting one.

    For the map's handle: while one position decodes, the mouse may move ten times; only
    the last position is decoded next, so the melody follows the handle without a backlog.
    """

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        self._running = False
        self._pending: tuple | None = None
        self.dropped = 0

    def request(self, fn, on_done, on_error=None) -> None:
        if self._running:
            if self._pending is not None:
                self.dropped += 1
            self._pending = (fn, on_done, on_error)
            return
        self._start(fn, on_done, on_error)

    @property
    def idle(self) -> bool:
        return not self._running and self._pending is None

    def _start(self, fn, on_done, on_error) -> None:
        self._running = True

        def finish(callback, *args):
            self._running = False
            pending, self._pending = self._pending, None
            try:
                if callback:
                    callback(*args)
            finally:
                if pending is not None:
                    self._start(*pending)

        self.runner.submit(fn, lambda r: finish(on_done, r), lambda msg: finish(on_error, msg),
                           lambda: finish(None))
