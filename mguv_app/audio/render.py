"""Offline rendering: a Melody or a whole MIDI file -> float32 stereo audio -> WAV.

Rendering is a loop over a frame-exact schedule: render up to the next event's frame,
apply the event, repeat; FluidSynth runs as fast as the CPU allows (hundreds of times
real time for a melody). Loudness: the result is peak-normalized to
``TARGET_PEAK_DBFS`` (-1 dBFS), so nothing clips and nothing comes out whisper-quiet
whatever the SoundFont's own level. WAVs are 16-bit stereo, written atomically.
"""

from __future__ import annotations

import os
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..fileio import atomic_path
from ..music.melody import Melody
from .schedule import MELODY_CHANNEL, METRONOME_CHANNEL, NOTE_OFF, NOTE_ON, Event, schedule
from .synth import DEFAULT_SAMPLE_RATE, DRUM_CHANNEL, Synth

TARGET_PEAK_DBFS = -1.0
TAIL_SECONDS = 1.0  # let the last note's release ring out


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render_to_wav` wrote and how long it took."""

    path: str
    seconds: float  # audio duration
    sample_rate: int
    peak_dbfs: float
    render_seconds: float

    @property
    def speed(self) -> float:
        """How many times faster than real time the render ran."""
        return self.seconds / max(self.render_seconds, 1e-9)


def apply_event(synth: Synth, ev: Event) -> None:
    if ev.kind == NOTE_ON:
        synth.note_on(ev.channel, ev.pitch, ev.velocity)
    elif ev.kind == NOTE_OFF:
        synth.note_off(ev.channel, ev.pitch)


def render_schedule(synth: Synth, events: list[tuple[int, Event]], total_frames: int) -> np.ndarray:
    """Render ``total_frames`` frames, applying each event at its exact frame (events sorted)."""
    out = np.zeros((total_frames, 2), dtype=np.float32)
    pos = 0
    for frame, ev in events:
        frame = min(max(frame, pos), total_frames)
        if frame > pos:
            synth.render_into(out[pos:frame])
            pos = frame
        apply_event(synth, ev)
    synth.render_into(out[pos:])
    return out


def normalize_peak(audio: np.ndarray, target_dbfs: float = TARGET_PEAK_DBFS) -> np.ndarray:
    """Scale so the peak sits at ``target_dbfs`` (silence stays silence)."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-6:
        return audio
    return (audio * (10 ** (target_dbfs / 20) / peak)).astype(np.float32)


def peak_dbfs(audio: np.ndarray) -> float:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def render_melody(melody: Melody, soundfont=None, sample_rate: int = DEFAULT_SAMPLE_RATE,
                  program: int | None = None, metronome: bool = False, qpm: float | None = None,
                  tail_seconds: float = TAIL_SECONDS, normalize: bool = True) -> np.ndarray:
    """The melody (at its own tempo and GM program unless overridden) as float32 ``(n, 2)``."""
    events = schedule(melody, sample_rate, metronome, qpm)
    end = max((f for f, _ in events), default=0)
    with Synth(soundfont, sample_rate) as synth:
        synth.program_select(MELODY_CHANNEL, melody.program if program is None else program)
        synth.program_select(METRONOME_CHANNEL, 0)
        audio = render_schedule(synth, events, end + int(tail_seconds * sample_rate))
    return normalize_peak(audio) if normalize else audio


def midi_file_schedule(path, sample_rate: int, program: int | None = None, data: bytes | None = None):
    """Every track of a MIDI file (or of its bytes, ``data``; ``path`` then only names it in errors) as
    ``(events, {channel: program})``; bad files raise MidiImportError.

    Unlike ``read_midi`` (which extracts one melody), this keeps all tracks, with their
    programs and tempo changes; drums go to channel 10 with their kit (the program of a drum
    track, so a brush kit stays brushes). Controllers and pitch bends are not rendered.
    """
    from ..music import midi_read as mr
    from ..music.errors import FileTooLargeError, MidiImportError, NoMelodyError, NotMidiError

    path = Path(path)
    try:
        if data is None and path.stat().st_size > mr.MAX_FILE_BYTES:
            raise FileTooLargeError(path, "the file is too large for a MIDI file")
        if data is None:
            data = path.read_bytes()
    except FileNotFoundError:
        raise NotMidiError(path, "the file does not exist") from None
    except IsADirectoryError:
        raise NotMidiError(path, "this is a folder, not a MIDI file") from None
    except OSError as exc:
        raise MidiImportError(path, f"cannot read the file ({exc.strerror or exc})") from None
    data, _fmt, _tpq = mr._check_structure(path, data)
    score = mr._parse(path, data)
    mr._check_timing(path, score)
    score = score.to("second")
    events: list[tuple[int, Event]] = []
    programs: dict[int, int] = {}
    melodic = [c for c in range(16) if c != DRUM_CHANNEL]
    for i, track in enumerate(t for t in score.tracks if t.note_num() > 0):
        chan = DRUM_CHANNEL if track.is_drum else melodic[i % len(melodic)]
        programs.setdefault(chan, track.program if track.is_drum or program is None else program)
        arr = track.notes.numpy()
        starts = np.round(arr["time"].astype(np.float64) * sample_rate).astype(np.int64)
        ends = np.round((arr["time"].astype(np.float64) + arr["duration"]) * sample_rate).astype(np.int64)
        for s, e, p, v in zip(starts.tolist(), ends.tolist(), arr["pitch"].tolist(),
                              arr["velocity"].tolist(), strict=True):
            if 0 <= p <= 127 and v > 0:
                events.append((max(s, 0), Event(NOTE_ON, chan, p, min(v, 127))))
                events.append((max(e, s + 1), Event(NOTE_OFF, chan, p)))
    if not events:
        raise NoMelodyError(path, "the file has no notes to render")
    events.sort()
    return events, programs


def render_midi_file(path, soundfont=None, sample_rate: int = DEFAULT_SAMPLE_RATE,
                     program: int | None = None, tail_seconds: float = TAIL_SECONDS,
                     normalize: bool = True, data: bytes | None = None) -> np.ndarray:
    events, programs = midi_file_schedule(path, sample_rate, program, data)
    with Synth(soundfont, sample_rate) as synth:
        for chan, prog in programs.items():
            synth.program_select(chan, prog)
        audio = render_schedule(synth, events, events[-1][0] + int(tail_seconds * sample_rate))
    return normalize_peak(audio) if normalize else audio


def to_int16(audio: np.ndarray) -> np.ndarray:
    return np.round(np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")


def write_wav(path: str | os.PathLike, audio: np.ndarray, sample_rate: int) -> None:
    """16-bit stereo PCM WAV, written to a temp file and renamed over ``path``."""
    pcm = to_int16(audio.reshape(-1, 2) if audio.ndim == 2 else np.repeat(audio[:, None], 2, 1))
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())


def render_to_wav(source: Melody | bytes | str | os.PathLike, out: str | os.PathLike, soundfont=None,
                  program: int | None = None, sample_rate: int = DEFAULT_SAMPLE_RATE,
                  metronome: bool = False) -> RenderResult:
    """Render a Melody, a multi-track MIDI file's bytes (no temporary file) or a MIDI file path to a WAV
    file; errors are typed (SoundFont/MIDI)."""
    t0 = time.perf_counter()
    if isinstance(source, Melody):
        audio = render_melody(source, soundfont, sample_rate, program, metronome)
    elif isinstance(source, bytes):
        audio = render_midi_file("<MIDI data>", soundfont, sample_rate, program, data=source)
    else:
        audio = render_midi_file(source, soundfont, sample_rate, program)
    took = time.perf_counter() - t0
    write_wav(out, audio, sample_rate)
    return RenderResult(str(out), len(audio) / sample_rate, sample_rate, peak_dbfs(audio), took)
