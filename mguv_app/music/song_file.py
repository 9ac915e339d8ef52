"""Saving an edited melody back into the song it came from, with every other track kept as it was.

A song file (a melody track beside piano, bass and drums) opens in the editor as its melody alone.
Writing that melody over the file would silently drop the rest, so a song's Save rewrites only the
melody's own notes: the note events of one MIDI track on one channel. Every other event stays, in
its place: the other tracks with their controllers and sysex, the melody track's own lyrics and
pedal, key signatures, the tempo map.

The file is handled chunk by chunk: a track chunk the save does not touch is copied byte for byte,
and only the chunks that change are parsed and written again, with mido (symusic, which reads the
file, would re-encode every track). So opening and saving cost the melody's track, not the song's: for
a 0.8 MB, 16-track file, finding the melody takes 0.05 s and a save 0.12 s, where parsing the whole
file with mido takes 1.1 s (``benchmarks/bench_song_file.py``).

What the editor changes besides notes goes into the song too: the tempo (the whole tempo map is
scaled, so a ritardando survives), the time signatures (untouched while the bars are as the file has
them; one meter changed in place; a meter map with a pickup or changes written as its events, at their
ticks), the melody channel's program, and the chord markers (``Chord: Dm7``) that hold the chords the
user chose.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from ..fileio import atomic_write
from .errors import MidiSaveError
from .melody import CHORD_MARKER, TICKS_PER_QUARTER, Melody, Note
from .meter import MeterMap
from .midi_read import ImportedMelody, _line, _track_arrays, check_reopens, first_qpm, meter_events, read_midi
from .midi_write import marker_text, tempo_us
from .smf_layout import read_layout

NEW_OFF, KEPT, NEW_ON = 0, 1, 2  # order of events at one tick: a repeated pitch ends before it starts again
SETUP = -1  # a program change the save adds goes before every event at its tick (the notes kept there included)
MAX_PARTS = 13  # pitched channels the player has for parts beside the melody (audio.player.BACKING_CHANNELS)
TEMPO, METER = b"\xff\x51\x03", b"\xff\x58\x04"  # meta events a chunk holds, found without parsing it
CHORD_TEXT = CHORD_MARKER.strip().encode()


@dataclass(frozen=True)
class SongFile:
    """A MIDI song whose melody is the note events of ``channel`` in the ``track``-th track chunk."""

    data: bytes  # the file as it was opened, or as the last save wrote it
    track: int
    channel: int
    others: int  # tracks with notes besides the melody, drums included
    score_index: int = -1  # the melody's place among symusic's tracks when it was found (a tie-breaker)

    @property
    def others_label(self) -> str:
        return f"{self.others} other track{'s' if self.others != 1 else ''}"

    @cached_property
    def _score(self):
        """The song parsed by symusic, once for ``parts`` and ``tempo_map`` (the window asks for both)."""
        import symusic

        return symusic.Score.from_midi(read_layout("song", self.data).smf)  # the tracks the importer read

    def tempo_map(self) -> list[tuple[int, float]]:
        """The song's tempo changes as ``[(tick, qpm)]`` at 480 ticks a quarter, from tick 0, or ``[]`` for a
        song at one tempo (the melody's ``qpm`` says it all). The player and Render follow it."""
        score = self._score
        scale = TICKS_PER_QUARTER / score.tpq
        changes: list[tuple[int, float]] = []
        for t in score.tempos:
            tick, qpm = int(round(t.time * scale)), float(round(t.qpm, 2))
            if changes and changes[-1][0] == tick:
                changes[-1] = (tick, qpm)  # two at one tick: the later one counts
            elif not changes or changes[-1][1] != qpm:
                changes.append((tick, qpm))
        if changes:  # from tick 0, as the melody's tempo (``first_qpm``) takes the first one for the whole song
            changes[0] = (0, changes[0][1])
        return changes if len(changes) > 1 else []

    def parts(self) -> list[tuple[Melody, bool]]:
        """The song's other notes as ``(part, is_drum)`` at 480 ticks a quarter, for the player to play
        beside the edited melody: one part per pitched track (named as the track is; with more tracks
        than the player has channels, tracks of one sound share a part, the busiest :data:`MAX_PARTS`
        kept), and one for the drums. Read with symusic (fast); the melody is the track whose notes
        are the melody channel's."""
        score = self._score
        header, chunks = _chunks(self.data)
        mine = _onsets(_parse(header, chunks[self.track])).get(self.channel, Counter())
        same = [i for i, t in enumerate(score.tracks) if mine and _track_onsets(t) == mine]
        skip = self.score_index if self.score_index in same else (same[0] if same else None)
        scale = TICKS_PER_QUARTER / score.tpq
        tracks: list[tuple[str, int, list[Note]]] = []  # (name, program, notes) of each pitched track
        drums, kit = [], 0
        for i, t in enumerate(score.tracks):
            if i == skip or not t.note_num():
                continue
            notes = [Note(*row) for row in _track_arrays(t, scale).tolist()]  # as the importer reads notes
            if t.is_drum:
                drums += notes
                kit = kit or t.program
            else:
                tracks.append((t.name or "", int(t.program), notes))
        if len(tracks) > MAX_PARTS:  # more than the player's channels: one part per sound
            merged: dict[int, list[Note]] = {}
            for _, program, notes in tracks:
                merged.setdefault(program, []).extend(notes)
            tracks = [("", program, notes) for program, notes in merged.items()]
        busiest = sorted(tracks, key=lambda t: -len(t[2]))[:MAX_PARTS]
        parts = [(Melody(notes, program=program, name=name), False) for name, program, notes in busiest]
        if drums:
            parts.append((Melody(drums, program=kit, name="drums"), True))
        return parts


# --- chunks ---------------------------------------------------------------------------------------
def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """The header chunk and the track chunks (each whole: tag, length, body), as the importer reads them
    (``smf_layout.read_layout``: the tracks the header announces; other chunks and anything after the
    last track are not part of the song, and a save does not write them)."""
    layout = read_layout("song", data)
    return layout.header, list(layout.tracks)


class SongFormatError(ValueError):
    """A track chunk whose events cannot be read back as events to write again (cut off, a data byte over 127)."""


def _varint(body: bytes, pos: int) -> tuple[int, int]:
    """A variable-length number at ``pos``, and where the next byte is (IndexError past the end)."""
    value = 0
    while True:
        byte = body[pos]
        pos += 1
        value = value << 7 | byte & 0x7F
        if byte < 0x80:
            return value, pos


def _parse(header: bytes, chunk: bytes):
    """One track chunk as a mido track, read as mido reads one, but forgiving where a save must be: a meta
    event mido cannot decode (a key signature of 8 sharps, a tempo two bytes long) is kept as it was
    (``UnknownMetaMessage`` writes its bytes back), and a realtime byte (a clock tick), which has no place in
    a file and which mido refuses to write, is left out, its delta time kept. ``SongFormatError`` for a
    chunk that is broken (cut off, a data byte over 127, running status with nothing to run on)."""
    import mido
    from mido.messages.specs import SPEC_BY_STATUS
    from mido.midifiles.meta import UnknownMetaMessage, build_meta_message

    body, pos, running, carried = chunk[8:], 0, None, 0
    track = mido.MidiTrack()
    try:
        while pos < len(body):
            delta, pos = _varint(body, pos)
            delta += carried
            carried = 0
            status = body[pos]
            if status >= 0x80:
                pos += 1
            elif running is None:
                raise SongFormatError("running status with no status byte before it")
            else:
                status = running
            if status == 0xFF:
                kind = body[pos]
                size, pos = _varint(body, pos + 1)
                data, pos = body[pos: pos + size], pos + size
                try:
                    msg = build_meta_message(kind, data, delta)
                except Exception:  # mido cannot decode it: keep its bytes as they were
                    msg = UnknownMetaMessage(kind, data, time=delta)
            elif status in (0xF0, 0xF7):
                size, pos = _varint(body, pos)
                data, pos = body[pos: pos + size], pos + size
                running = None
                msg = mido.Message("sysex", data=_sysex_data(data), time=delta)
            elif status >= 0xF8:  # realtime: no place in a file
                carried = delta
                continue
            else:
                spec = SPEC_BY_STATUS.get(status)
                if spec is None:
                    raise SongFormatError(f"undefined status byte {status:#04x}")
                size = spec["length"] - 1
                data, pos = body[pos: pos + size], pos + size
                if len(data) < size or any(b > 127 for b in data):
                    raise SongFormatError("a data byte over 127, or an event cut off")
                if status < 0xF0:
                    running = status
                msg = mido.Message.from_bytes([status, *data], time=delta)
            track.append(msg)
    except IndexError:
        raise SongFormatError("the track ends inside an event") from None
    return track


def _sysex_data(data: bytes) -> bytes:
    """A sysex event's data as mido keeps it: without its leading 0xF0 and closing 0xF7."""
    if data[:1] == b"\xf0":
        data = data[1:]
    if data[-1:] == b"\xf7":
        data = data[:-1]
    return data


def _encode(track, tpq: int) -> bytes:
    """A mido track as a track chunk."""
    import mido

    buf = io.BytesIO()
    mido.MidiFile(type=0, ticks_per_beat=tpq, tracks=[track]).save(file=buf)
    return buf.getvalue()[14:]


def _onsets(track) -> dict[int, Counter]:
    """``{channel: Counter of (tick, pitch)}`` of a mido track's sounding note-ons."""
    out: dict[int, Counter] = {}
    now = 0
    for msg in track:
        now += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            out.setdefault(msg.channel, Counter())[now, msg.note] += 1
    return out


def _track_onsets(track) -> Counter:
    arr = track.notes.numpy()
    return Counter(zip(arr["time"].tolist(), arr["pitch"].tolist(), strict=True))


def _name_event(name: str) -> bytes:
    raw = name.encode("utf-8", "replace")
    return b"\xff\x03" + bytes([len(raw)]) + raw if len(raw) < 128 else b"\xff\x03"


def locate_song(path: str | os.PathLike, imported: ImportedMelody | None = None) -> SongFile | None:
    """The song at ``path`` with its melody found as one track chunk's one channel, so Save can keep the rest.

    None when there is nothing else in the file to keep, or when the melody is not one track's one
    channel (a skyline of several tracks), or when the file is one that cannot be rewritten faithfully
    (format 2, RIFF-wrapped, broken data bytes): then the caller saves the melody as a new file. Only
    the chunks named like the melody's track are parsed, unless none of them holds it."""
    import symusic

    try:
        data = Path(path).read_bytes()
        imported = imported or read_midi(path, data=data)
    except Exception:  # unreadable now: nothing here that Save could keep
        return None
    if imported.track_index is None or imported.note_tracks < 2 or data[:4] != b"MThd":
        return None
    try:
        layout = read_layout(path, data)
        if layout.fmt == 2:  # independent sequences: not one song to keep
            return None
        chosen = symusic.Score.from_midi(layout.smf).tracks[imported.track_index]
        header, chunks = layout.header, layout.tracks
        wanted = _track_onsets(chosen)
        named = [i for i, c in enumerate(chunks) if chosen.name and _name_event(chosen.name) in c]
        for group in (named, [i for i in range(len(chunks)) if i not in named]):
            for i in group:
                for channel, found in _onsets(_parse(header, chunks[i])).items():
                    if found == wanted:
                        return SongFile(data, i, channel, imported.note_tracks - 1, imported.track_index)
    except Exception:  # a chunk _parse cannot read (e.g. data bytes over 127): leave such files alone
        return None
    return None


def _opened_notes(score, song: SongFile) -> list[Note] | None:
    """The melody's notes as opening the song showed them (the importer's rule for one track); None when
    the song does not say which of ``score``'s tracks it is."""
    if not 0 <= song.score_index < len(score.tracks):
        return None
    return _line(_track_arrays(score.tracks[song.score_index], TICKS_PER_QUARTER / score.tpq), True)


# --- writing --------------------------------------------------------------------------------------
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


def song_bytes(song: SongFile, melody: Melody) -> bytes:
    """``song`` with its melody's notes replaced by ``melody``'s, and the tempo, meter, program and chord
    markers set to ``melody``'s; every chunk that none of this touches is kept byte for byte."""
    import mido
    import symusic

    layout = read_layout("song", song.data)  # the tracks the importer read, no more
    header, chunks = layout.header, layout.tracks
    tpq = layout.division
    scale = tpq / TICKS_PER_QUARTER
    score = symusic.Score.from_midi(layout.smf)  # what the editor was shown (midi_read's own rules)
    old_qpm = first_qpm(score)
    old_events = meter_events(score)
    old_map = MeterMap(old_events) if old_events else MeterMap.single((4, 4))
    rows: dict[int, list[list]] = {}  # the parsed, changing chunks

    def track(i: int) -> list[list]:
        if i not in rows:
            rows[i] = _absolute(_parse(header, chunks[i]))
        return rows[i]

    def at(tick: int) -> int:
        return int(round(tick * scale))

    if abs(melody.qpm - old_qpm) > 1e-6:  # the whole tempo map, scaled
        holders = [i for i, c in enumerate(chunks) if TEMPO in c]
        for i in holders:
            for row in track(i):
                if row[2].type == "set_tempo":
                    row[2] = row[2].copy(tempo=tempo_us(row[2].tempo * old_qpm / melody.qpm))
        if not any(r[2].type == "set_tempo" for i in holders for r in track(i)):
            track(0).append([0, KEPT, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(melody.qpm))])

    new_map = melody.meter_map
    if new_map.events != old_map.events:  # the bars changed: the time signatures follow
        holders = [i for i, c in enumerate(chunks) if METER in c]
        meters = [r for i in holders for r in track(i) if r[2].type == "time_signature"]
        if new_map.is_uniform and len(meters) <= 1:  # one meter before and after: that one event changes
            num, den = new_map.main
            if meters:
                meters[0][2] = meters[0][2].copy(numerator=num, denominator=den)
            else:
                track(0).append([0, KEPT, mido.MetaMessage("time_signature", numerator=num, denominator=den)])
        else:  # a meter map: its events, at their ticks, where the song's first time signature was
            first = min(((r[0], i) for i in holders for r in track(i) if r[2].type == "time_signature"), default=None)
            for i in holders:
                rows[i] = [r for r in track(i) if r[2].type != "time_signature"]
            track(first[1] if first else 0).extend(
                [at(t), KEPT, mido.MetaMessage("time_signature", numerator=num, denominator=den)]
                for t, (num, den) in new_map.events)

    # the melody's notes and program. Notes as they were opened stay as they are in the file (with the chords
    # and overlaps the editor showed as one line): an unchanged save keeps the track the importer chose
    ch = song.channel
    notes_changed = sorted(melody.notes) != _opened_notes(score, song)
    old_program = score.tracks[song.score_index].program if 0 <= song.score_index < len(score.tracks) else None
    if notes_changed or melody.program != old_program:
        mel = [r for r in track(song.track)
               if not (notes_changed and r[2].type in ("note_on", "note_off") and r[2].channel == ch)]
        program = next((r for r in mel if r[2].type == "program_change" and r[2].channel == ch), None)
        if program is None and melody.program:
            mel.append([0, SETUP, mido.Message("program_change", channel=ch, program=melody.program)])
        elif program is not None and program[2].program != melody.program:
            program[2] = program[2].copy(program=melody.program)
        for n in melody.notes if notes_changed else ():
            start = at(n.start)
            mel.append([start, NEW_ON, mido.Message("note_on", channel=ch, note=n.pitch, velocity=n.velocity)])
            mel.append([max(start + 1, at(n.end)), NEW_OFF, mido.Message("note_off", channel=ch, note=n.pitch)])
        rows[song.track] = mel

    # the chords chosen in the editor replace the ones an earlier save wrote
    for i, c in enumerate(chunks):
        if CHORD_TEXT in c:
            rows[i] = [r for r in track(i) if not (r[2].type == "marker"
                                                     and (r[2].text or "").strip().startswith(CHORD_MARKER.strip()))]
    if melody.chords:
        track(0).extend([at(t), KEPT, mido.MetaMessage("marker", text=marker_text(name))]
                        for t, name in sorted(melody.chords.items()))

    out = [_encode(_relative(rows[i]), tpq) if i in rows else c for i, c in enumerate(chunks)]
    return header + b"".join(out)  # as many tracks as the header announces: the ones the importer read


def write_song(song: SongFile, melody: Melody, path: str | os.PathLike) -> SongFile:
    """Write ``song`` with ``melody`` in it to ``path`` atomically; the returned song is what was written.

    :class:`MidiSaveError`, with ``path`` left as it was, when the song holds events that cannot be
    written back, or when the written bytes, read back before the rename, would not open again."""
    try:
        data = song_bytes(song, melody)
    except (ValueError, KeyError, IndexError, EOFError, OSError) as exc:  # mido refusing an event, a broken chunk
        raise MidiSaveError(path, f"this song holds events that cannot be written back ({exc or type(exc).__name__})"
                                  "; save the melody as a new file") from None
    atomic_write(path, data, verify=lambda written: check_reopens(path, written))
    return replace(song, data=data)
