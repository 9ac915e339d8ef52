"""A thin wrapper over libfluidsynth (through pyfluidsynth's loaded library).

Why not pyfluidsynth's ``Synth`` directly: it only returns int16 samples, its
``start()`` reports success even when no audio device opened, and FluidSynth's log
goes straight to stderr. Here samples come out as float32 stereo ``(n, 2)`` arrays
(so rendering can normalize without quantization loss), FluidSynth's log is
captured (its last error becomes part of our messages), and fonts are checked
first (:func:`~mguv_app.audio.soundfonts.check_soundfont`).

Everything is imported lazily: importing this module does not load libfluidsynth.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import logging
import os
import threading

import numpy as np

from .soundfonts import CorruptSoundFontError, check_soundfont, default_soundfont

_logger = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE = 44100
DRUM_CHANNEL = 9

_lib = None
_lib_lock = threading.Lock()
_log_cb = None  # keeps the C callback alive
LOG: collections.deque[str] = collections.deque(maxlen=20)  # FluidSynth's recent errors/warnings


def lib():
    """libfluidsynth as a ctypes CDLL with the few signatures we use declared."""
    global _lib, _log_cb
    with _lib_lock:
        if _lib is not None:
            return _lib
        import fluidsynth  # pyfluidsynth: finds and loads libfluidsynth

        fl = fluidsynth._fl
        vp, cp, ci, cd = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_double
        sigs = {
            "new_fluid_settings": (vp, []),
            "delete_fluid_settings": (None, [vp]),
            "fluid_settings_setstr": (ci, [vp, cp, cp]),
            "fluid_settings_setint": (ci, [vp, cp, ci]),
            "fluid_settings_setnum": (ci, [vp, cp, cd]),
            "new_fluid_synth": (vp, [vp]),
            "delete_fluid_synth": (None, [vp]),
            "fluid_synth_sfload": (ci, [vp, cp, ci]),
            "fluid_synth_sfunload": (ci, [vp, ci, ci]),
            "fluid_synth_program_select": (ci, [vp, ci, ci, ci, ci]),
            "fluid_synth_noteon": (ci, [vp, ci, ci, ci]),
            "fluid_synth_noteoff": (ci, [vp, ci, ci]),
            "fluid_synth_all_notes_off": (ci, [vp, ci]),
            "fluid_synth_all_sounds_off": (ci, [vp, ci]),
            "fluid_synth_set_gain": (None, [vp, ctypes.c_float]),
            "fluid_synth_get_active_voice_count": (ci, [vp]),
            "fluid_synth_write_float": (ci, [vp, ci, vp, ci, ci, vp, ci, ci]),
            "new_fluid_audio_driver2": (vp, [vp, vp, vp]),
            "delete_fluid_audio_driver": (None, [vp]),
            "fluid_set_log_function": (vp, [ci, vp, vp]),
        }
        for name, (res, args) in sigs.items():
            fn = getattr(fl, name)
            fn.restype, fn.argtypes = res, args
        log_type = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

        def _log(level, message, _data):
            text = message.decode("utf-8", "replace") if message else ""
            LOG.append(text)
            _logger.debug("fluidsynth[%d]: %s", level, text)  # shown with MGUV_LOG=debug

        _log_cb = log_type(_log)
        for level in range(5):  # PANIC, ERR, WARN, INFO, DBG: captured, not printed
            fl.fluid_set_log_function(level, ctypes.cast(_log_cb, ctypes.c_void_p), None)
        _lib = fl
        return fl


def last_log() -> str:
    return LOG[-1] if LOG else ""


def make_settings(sample_rate: int, **extra) -> int:
    """A ``fluid_settings_t*`` with the sample rate set and ``extra`` (dots as ``__``) applied."""
    fl = lib()
    s = fl.new_fluid_settings()
    fl.fluid_settings_setnum(s, b"synth.sample-rate", float(sample_rate))
    for key, val in extra.items():
        name = key.replace("__", ".").replace("_", "-").encode()
        if isinstance(val, str):
            fl.fluid_settings_setstr(s, name, val.encode())
        elif isinstance(val, int):
            fl.fluid_settings_setint(s, name, val)
        else:
            fl.fluid_settings_setnum(s, name, float(val))
    return s


class Synth:
    """One FluidSynth instance with one SoundFont loaded; thread-safe as FluidSynth is."""

    def __init__(self, soundfont=None, sample_rate: int = DEFAULT_SAMPLE_RATE, gain: float = 0.8):
        self.sample_rate = int(sample_rate)
        fl = lib()
        # reverb/chorus off: a dry, predictable signal for the composer and for analysis
        self._settings = make_settings(self.sample_rate, synth__reverb__active=0,
                                       synth__chorus__active=0, synth__gain=float(gain))
        self._synth = fl.new_fluid_synth(self._settings)
        self.sfid = -1
        self.soundfont = None
        self.load_soundfont(default_soundfont() if soundfont is None else soundfont)

    def load_soundfont(self, path) -> None:
        """Replace the loaded font; on failure the previous one stays and an error is raised."""
        path = check_soundfont(path)
        fl = lib()
        LOG.clear()
        sfid = fl.fluid_synth_sfload(self._synth, os.fsencode(path), 1)
        if sfid < 0:
            detail = last_log()
            raise CorruptSoundFontError(path, "FluidSynth could not load this SoundFont"
                                        + (f" ({detail})" if detail else ""))
        if self.sfid >= 0:
            fl.fluid_synth_sfunload(self._synth, self.sfid, 1)
        self.sfid, self.soundfont = sfid, path

    # --- MIDI-like control --------------------------------------------------------
    def program_select(self, channel: int, program: int, bank: int | None = None) -> None:
        """GM program on a channel; on the drum channel ``program`` picks a kit from bank 128.

        A SoundFont that lacks the preset gets the nearest thing that still sounds right: a missing
        drum kit becomes the standard kit (never a melodic instrument), a missing bank a bank-0 preset.
        """
        if bank is None:
            bank = 128 if channel == DRUM_CHANNEL else 0
        if lib().fluid_synth_program_select(self._synth, channel, self.sfid, bank, program) >= 0:
            return
        if channel == DRUM_CHANNEL and bank == 128:
            lib().fluid_synth_program_select(self._synth, channel, self.sfid, 128, 0)
        elif bank:
            lib().fluid_synth_program_select(self._synth, channel, self.sfid, 0, program)

    def note_on(self, channel: int, pitch: int, velocity: int) -> None:
        lib().fluid_synth_noteon(self._synth, channel, pitch, velocity)

    def note_off(self, channel: int, pitch: int) -> None:
        lib().fluid_synth_noteoff(self._synth, channel, pitch)

    def all_notes_off(self, channel: int = -1) -> None:
        """Release every note (they fade out naturally); ``-1`` means every channel."""
        lib().fluid_synth_all_notes_off(self._synth, channel)

    def all_sounds_off(self, channel: int = -1) -> None:
        """Silence at once (no release tail)."""
        lib().fluid_synth_all_sounds_off(self._synth, channel)

    def set_gain(self, gain: float) -> None:
        lib().fluid_synth_set_gain(self._synth, float(gain))

    def active_voices(self) -> int:
        return lib().fluid_synth_get_active_voice_count(self._synth)

    # --- audio --------------------------------------------------------------------
    def render_into(self, out: np.ndarray) -> None:
        """Fill a C-contiguous float32 ``(n, 2)`` array with the next ``n`` frames."""
        n = out.shape[0]
        if self._synth is None:  # closed: silence rather than a call on a freed synth
            out[:] = 0
        elif n:
            ptr = out.ctypes.data
            lib().fluid_synth_write_float(self._synth, n, ptr, 0, 2, ptr + 4, 0, 2)

    def render(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, 2), dtype=np.float32)
        self.render_into(out)
        return out

    def close(self) -> None:
        if self._synth:
            fl = lib()
            fl.delete_fluid_synth(self._synth)
            fl.delete_fluid_settings(self._settings)
            self._synth = None

    def __enter__(self) -> Synth:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
