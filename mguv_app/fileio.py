"""Crash-safe file writing: never leave a user's file half-written.

Everything the app saves (MIDI, WAV, checkpoints, settings, autosaves) goes through
:func:`atomic_write`: the data is written to a temporary file in the same folder,
flushed to disk, then renamed over the target in one step. A full disk or a crash
mid-write leaves the old file intact and no stray temporary behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def _default_mode() -> int:
    """0o666 minus the process umask: what a plain ``open(path, "w")`` would have given."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success rename it over ``target``.

    mkstemp creates the file private (0600); it gets the usual permissions before the rename.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or target.suffix + ".tmp",
                               dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, _default_mode())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write(target: str | os.PathLike, data: bytes | str,
                 verify: Callable[[bytes], None] | None = None) -> None:
    """Write ``data`` to ``target`` atomically (bytes, or text as UTF-8). ``verify`` is given the bytes read
    back from the temporary file before the rename: whatever it raises leaves ``target`` as it was (a song's
    save checks that the file will open again)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
        if verify is not None:
            verify(tmp.read_bytes())
