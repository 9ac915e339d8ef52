"""Hand-built MIDI files whose bars are more than one meter: a pickup, 4/4 -> 3/4 -> 6/8, a 3/4 folk tune with
a 2/4 bar closing each phrase. Written byte by byte (``tests/smf.py``), as real files hold them: the time
signatures in a conductor track, the melody in its own track, optionally a piano beside it."""

from __future__ import annotations

import struct
from pathlib import Path

import mido

from tests.smf import note_events, smf, tempo, track

Q = 480  # ticks a quarter in the files (and in the app)
SCALE = [60, 62, 64, 65, 67, 69, 71, 72]


def ts_event(num: int, den: int) -> bytes:
    return b"\xff\x58\x04" + bytes([num, den.bit_length() - 1, 24, 8])


def conductor(meters: list[tuple[int, int, int]], us_per_quarter: int = 500000) -> bytes:
    """A track with the tempo and the time signatures ``(tick, num, den)``."""
    events, now = [(0, tempo(us_per_quarter))], 0
    for tick, num, den in meters:
        events.append((tick - now, ts_event(num, den)))
        now = tick
    return track(events, name="Conductor")


def build(path: Path, meters, notes, tpq: int = Q, piano=None) -> Path:
    """A format-1 file: conductor (tempo, ``meters``), the melody track ``notes`` ``(pitch, start, end)`` at
    480 a quarter (scaled to ``tpq``), and ``piano`` notes on channel 1 when given."""
    k = tpq / Q

    def scaled(rows):
        return [(p, round(a * k), round(b * k)) for p, a, b in rows]

    tracks = [conductor([(round(t * k), n, d) for t, n, d in meters]),
              track(note_events(scaled(notes), 0), name="Melody")]
    if piano:
        tracks.append(track(note_events(scaled(piano), 1), name="Piano"))
    path.write_bytes(smf(tracks, tpq=tpq))
    return path


def bar_starts(lengths: list[int]) -> list[int]:
    out, t = [], 0
    for length in lengths:
        out.append(t)
        t += length
    return out + [t]


def folk_tune(path: Path, tpq: int = Q, piano: bool = False) -> Path:
    """A 3/4 tune in four 8-bar phrases, each closed by a 2/4 bar, and a last 3/4 bar: 33 bars, 9 time
    signatures (3/4, then 2/4 and 3/4 around each closing bar). A quarter note on every beat."""
    lengths = ([3 * Q] * 7 + [2 * Q]) * 4 + [3 * Q]
    starts = bar_starts(lengths)
    meters = [(0, 3, 4)]
    for phrase in range(4):
        meters += [(starts[8 * phrase + 7], 2, 4), (starts[8 * phrase + 8], 3, 4)]
    notes = []
    for bar, (start, length) in enumerate(zip(starts, lengths, strict=False)):
        for beat in range(length // Q):
            notes.append((SCALE[(bar * 2 + beat) % 8], start + beat * Q, start + beat * Q + Q - 20))
    chords = [(48 + (bar % 4) * 2, start, start + length - 10) for bar, (start, length)
              in enumerate(zip(starts, lengths, strict=False))] if piano else None
    return build(path, meters, notes, tpq, chords)


FOLK_TWO_FOUR_BARS = [8, 16, 24, 32]  # the 2/4 bars' numbers


def changing_meters(path: Path, tpq: int = Q) -> Path:
    """Four bars of 4/4, four of 3/4, four of 6/8: a note on every beat (dotted quarters in 6/8)."""
    lengths = [4 * Q] * 4 + [3 * Q] * 4 + [3 * Q] * 4
    starts = bar_starts(lengths)
    meters = [(0, 4, 4), (starts[4], 3, 4), (starts[8], 6, 8)]
    notes = []
    for bar, start in enumerate(starts[:-1]):
        beat = Q * 3 // 2 if bar >= 8 else Q
        for k in range(lengths[bar] // beat):
            notes.append((SCALE[(bar + k) % 8], start + k * beat, start + (k + 1) * beat - 20))
    return build(path, meters, notes, tpq)


PICKUPS = {  # the three ways files write a one-beat pickup before 3/4 bars
    "short meter": [(0, 1, 4), (Q, 3, 4)],
    "late meter": [(Q, 3, 4)],
    "restated meter": [(0, 3, 4), (Q, 3, 4)],
}


def pickup_tune(path: Path, how: str = "short meter") -> Path:
    """A one-beat pickup (G4 on beat 3), then eight bars of 3/4, a note on every beat."""
    notes = [(67, 0, Q - 20)]
    for bar in range(8):
        for beat in range(3):
            start = Q + bar * 3 * Q + beat * Q
            notes.append((SCALE[(bar + beat) % 8], start, start + Q - 20))
    return build(path, PICKUPS[how], notes)


def built(folder: Path, kind: str) -> Path:
    """One of the built files in ``folder``: "folk" (3/4 with 2/4 bars), "changes" (4/4 -> 3/4 -> 6/8) or a
    pickup written one of the ``PICKUPS`` ways."""
    if kind == "folk":
        return folk_tune(folder / "folk.mid")
    if kind == "changes":
        return changing_meters(folder / "changes.mid")
    return pickup_tune(folder / "pickup.mid", kind)


def ts_events(path) -> list[tuple[int, int, int]]:
    """Every time signature in the file as ``(tick at 480 a quarter, num, den)``, in order."""
    mid = mido.MidiFile(str(path))
    k = Q / mid.ticks_per_beat
    out = []
    for tr in mid.tracks:
        now = 0
        for msg in tr:
            now += msg.time
            if msg.type == "time_signature":
                out.append((round(now * k), msg.numerator, msg.denominator))
    return sorted(out)


def chunks(path) -> list[bytes]:
    """The file's track chunks, whole."""
    data = Path(path).read_bytes()
    pos, out = 14, []
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos + 4: pos + 8])
        out.append(data[pos: pos + 8 + length])
        pos += 8 + length
    return out
