"""MIDI export with pretty_midi: tempo, time signatures, program and velocities.

Files are written at 480 ticks per quarter (our internal resolution), so tick
positions survive export and re-import exactly, and the melody track is named
"Melody" so our own importer (and any DAW) recognises it. A melody that changes meter or
starts with a pickup gets its time-signature events (``Melody.meters``) back at their ticks.
"""

from __future__ import annotations

import io
import os

from ..fileio import atomic_write
from .melody import CHORD_MARKER, TICKS_PER_QUARTER, Melody


def melody_to_pretty_midi(melody: Melody, extra_tracks=()):
    """Build a ``pretty_midi.PrettyMIDI``; ``extra_tracks`` are further (Melody, is_drum) parts."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(resolution=TICKS_PER_QUARTER, initial_tempo=float(melody.qpm))
    num, den = melody.time_signature
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    sec_per_tick = 60.0 / (melody.qpm * TICKS_PER_QUARTER)
    for part, is_drum in [(melody, False), *extra_tracks]:
        inst = pretty_midi.Instrument(program=part.program, is_drum=is_drum, name=part.name or "Melody")
        for n in part.notes:
            inst.notes.append(pretty_midi.Note(velocity=n.velocity, pitch=n.pitch,
                                               start=n.start * sec_per_tick, end=n.end * sec_per_tick))
        pm.instruments.append(inst)
    return pm


def melody_to_midi_bytes(melody: Melody, extra_tracks=(), tempo_map=None) -> bytes:
    """The melody (and ``extra_tracks``) as a MIDI file. ``tempo_map``: a song's tempo changes,
    ``[(tick, qpm)]`` (``SongFile.tempo_map``), scaled so that it starts at ``melody.qpm``."""
    pm = melody_to_pretty_midi(melody, extra_tracks)
    buf = io.BytesIO()
    pm.write(buf)
    data = buf.getvalue()
    if tempo_map:
        data = with_tempo_map(data, tempo_map, melody.qpm)
    if melody.meters:
        data = with_meter_map(data, melody.meter_map.events)
    return with_markers(data, chord_markers(melody)) if melody.chords else data


def tempo_us(microseconds: float) -> int:
    """Microseconds a quarter as a ``set_tempo`` event can hold them (three bytes: 1 to 2^24 - 1)."""
    return max(1, min(0xFFFFFF, round(microseconds)))


def with_tempo_map(data: bytes, tempo_map: list[tuple[int, float]], qpm: float) -> bytes:
    """``data`` with its single tempo replaced by ``tempo_map``, every tempo scaled by ``qpm / first``."""
    import mido

    scale = qpm / tempo_map[0][1]
    tempos = [(int(t), mido.MetaMessage("set_tempo", tempo=tempo_us(mido.bpm2tempo(q * scale)))) for t, q in tempo_map]
    return _with_meta(data, tempos, drop="set_tempo")


def with_meter_map(data: bytes, events) -> bytes:
    """``data`` with its time signatures replaced by ``events`` ``[(tick, (num, den))]`` (a meter map's)."""
    import mido

    meters = [(int(t), mido.MetaMessage("time_signature", numerator=num, denominator=den)) for t, (num, den) in events]
    return _with_meta(data, meters, drop="time_signature")


def chord_markers(melody: Melody) -> list[tuple[int, str]]:
    """The user's chords as ``(tick, "Chord: Dm7")`` marker events (DAWs show them on their timeline)."""
    return [(tick, marker_text(name)) for tick, name in sorted(melody.chords.items())]


def marker_text(chord: str) -> str:
    """``Chord: Dm7``, as a MIDI text event can hold it (mido writes Latin-1): a character it cannot, such as one
    a damaged file gave the importer, becomes "?" rather than failing the save."""
    return (CHORD_MARKER + chord).encode("latin-1", "replace").decode("latin-1")


def with_markers(data: bytes, markers: list[tuple[int, str]]) -> bytes:
    """``data`` (an SMF at our 480 ticks per quarter) with marker meta events added to its first track.

    pretty_midi cannot write markers, so mido (which pretty_midi itself writes with) adds them."""
    import mido

    return _with_meta(data, [(tick, mido.MetaMessage("marker", text=text)) for tick, text in markers])


def _with_meta(data: bytes, events: list, drop: str | None = None) -> bytes:
    """``data`` with meta ``events`` ``[(tick, MetaMessage)]`` added to its first track (and the messages
    of type ``drop`` taken out of it first)."""
    import mido

    mid = mido.MidiFile(file=io.BytesIO(data))
    track, now, timed = mid.tracks[0], 0, []
    for msg in track:
        now += msg.time
        if msg.type != drop:
            timed.append((now, 1 if msg.type == "end_of_track" else 0, msg))
    timed += [(tick, 0, msg) for tick, msg in events]
    timed.sort(key=lambda t: (t[1], t[0]))  # end_of_track last; sort is stable, so order is kept
    end = max(t for t, _, _ in timed)
    track.clear()
    now = 0
    for tick, last, msg in timed:
        tick = end if last else tick
        track.append(msg.copy(time=tick - now))
        now = tick
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def write_midi(melody: Melody, path: str | os.PathLike, extra_tracks=()) -> None:
    """Write ``melody`` atomically to ``path``; its track is named "Melody" for re-import. The bytes are read
    back before the rename: a file that would not open again is not written (``MidiSaveError``)."""
    from .midi_read import check_reopens

    named = melody.copy()
    named.name = "Melody"
    atomic_write(path, melody_to_midi_bytes(named, extra_tracks), verify=lambda data: check_reopens(path, data))
