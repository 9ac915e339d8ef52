"""Signal analysis for the audio tests: envelope, onsets, silence and pitch, numpy only.

The tests judge real FluidSynth output the way an ear would: when does sound start,
is it quiet where it should be, and what pitch does it have.
"""

from __future__ import annotations

import numpy as np

HOP = 44  # ~1 ms at 44.1 kHz


def mono(audio: np.ndarray) -> np.ndarray:
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def envelope(audio: np.ndarray, hop: int = HOP, window: int = 441) -> np.ndarray:
    """RMS over a centred ``window`` (10 ms: longer than a bass period) every ``hop`` samples."""
    x = mono(audio).astype(np.float64)
    c = np.concatenate([[0.0], np.cumsum(x * x)])
    centres = np.arange(0, len(x), hop)
    lo = np.clip(centres - window // 2, 0, len(x))
    hi = np.clip(centres + window // 2, 0, len(x))
    return np.sqrt((c[hi] - c[lo]) / np.maximum(hi - lo, 1))


def onsets(audio: np.ndarray, sr: int, high_db: float = -24.0, low_db: float = -45.0) -> list[float]:
    """Times (s) where the envelope rises through ``high_db`` (below its peak) after having
    fallen under ``low_db``: a note starting after a rest (hysteresis ignores wobble)."""
    env = envelope(audio)
    if env.max() <= 0:
        return []
    high, low = env.max() * 10 ** (high_db / 20), env.max() * 10 ** (low_db / 20)
    out: list[float] = []
    armed = True
    for i, v in enumerate(env):
        if armed and v > high:
            out.append(i * HOP / sr)
            armed = False
        elif v < low:
            armed = True
    return out


def level_db(audio: np.ndarray, reference: float) -> float:
    """RMS of ``audio`` in dB relative to ``reference`` (a linear amplitude)."""
    rms = float(np.sqrt(np.mean(mono(audio) ** 2))) if len(audio) else 0.0
    return 20 * np.log10(max(rms, 1e-12) / reference)


def pitch_hz(audio: np.ndarray, sr: int, fmin: float = 50.0, fmax: float = 2000.0) -> float:
    """Fundamental frequency by autocorrelation (first lag within 90% of the best)."""
    x = mono(audio).astype(np.float64)
    x = (x - x.mean()) * np.hanning(len(x))
    spec = np.fft.rfft(x, 2 * len(x))
    r = np.fft.irfft(np.abs(spec) ** 2)[: len(x)]
    lo, hi = int(sr / fmax), int(sr / fmin)
    seg = r[lo:hi]
    best = seg.max()
    peaks = [i for i in range(1, len(seg) - 1)
             if seg[i] >= seg[i - 1] and seg[i] >= seg[i + 1] and seg[i] > 0.9 * best]
    i = peaks[0] if peaks else int(np.argmax(seg))
    a, b, c = seg[i - 1], seg[i], seg[i + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) else 0.0
    return sr / (lo + i + shift)


def midi_hz(pitch: int) -> float:
    return 440.0 * 2 ** ((pitch - 69) / 12)


def cents(f: float, ref: float) -> float:
    return 1200 * np.log2(f / ref)
