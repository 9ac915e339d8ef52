"""Lo-Fi export: N minutes of the endless stream (or a recorded session) as multitrack MIDI and WAV.

Offline and faster than real time: phrases are generated as fast as the model allows, laid
end to end on one timeline, written as four tracks (Melody, Chords, Bass, and Drums on the
General MIDI drum channel 10) and rendered through FluidSynth by :mod:`mguv_app.audio.render`,
which plays every track of the file. Both files are written atomically.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from ..fileio import atomic_write
from ..music.melody import TICKS_PER_QUARTER, Melody
from ..music.midi_write import melody_to_midi_bytes
from .stream import LofiStream, Phrase

TRACK_NAMES = ("Melody", "Chords", "Bass", "Drums")


def session_tracks(phrases: list[Phrase]) -> list[tuple[Melody, bool]]:
    """The phrases' parts laid end to end: ``[(melody, False), (chords, False), (bass, False), (drums, True)]``."""
    if not phrases:
        raise ValueError("nothing to export: the session has no phrases")
    merged = []
    for k, name in enumerate(TRACK_NAMES):
        first, is_drum = phrases[0].parts.parts()[k]
        notes = []
        for p in phrases:
            notes += [n.moved(dt=p.start_tick - phrases[0].start_tick) for n in p.parts.parts()[k][0].notes]
        merged.append((Melody(notes, first.qpm, first.time_signature, first.program, name), is_drum))
    return merged


def session_midi_bytes(phrases: list[Phrase]) -> bytes:
    tracks = session_tracks(phrases)
    return melody_to_midi_bytes(tracks[0][0], extra_tracks=tracks[1:])


def write_session_midi(phrases: list[Phrase], path: str | os.PathLike) -> None:
    atomic_write(path, session_midi_bytes(phrases))


@dataclass
class ExportResult:
    midi_path: str
    wav_path: str | None
    phrases: int
    seconds: float  # music length
    generate_seconds: float
    render_seconds: float
    repeats: int

    @property
    def speed(self) -> float:
        """Times faster than real time, generation and rendering together."""
        return self.seconds / max(1e-9, self.generate_seconds + self.render_seconds)


def phrase_seconds(stream: LofiStream) -> float:
    """How long one phrase plays at the stream's tempo (a 16-bar phrase at 80 BPM: 48 s)."""
    return stream.bars * stream.ticks_per_bar * 60.0 / (stream.style.bpm * TICKS_PER_QUARTER)


def phrases_for(stream: LofiStream, minutes: float) -> int:
    """The number of whole phrases whose end is nearest to ``minutes`` (at least one): music stops at a
    phrase boundary, the one closest to the length asked for (1 minute of 48 s phrases: one phrase,
    48 s; 2 minutes: three, 2.4 min)."""
    return max(1, math.floor(minutes * 60.0 / phrase_seconds(stream) + 0.5))


def export_stream(stream: LofiStream, minutes: float, midi_path, wav_path=None, soundfont=None,
                  progress=None) -> ExportResult:
    """Generate ``minutes`` of the stream and write the MIDI file (and, if asked, the WAV)."""
    if not minutes > 0:
        raise ValueError(f"minutes must be positive, got {minutes}")
    t0 = time.perf_counter()
    count = phrases_for(stream, minutes)
    phrases = []
    for i in range(count):
        phrases.append(stream.next_phrase())
        if progress is not None:
            progress(i + 1, count)
    gen = time.perf_counter() - t0
    write_session_midi(phrases, midi_path)
    render = 0.0
    if wav_path is not None:
        from ..audio.render import render_to_wav

        render = render_to_wav(midi_path, wav_path, soundfont).render_seconds
    seconds = phrases[-1].end_tick * 60.0 / (stream.style.bpm * TICKS_PER_QUARTER) - \
        phrases[0].start_tick * 60.0 / (stream.style.bpm * TICKS_PER_QUARTER)
    repeats = len(phrases) - len({p.digest for p in phrases})
    return ExportResult(str(midi_path), None if wav_path is None else str(wav_path), len(phrases), seconds,
                        gen, render, repeats)
