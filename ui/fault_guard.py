"""The window's last line of defence: a fault no handler caught ends as a message, and the app keeps running.

Qt calls Python slots from its event loop; an exception that escapes one goes to ``sys.excepthook``
(the default prints a traceback to a terminal the user never sees, and the action just silently
does nothing), and one that escapes a worker thread goes to ``threading.excepthook``. ``install``
replaces both: the traceback goes to the log in the user data dir (``mguv_app.crash_log``) and the
status bar says in one line what failed and where the details are. A worker thread's report is
handed to the GUI thread by a queued signal. The editor and the document are untouched, so work
goes on; every path the code expects (a bad file, a full disk) has its own clearer message before
this one is ever needed.
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Signal

from mguv_app.crash_log import describe, log_exception

SHOWN_MS = 15000  # long enough to read the log's path


class FaultReporter(QObject):
    """Turns an uncaught exception into a status-bar message of ``window`` (from any thread)."""

    reported = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.last_message = ""
        self.reported.connect(self._show)  # queued when emitted from a worker thread

    def report(self, exc: BaseException, where: str = "window") -> str:
        """Log ``exc`` and show it; the one-line message."""
        log = log_exception(exc, where)
        details = f" (details in {log})" if log else ""
        message = f"Something went wrong, and nothing was changed: {describe(exc)}{details}"
        self.reported.emit(message)
        return message

    def _show(self, message: str) -> None:
        self.last_message = message
        self.window.statusBar().showMessage(message, SHOWN_MS)


def install(window) -> FaultReporter:
    """Route uncaught exceptions of the GUI thread and of worker threads to ``window``'s status bar and the log."""
    reporter = FaultReporter(window)

    def on_exception(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in the terminal that started the app: quit as asked
            sys.__excepthook__(exc_type, exc, tb)
            return
        reporter.report(exc.with_traceback(tb) if exc is not None else exc_type())

    def on_thread_exception(args) -> None:
        if args.exc_type is SystemExit:
            return
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        reporter.report(exc, f"thread {args.thread.name if args.thread else '?'}")

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
    return reporter
