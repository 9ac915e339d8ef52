"""Where a fault's details go: the log file in the user data dir, never the user's terminal or window.

No traceback reaches a user. The ``mguv`` command's top-level guard (``cli.main``) and the window's
(``ui/fault_guard.py``) catch what no handler did, write the traceback here, and tell the user in one
line what failed and where the details are. The file stays small: past :data:`MAX_BYTES` it starts
again, the previous one kept as ``mguv.log.1``.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

LOG_NAME = "mguv.log"
MAX_BYTES = 1_000_000


def log_path() -> Path:
    """``logs/mguv.log`` in the user data dir (``MGUV_DATA_DIR`` overrides it, as for every user file)."""
    from .paths import user_data_dir

    return user_data_dir() / "logs" / LOG_NAME


def log_exception(exc: BaseException, context: str = "") -> Path | None:
    """Append ``exc`` with its traceback (and ``context``: the command line, "window") to the log; the log's
    path, or None when it cannot be written (a full disk, a read-only home): reporting must not fail too."""
    from . import __version__

    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
        lines = [f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} mguv {__version__}, Python {sys.version.split()[0]}"
                 + (f": {context}" if context else "") + "\n",
                 *traceback.format_exception(type(exc), exc, exc.__traceback__)]
        with open(path, "a", encoding="utf-8") as f:
            f.writelines(lines)
        return path
    except Exception:  # nothing may escape the reporter
        return None


def describe(exc: BaseException) -> str:
    """One line for the user: what failed, without a traceback (``MemoryError: ...``; the type alone if no text)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, MemoryError):
        return "out of memory" + (f" ({text})" if text else "")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
