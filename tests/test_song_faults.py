"""Faults a saved song must survive, each in a small file built byte by byte: the save writes a file the app
opens again, or refuses with a clear message and writes nothing (issue 23)."""

import struct

import mido
import pytest

from mguv_app.cli import main
from mguv_app.fileio import atomic_write
from mguv_app.music import Melody, MidiSaveError, Note, read_midi, write_midi
from mguv_app.music.smf_layout import read_layout
from mguv_app.music.song_file import _chunks, locate_song, write_song

from . import smf

Q = 480
CONDUCTOR = smf.track([(0, smf.tempo(500000))])


def melody_track(extra=(), name="Melody", channel=0):
    notes = [(60, 0, Q), (62, Q, 2 * Q), (64, 2 * Q, 3 * Q), (67, 4 * Q, 6 * Q)]
    return smf.track(list(extra) + smf.note_events(notes, channel), name=name)


PIANO = smf.track(smf.note_events([(48, 0, 4 * Q), (52, 0, 4 * Q)], channel=1), name="Piano")


def written(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_cut_off_chunk_after_the_announced_tracks_is_not_saved_into_the_song(tmp_path):
    """Open reads the tracks the header announces; a save counted a cut-off chunk after them into the header it
    wrote, and the saved file was then refused as truncated."""
    extra = smf.track(smf.note_events([(70, 0, Q)], channel=2), name="Extra")
    src = written(tmp_path / "song.mid", smf.smf([CONDUCTOR, melody_track(), PIANO]) + extra[:-5])
    assert len(read_layout(src, src.read_bytes()).tracks) == 3
    assert main(["set", str(src), "--bpm", "90"]) == 0
    again = read_midi(src)
    assert again.melody.qpm == 90 and again.note_tracks == 2 and again.track == "Melody"
    assert src.read_bytes()[10:12] == struct.pack(">H", 3) and len(_chunks(src.read_bytes())[1]) == 3


@pytest.mark.parametrize("event", [b"\x00\xff\x59\x02\x08\x00",  # a key signature of 8 sharps: mido cannot decode it
                                   b"\x00\xff\x51\x02\x07\xa1"])  # a tempo two bytes long
def test_meta_events_mido_cannot_decode_are_kept_as_they_were(tmp_path, event):
    conductor = smf.track([(0, smf.tempo(500000)), (0, event[1:])])
    src = written(tmp_path / "song.mid", smf.smf([conductor, melody_track(), PIANO]))
    assert main(["set", str(src), "--bpm", "100", "--meter", "3/4"]) == 0
    again = read_midi(src)
    assert again.melody.qpm == 100 and again.melody.time_signature == (3, 4)
    assert event[1:] in _chunks(src.read_bytes())[1][0]  # the odd event, byte for byte, in the conductor track


def test_a_realtime_byte_inside_the_melody_track_is_left_out_of_the_saved_track(tmp_path):
    src = written(tmp_path / "song.mid", smf.smf([CONDUCTOR, melody_track([(0, b"\xf8"), (0, b"\xfe")]), PIANO]))
    before = read_midi(src).melody
    assert main(["set", str(src), "--snap-to-scale", "C major", "--instrument", "73"]) == 0
    again = read_midi(src)
    assert again.melody.notes == before.notes and again.melody.program == 73
    assert b"\xf8" not in _chunks(src.read_bytes())[1][1]


def test_a_song_whose_events_cannot_be_written_back_is_refused_and_left_as_it_was(tmp_path):
    """A sysex with data bytes over 127 in the tempo track: symusic reads past it, no writer can encode it. The
    save says so (a MidiSaveError is an OSError: every save's handler reports it) and writes nothing."""
    conductor = smf.track([(0, smf.tempo(500000)), (0, b"\xf0\x03\x81\x82\xf7")])
    src = written(tmp_path / "song.mid", smf.smf([conductor, melody_track(), PIANO]))
    data = src.read_bytes()
    imported = read_midi(src)
    song = locate_song(src, imported)
    faster = imported.melody.copy()
    faster.qpm = 90
    with pytest.raises(MidiSaveError, match="cannot be written back") as err:
        write_song(song, faster, src)
    assert isinstance(err.value, OSError) and src.read_bytes() == data
    assert main(["set", str(src), "--bpm", "90"]) == 2
    assert src.read_bytes() == data and sorted(p.name for p in tmp_path.iterdir()) == ["song.mid"]


def voices(path):
    """Four voices named like melodies; voice 3 has the most notes (chords in it), voice 4 more single notes than
    voice 3's line: the importer takes voice 3, and voice 3 saved as its line would lose to voice 4."""
    mid = mido.MidiFile(type=1, ticks_per_beat=Q)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    for v, count in enumerate((6, 8, 10, 12)):
        t = mido.MidiTrack([mido.MetaMessage("track_name", name=f"Voice {v + 1}")])
        for i in range(count):
            chord = [60 + i % 5] + ([48 + i % 7] if v == 2 else [])
            t += [mido.Message("note_on", channel=v, note=p, velocity=70) for p in chord]
            t += [mido.Message("note_off", channel=v, note=p, time=Q if k == 0 else 0) for k, p in enumerate(chord)]
        mid.tracks.append(t)
    mid.save(path)
    return path


def test_an_unchanged_save_keeps_the_melody_track(tmp_path):
    src = voices(tmp_path / "voices.mid")
    imported = read_midi(src)
    assert imported.track == "Voice 3" and len(imported.melody.notes) == 10  # the line of 20 notes
    chunk = _chunks(src.read_bytes())[1][3]
    assert main(["set", str(src), "--bpm", "80"]) == 0
    again = read_midi(src)
    assert again.track == "Voice 3" and again.melody.notes == imported.melody.notes and again.melody.qpm == 80
    assert _chunks(src.read_bytes())[1][3] == chunk  # its notes as they were: the chords too


def test_no_save_reports_success_for_a_file_that_would_not_open(tmp_path):
    """Every MIDI save reads its bytes back before the rename (atomic_write's verify): what fails the check is
    not written, the old file stays, and no temporary file is left behind."""
    target = tmp_path / "tune.mid"
    write_midi(Melody([Note(0, 480, 60)]), target)
    old = target.read_bytes()

    def refuse(data: bytes) -> None:
        read_midi(target, data=data[:-3])  # as if the disk had cut it: refused as truncated

    with pytest.raises(Exception, match="truncated"):
        atomic_write(target, b"MThd" + old[4:], verify=refuse)
    assert target.read_bytes() == old and [p.name for p in tmp_path.iterdir()] == ["tune.mid"]


def test_an_empty_melody_saves_into_a_file_that_opens_again(tmp_path):
    empty = Melody([], qpm=75, time_signature=(3, 4), chords={0: "Am"})
    write_midi(empty, tmp_path / "empty.mid")
    again = read_midi(tmp_path / "empty.mid", allow_empty=True).melody
    assert (again.notes, again.qpm, again.time_signature, again.chords) == ([], 75, (3, 4), {0: "Am"})
    with pytest.raises(Exception, match="no notes"):  # the model verbs still need notes, and say so
        read_midi(tmp_path / "empty.mid")
