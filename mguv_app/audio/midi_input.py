"""MIDI keyboards: list the input ports and deliver their key presses (Qt-free).

mido reads the ports through python-rtmidi (ALSA's sequencer on Linux, CoreMIDI, WinMM). A machine
without a sequencer (no ``/dev/snd/seq``, as in containers and CI), or without python-rtmidi, raises
:class:`MidiInputError` with the reason in words; the window then offers the computer keyboard only.

:func:`key_event` turns one mido message into what recording needs, so the same code reads a port,
a file's messages or a test's.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import NamedTuple


class MidiInputError(Exception):
    """No MIDI input can be listed or opened; the message says why."""


class KeyEvent(NamedTuple):
    kind: str  # "on", "off" or "pedal" (the sustain pedal: velocity 127 down, 0 up)
    pitch: int
    velocity: int


SUSTAIN = 64


def key_event(message) -> KeyEvent | None:
    """The note or sustain-pedal event in a mido message, or None (clock, other controllers, sysex …).
    A note-on with velocity 0 is a release, as running-status keyboards send it."""
    kind = getattr(message, "type", None)
    if kind == "note_on" and message.velocity > 0:
        return KeyEvent("on", message.note, message.velocity)
    if kind in ("note_on", "note_off"):
        return KeyEvent("off", message.note, 0)
    if kind == "control_change" and message.control == SUSTAIN:
        return KeyEvent("pedal", 0, 127 if message.value >= 64 else 0)
    return None


def sound(player, event: KeyEvent) -> None:
    """Sound a key on ``player`` at once (a held note until its release); the pedal only shapes takes."""
    if event.kind == "on":
        player.live_note_on(event.pitch, event.velocity)
    elif event.kind == "off":
        player.live_note_off(event.pitch)


def _backend():
    try:
        import mido
        import rtmidi  # noqa: F401 (mido's port backend; imported here to say so if it is missing)
    except ImportError as exc:
        raise MidiInputError(f"MIDI input needs python-rtmidi ({exc})") from None
    from .output import _silence_alsa

    _silence_alsa()  # libasound would print its failure to open the sequencer to stderr
    return mido


def input_ports() -> list[str]:
    """The MIDI input ports' names (a keyboard plugged in shows here); raises MidiInputError."""
    mido = _backend()
    try:
        return [name for name in mido.get_input_names() if "Midi Through" not in name]
    except Exception as exc:  # rtmidi raises its own SystemError types
        raise MidiInputError(f"no MIDI system on this machine ({_first_line(exc)})") from None


class MidiInput:
    """An open input port; ``on_event(KeyEvent)`` is called on the port's own thread for every key and
    pedal change. Close it (or use ``with``) to let go of the port."""

    def __init__(self, name: str, on_event: Callable[[KeyEvent], None]):
        mido = _backend()
        self.name = name
        self._on_event = on_event
        self._lock = threading.Lock()
        self._port = None  # the callback may run before open_input returns: those events are dropped
        try:
            self._port = mido.open_input(name, callback=self._received)
        except Exception as exc:
            raise MidiInputError(f"cannot open MIDI input {name!r} ({_first_line(exc)})") from None

    def _received(self, message) -> None:
        event = key_event(message)
        if event is not None:
            with self._lock:
                if self._port is not None:
                    self._on_event(event)

    def close(self) -> None:
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def __enter__(self) -> MidiInput:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0].split("ALSA lib")[0].strip() if text else type(exc).__name__
