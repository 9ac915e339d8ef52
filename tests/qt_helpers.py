"""Small helpers for the window tests (the windows themselves are fixtures in ``conftest.py``)."""

from PySide6.QtWidgets import QApplication


def settle(rounds: int = 5) -> None:
    """Let queued layout and paint events run: a few passes of the event loop, no waiting."""
    for _ in range(rounds):
        QApplication.processEvents()


def settled_on(qtbot, session, folder) -> None:
    """Wait until a Generate dock's session has loaded the model in ``folder``, its latent map built and no
    job running."""
    qtbot.waitUntil(lambda: session.model is not None and session.model.folder == folder
                    and not session.loading and session.store.pca is not None and not session.busy,
                    timeout=120000)
