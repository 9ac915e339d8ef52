"""Saving an edited melody back into the song it came from, with every other track kept as it was.

A song file (a melody track beside piano, bass and drums) opens in the editor as its melody alone.
Writing that melody over the file would silently drop the rest, so a song's Save rewrites only the
melody's own notes: the note events of one MIDI track on one channel. Every other event stays, in
its place: the other tracks with their controllers and sysex, the melody track's own lyrics and
pedal, key signatures, the tempo map. mido does this event surgery; symusic, which reads the file,
would re-encode every track on output.

What the editor changes besides notes goes into the song too: the tempo (the whole tempo map is
scaled, so a ritardando survives), the first time signature, the melody channel's program, and the
chord markers (``Chord: Dm7``) that hold the chords the user chose.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ..fileio import atomic_write
from .melody import CHORD_MARKER, TICKS_PER_QUARTER, Melody, Note
from .midi_read import ImportedMelody, read_midi

NEW_OFF, KEPT, NEW_ON = 0, 1, 2  # order of events at one tick: a repeated pitch ends before it starts again
DRUMS = 9  # the General MIDI drum channel
DRUM_PART = -1
MAX_PARTS = 13  # pitched channels the player has for parts beside the melody (audio.player.BACKING_CHANNELS)


@dataclass(frozen=True)
class SongFile:
    """A MIDI song whose melody is the note events of ``channel`` in MIDI track ``track``."""

    data: bytes  # the file as it was opened, or as the last save wrote it
    track: int
    channel: int
    others: int  # tracks with notes besides the melody, drums included

    @property
    def others_label(self) -> str:
        return f"{self.others} other track{'s' if self.others != 1 else ''}"

    def parts(self) -> list[tuple[Melody, bool]]:
        """The song's other notes as ``(part, is_drum)`` at 480 ticks a quarter, for the player to play
        beside the edited melody: one part per sound (pitched channels with the same program share
        one), the busiest :data:`MAX_PARTS` of them, and one for the drums."""
        mid = _mido_file(self.data)
        scale = TICKS_PER_QUARTER / mid.ticks_per_beat
        notes: dict[int, list[Note]] = {}  # program (DRUM_PART for the drums) -> notes
        kit = None
        for i, track in enumerate(mid.tracks):
            now, program, sounding = 0, {}, {}
            for msg in track:
                now += msg.time
                if msg.type == "program_change":
                    program[msg.channel] = msg.program
                    kit = msg.program if msg.channel == DRUMS and kit is None else kit
                if msg.type not in ("note_on", "note_off") or (i, msg.channel) == (self.track, self.channel):
                    continue
                key = (msg.channel, msg.note)
                if msg.type == "note_on" and msg.velocity > 0:
                    sounding.setdefault(key, []).append((now, msg.velocity, program.get(msg.channel, 0)))
                elif sounding.get(key):  # the earliest sounding note of that pitch ends
                    start, velocity, prog = sounding[key].pop(0)
                    a, b = round(start * scale), round(now * scale)
                    notes.setdefault(DRUM_PART if msg.channel == DRUMS else prog, []).append(
                        Note(a, max(b, a + 1), msg.note, velocity))
        pitched = sorted((k for k in notes if k != DRUM_PART), key=lambda k: -len(notes[k]))[:MAX_PARTS]
        parts = [(Melody(notes[k], program=k, name=f"program {k}"), False) for k in pitched]
        if DRUM_PART in notes:
            parts.append((Melody(notes[DRUM_PART], program=kit or 0, name="drums"), True))
        return parts


def _mido_file(data: bytes):
    import mido

    return mido.MidiFile(file=io.BytesIO(data))


def _onsets(mid) -> dict[tuple[int, int], Counter]:
    """``{(track, channel): Counter of (tick, pitch)}`` for every sounding note-on."""
    out: dict[tuple[int, int], Counter] = {}
    for i, track in enumerate(mid.tracks):
        now = 0
        for msg in track:
            now += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                out.setdefault((i, msg.channel), Counter())[now, msg.note] += 1
    return out


def locate_song(path: str | os.PathLike, imported: ImportedMelody | None = None) -> SongFile | None:
    """The song at ``path`` with its melody found as one track's one channel, so Save can keep the rest.

    None when there is nothing else in the file to keep, or when the melody is not one track's one
    channel (a skyline of several tracks), or when the file is one mido cannot rewrite faithfully
    (format 2, RIFF-wrapped, broken data bytes): then the caller saves the melody as a new file."""
    import symusic

    try:
        data = Path(path).read_bytes()
        imported = imported or read_midi(path, data=data)
    except Exception:  # unreadable now: nothing here that Save could keep
        return None
    if imported.track_index is None or imported.note_tracks < 2 or data[:4] != b"MThd":
        return None
    try:
        score = symusic.Score.from_midi(data)
        notes = score.tracks[imported.track_index].notes.numpy()
        mid = _mido_file(data)
    except Exception:  # mido is stricter than symusic (e.g. data bytes over 127): leave such files alone
        return None
    if mid.type == 2:
        return None
    wanted = Counter(zip(notes["time"].tolist(), notes["pitch"].tolist(), strict=True))
    place = next((key for key, found in _onsets(mid).items() if found == wanted), None)
    if place is None:
        return None
    return SongFile(data, place[0], place[1], imported.note_tracks - 1)


def _absolute(track) -> list[list]:
    """A track as ``[tick, order, message]`` rows in absolute ticks (its end-of-track included)."""
    rows, now = [], 0
    for msg in track:
        now += msg.time
        rows.append([now, KEPT, msg])
    return rows


def _relative(rows: list[list]):
    """Rows back into a track; it ends where it ended before, or later if a new note ends later."""
    import mido

    end = max((r[0] for r in rows), default=0)
    rows = sorted((r for r in rows if r[2].type != "end_of_track"), key=lambda r: (r[0], r[1]))  # stable
    track, now = mido.MidiTrack(), 0
    for tick, _, msg in rows:
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=end - now))
    return track


def _first(tracks: list[list[list]], test) -> list | None:
    """The earliest row (over all tracks) whose message passes ``test``."""
    hits = [row for rows in tracks for row in rows if test(row[2])]
    return min(hits, key=lambda r: r[0]) if hits else None


def song_bytes(song: SongFile, melody: Melody) -> bytes:
    """``song`` with its melody's notes replaced by ``melody``'s, and the tempo, meter, program and chord
    markers set to ``melody``'s; everything else as it was."""
    import mido

    mid = _mido_file(song.data)
    scale = mid.ticks_per_beat / TICKS_PER_QUARTER
    tracks = [_absolute(t) for t in mid.tracks]
    touched = {song.track}
    ch = song.channel

    def at(tick: int) -> int:
        return int(round(tick * scale))

    # the tempo: the file's first tempo is what the editor showed (midi_read rounds it the same way)
    first_tempo = _first(tracks, lambda m: m.type == "set_tempo")
    old_qpm = round(mido.tempo2bpm(first_tempo[2].tempo), 2) if first_tempo else 120.0
    if abs(melody.qpm - old_qpm) > 1e-6:
        if first_tempo is None:
            tracks[0].append([0, KEPT, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(melody.qpm))])
        for i, rows in enumerate(tracks):
            for row in rows:
                if row[2].type == "set_tempo":
                    row[2] = row[2].copy(tempo=max(1, min(0xFFFFFF, round(row[2].tempo * old_qpm / melody.qpm))))
                    touched.add(i)
        touched.add(0)

    first_meter = _first(tracks, lambda m: m.type == "time_signature")
    num, den = melody.time_signature
    if first_meter is None and (num, den) != (4, 4):
        tracks[0].append([0, KEPT, mido.MetaMessage("time_signature", numerator=num, denominator=den)])
        touched.add(0)
    elif first_meter is not None and (first_meter[2].numerator, first_meter[2].denominator) != (num, den):
        first_meter[2] = first_meter[2].copy(numerator=num, denominator=den)
        touched.update(i for i, rows in enumerate(tracks) if any(r is first_meter for r in rows))

    # the melody's notes and program
    rows = [r for r in tracks[song.track] if not (r[2].type in ("note_on", "note_off") and r[2].channel == ch)]
    program = next((r for r in rows if r[2].type == "program_change" and r[2].channel == ch), None)
    if program is None and melody.program:
        rows.append([0, KEPT, mido.Message("program_change", channel=ch, program=melody.program)])
    elif program is not None and program[2].program != melody.program:
        program[2] = program[2].copy(program=melody.program)
    for n in melody.notes:
        start = at(n.start)
        rows.append([start, NEW_ON, mido.Message("note_on", channel=ch, note=n.pitch, velocity=n.velocity)])
        rows.append([max(start + 1, at(n.end)), NEW_OFF, mido.Message("note_off", channel=ch, note=n.pitch)])
    tracks[song.track] = rows

    # the chords chosen in the editor replace the ones an earlier save wrote
    prefix = CHORD_MARKER.strip()
    for i, rows in enumerate(tracks):
        kept = [r for r in rows if not (r[2].type == "marker" and (r[2].text or "").strip().startswith(prefix))]
        if len(kept) != len(rows):
            tracks[i] = kept
            touched.add(i)
    if melody.chords:
        tracks[0] += [[at(t), KEPT, mido.MetaMessage("marker", text=CHORD_MARKER + name)]
                      for t, name in sorted(melody.chords.items())]
        touched.add(0)

    for i in touched:
        mid.tracks[i] = _relative(tracks[i])
    out = io.BytesIO()
    mid.save(file=out)
    return out.getvalue()


def write_song(song: SongFile, melody: Melody, path: str | os.PathLike) -> SongFile:
    """Write ``song`` with ``melody`` in it to ``path`` atomically; the returned song is what was written."""
    data = song_bytes(song, melody)
    atomic_write(path, data)
    return replace(song, data=data)
