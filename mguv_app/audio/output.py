"""Where the player's audio blocks go: a real device, or a null sink.

Both outputs call the same ``render(frames) -> float32 (frames, 2)`` function (the
player's block renderer), so tests on a machine without a sound card exercise the
exact code path that feeds a speaker. Each output counts the frames it has handed
on; the player turns that count into the playhead, so the playhead follows the audio.

* :class:`DeviceOutput` opens a FluidSynth audio driver with *our* callback
  (``new_fluid_audio_driver2``) and checks that the driver object really exists:
  pyfluidsynth's ``start()`` reports success even when no device opened.
* :class:`NullOutput` discards (or captures) blocks, either paced by the wall clock
  in a thread (a silent stand-in for a device) or pumped by hand (deterministic tests).

:func:`open_device` tries PulseAudio then ALSA (a few milliseconds each when absent),
never JACK, whose client takes seconds to give up. ``MGUV_AUDIO`` overrides:
``none`` for no device, or ``driver[:device]`` (e.g. ``alsa:hw:1``).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time

import numpy as np

from . import synth as _synth

DEFAULT_DRIVERS = ("pulseaudio", "alsa")


class AudioDeviceError(RuntimeError):
    """No audio driver could be opened; the message says which were tried and why."""


class NullOutput:
    """A sink without sound. ``realtime``: a thread pulls blocks at the audio rate;
    otherwise the caller pulls with :meth:`pump`. ``capture`` keeps every block."""

    name = "null"

    def __init__(self, sample_rate: int, block_frames: int = 512, realtime: bool = True,
                 capture: bool = False):
        self.sample_rate, self.block_frames = sample_rate, block_frames
        self.realtime, self.capture = realtime, capture
        self.latency_frames = 0
        self.delivered = 0
        self.blocks: list[np.ndarray] = []
        self._render = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._t0 = 0.0

    def start(self, render) -> None:
        self._render = render
        if self.realtime and self._thread is None:
            self._stop.clear()
            self._t0 = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="mguv-null-audio", daemon=True)
            self._thread.start()

    def _deliver(self, frames: int) -> None:
        block = self._render(frames)
        if self.capture:
            self.blocks.append(block.copy())
        self.delivered += frames

    def _run(self) -> None:
        lead = self.block_frames  # stay one block ahead, like a device's buffer
        while not self._stop.is_set():
            ahead = self.delivered - (time.monotonic() - self._t0) * self.sample_rate
            if ahead < lead:
                self._deliver(self.block_frames)
            else:
                self._stop.wait((ahead - lead) / self.sample_rate + 0.001)

    def pump(self, frames: int) -> None:
        """Pull ``frames`` frames now, in blocks (only for a non-realtime sink)."""
        while frames > 0:
            n = min(frames, self.block_frames)
            self._deliver(n)
            frames -= n

    def frames_played(self) -> int:
        if not self.realtime or self._thread is None:
            return self.delivered
        return min(self.delivered, int((time.monotonic() - self._t0) * self.sample_rate))

    def captured(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_float)), ctypes.c_int,
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_float)))
_alsa_quiet = None


def _silence_alsa() -> None:
    """Stop libasound printing 'cannot find card 0' to stderr on machines without sound."""
    global _alsa_quiet
    if _alsa_quiet is not None:
        return
    try:
        asound = ctypes.CDLL("libasound.so.2")
        handler = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                   ctypes.c_int, ctypes.c_char_p)
        _alsa_quiet = handler(lambda *a: None)
        asound.snd_lib_error_set_handler(_alsa_quiet)
    except OSError:
        _alsa_quiet = False


class DeviceOutput:
    """A real device through a FluidSynth audio driver that calls back into Python."""

    def __init__(self, driver: str, device: str | None, sample_rate: int, period_frames: int = 512,
                 periods: int = 3):
        self.driver, self.device = driver, device
        self.name = driver + (f":{device}" if device else "")
        self.sample_rate = sample_rate
        self.period_frames, self.periods = period_frames, periods
        self.latency_frames = period_frames * periods
        self.delivered = 0
        self._render = None
        self._settings = None
        self._driver = None
        self._cb = _CALLBACK(self._callback)

    def _callback(self, _data, frames, _nfx, _fx, nout, out) -> int:
        try:
            block = self._render(frames)
            if nout >= 2:
                left = np.ascontiguousarray(block[:, 0])
                right = np.ascontiguousarray(block[:, 1])
                ctypes.memmove(out[0], left.ctypes.data, frames * 4)
                ctypes.memmove(out[1], right.ctypes.data, frames * 4)
            self.delivered += frames
            return 0
        except Exception:  # never let an exception unwind into C
            return 0

    def start(self, render) -> None:
        """Open the device; raise :class:`AudioDeviceError` if FluidSynth created no driver."""
        self._render = render
        fl = _synth.lib()
        if self.driver == "alsa":
            _silence_alsa()
        extra = {"audio__driver": self.driver, "audio__period_size": self.period_frames,
                 "audio__periods": self.periods}
        self._settings = _synth.make_settings(self.sample_rate, **extra)
        if self.device:
            fl.fluid_settings_setstr(self._settings, f"audio.{self.driver}.device".encode(),
                                     self.device.encode())
        _synth.LOG.clear()
        self._driver = fl.new_fluid_audio_driver2(self._settings, ctypes.cast(self._cb, ctypes.c_void_p),
                                                  None)
        if not self._driver:
            detail = _synth.last_log() or "no driver was created"
            fl.delete_fluid_settings(self._settings)
            self._settings = None
            raise AudioDeviceError(f"{self.name}: {detail}")

    def frames_played(self) -> int:
        return max(0, self.delivered - self.latency_frames)

    def stop(self) -> None:
        fl = _synth.lib()
        if self._driver:
            fl.delete_fluid_audio_driver(self._driver)
            self._driver = None
        if self._settings:
            fl.delete_fluid_settings(self._settings)
            self._settings = None


def device_candidates() -> list[tuple[str, str | None]]:
    env = os.environ.get("MGUV_AUDIO", "").strip()
    if env.lower() == "none":
        return []
    if env:
        drv, _, dev = env.partition(":")
        return [(drv, dev or None)]
    return [(d, None) for d in DEFAULT_DRIVERS]


def open_device(render, sample_rate: int, period_frames: int = 512) -> DeviceOutput:
    """Start the first device that really opens, feeding it from ``render``."""
    reasons = []
    for driver, device in device_candidates():
        out = DeviceOutput(driver, device, sample_rate, period_frames)
        try:
            out.start(render)
            return out
        except AudioDeviceError as err:
            reasons.append(str(err))
    raise AudioDeviceError("; ".join(reasons) or "audio output disabled (MGUV_AUDIO=none)")
