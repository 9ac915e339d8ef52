"""MIDI import/export: real files written and read back, and every kind of bad input refused clearly."""

import mido
import pytest
import symusic

from mguv_app.music import (
    AbsurdTimingError,
    CorruptMidiError,
    FileTooLargeError,
    Melody,
    MidiImportError,
    NoMelodyError,
    Note,
    NotMidiError,
    read_midi,
    write_midi,
)
from mguv_app.music.midi_read import MAX_FILE_BYTES

from . import smf


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_export_import_round_trip(tmp_path):
    m = Melody([Note(0, 240, 60, 90), Note(240, 480, 62, 70), Note(960, 1440, 64, 127), Note(1920, 2040, 81, 33)],
               qpm=97.0, time_signature=(3, 4), program=73)
    path = tmp_path / "song.mid"
    write_midi(m, path)
    back = read_midi(path).melody
    assert back.notes == m.notes
    assert back.qpm == pytest.approx(97.0)
    assert back.time_signature == (3, 4)
    assert back.program == 73


def test_export_opens_in_other_readers(tmp_path):
    m = Melody([Note(0, 240, 60, 90), Note(480, 960, 67, 80)], qpm=140.0)
    path = tmp_path / "other.mid"
    write_midi(m, path)
    mid = mido.MidiFile(path)
    ons = [msg for tr in mid.tracks for msg in tr if msg.type == "note_on" and msg.velocity > 0]
    assert [(x.note, x.velocity) for x in ons] == [(60, 90), (67, 80)]
    assert any(msg.type == "set_tempo" for tr in mid.tracks for msg in tr)
    score = symusic.Score(str(path))
    assert score.tpq == 480
    notes = score.tracks[0].notes
    assert [(n.time, n.duration, n.pitch) for n in notes] == [(0, 240, 60), (480, 480, 67)]


def test_export_is_atomic_and_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "keep.mid"
    write_midi(Melody([Note(0, 240, 60)]), path)
    before = path.read_bytes()

    import mguv_app.music.midi_write as mw

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mw, "melody_to_midi_bytes", boom)
    with pytest.raises(OSError):
        mw.write_midi(Melody([Note(0, 240, 70)]), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.mid"]


@pytest.mark.parametrize("tpq", [96, 480, 960, 1000, 7])
def test_odd_ppq_quantizes_to_16ths(tmp_path, tpq):
    p = _write(tmp_path, f"ppq{tpq}.mid", smf.simple_song(tpq=tpq))
    mel = read_midi(p).melody
    assert [(n.pitch, n.start, n.end) for n in mel.notes] == [
        (60, 0, 480), (62, 480, 960), (64, 960, 1440), (67, 1920, 2880)]


def test_format_0_and_tempo_changes(tmp_path):
    evs = [(0, smf.tempo(600000))] + smf.note_events([(60, 0, 480), (64, 480, 960)])
    evs.insert(2, (0, smf.tempo(400000)))
    p = _write(tmp_path, "f0.mid", smf.smf([smf.track(evs)], fmt=0))
    imp = read_midi(p)
    assert imp.midi_format == 0
    assert imp.melody.qpm == pytest.approx(100.0)
    assert [n.pitch for n in imp.melody.notes] == [60, 64]


def test_format_2(tmp_path):
    p = _write(tmp_path, "f2.mid", smf.smf([smf.track(smf.note_events([(70, 0, 480)]))], fmt=2))
    assert read_midi(p).melody.notes[0].pitch == 70


def test_named_melody_track_wins_over_higher_tracks(tmp_path):
    high = smf.track(smf.note_events([(90, 0, 1920)], channel=1), name="Strings")
    melody = smf.track(smf.note_events([(60, 0, 480), (62, 480, 960)]), name="MELODY")
    p = _write(tmp_path, "named.mid", smf.smf([high, melody]))
    imp = read_midi(p)
    assert imp.track == "MELODY"
    assert [n.pitch for n in imp.melody.notes] == [60, 62]


def test_skyline_of_unnamed_tracks_skips_drums(tmp_path):
    bass = smf.track(smf.note_events([(40, 0, 1920)], channel=1), name="Bass")
    upper = smf.track(smf.note_events([(72, 0, 240), (74, 480, 720)], channel=2), name="Piano")
    drums = smf.track(smf.note_events([(99, 0, 120)], channel=9), name="Kit")
    p = _write(tmp_path, "sky.mid", smf.smf([bass, upper, drums]))
    imp = read_midi(p)
    assert imp.track.startswith("skyline")
    # highest note at each onset; the bass sounds where the upper line rests
    assert [(n.pitch, n.start, n.end) for n in imp.melody.notes] == [(72, 0, 240), (74, 480, 720)]


def test_overlapping_notes_are_cut(tmp_path):
    p = _write(tmp_path, "ovl.mid", smf.smf([smf.track(smf.note_events([(60, 0, 960), (62, 480, 960)]))]))
    mel = read_midi(p).melody
    assert [(n.pitch, n.start, n.end) for n in mel.notes] == [(60, 0, 480), (62, 480, 960)]


def test_one_track_keeps_its_exact_timing_and_the_top_of_its_chords(tmp_path):
    """Triplets, an unquantized take or a humanized line come back as written; of a chord or a flam the top
    note stays, at its own time (the skyline of several tracks is still quantized: the test above)."""
    line = [Note(0, 160, 60), Note(160, 320, 62), Note(320, 480, 64),  # eighth-note triplets
            Note(487, 700, 65, 70), Note(955, 1200, 67, 110)]  # a take, a little off the grid
    write_midi(Melody(line, qpm=100), tmp_path / "line.mid")
    assert read_midi(tmp_path / "line.mid").melody.notes == line
    legato = _write(tmp_path, "legato.mid", smf.smf([smf.track(smf.note_events([(60, 3, 500), (62, 490, 960)]))]))
    assert [(n.start, n.end) for n in read_midi(legato).melody.notes] == [(3, 490), (490, 960)]  # overlap cut
    flam = _write(tmp_path, "flam.mid", smf.smf([smf.track(smf.note_events([(60, 0, 480), (67, 10, 480),
                                                                           (64, 480, 960)]))]))
    assert [(n.pitch, n.start, n.end) for n in read_midi(flam).melody.notes] == [(67, 10, 480), (64, 480, 960)]
    triplets_with_a_chord = [(60, 0, 160), (64, 0, 160), (62, 160, 320), (65, 320, 480)]
    chord = _write(tmp_path, "chord.mid", smf.smf([smf.track(smf.note_events(triplets_with_a_chord))]))
    assert [(n.pitch, n.start) for n in read_midi(chord).melody.notes] == [(64, 0), (62, 160), (65, 320)]


BAD_FILES = {
    "empty.mid": (b"", NotMidiError, "empty"),
    "text.mid": (b"This is just a text file.\nNothing musical here.\n", NotMidiError, "text file"),
    "binary.mid": (bytes(range(256)) * 4, NotMidiError, "not a MIDI file"),
    "short_header.mid": (b"MThd\x00\x00", CorruptMidiError, "truncated"),
    "truncated.mid": (smf.simple_song()[:-20], CorruptMidiError, "truncated"),
    "chunk_too_long.mid": (smf.smf([smf.track(smf.note_events([(60, 0, 480)]), length_delta=500)]),
                           CorruptMidiError, "truncated"),
    "chunk_too_short.mid": (smf.smf([smf.track(smf.note_events([(60, 0, 480)]), length_delta=-5),
                                      smf.track([])]), CorruptMidiError, ""),
    "missing_tracks.mid": (smf.header(1, 5, 480) + smf.track([]), CorruptMidiError, "announces 5 tracks"),
    "no_notes.mid": (smf.smf([smf.track([(0, smf.tempo(500000))])]), NoMelodyError, "no notes"),
    "drums_only.mid": (smf.smf([smf.track(smf.note_events([(36, 0, 120), (38, 240, 360)], channel=9))]),
                       NoMelodyError, "drum"),
    "absurd_delta.mid": (smf.smf([smf.track([(0, b"\x90\x3c\x64"), (0x0FFFFFFF, b"\x80\x3c\x00")])], tpq=24),
                         AbsurdTimingError, "delta time"),
    "zero_tempo.mid": (smf.smf([smf.track([(0, smf.tempo(0))] + smf.note_events([(60, 0, 480)]))]),
                       AbsurdTimingError, "tempo"),
    "smpte.mid": (b"MThd" + bytes([0, 0, 0, 6, 0, 0, 0, 1, 0xE7, 0x28]) + smf.track(smf.note_events([(60, 0, 480)])),
                  CorruptMidiError, "SMPTE"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_one_clear_typed_error(tmp_path, name):
    data, err_type, words = BAD_FILES[name]
    p = _write(tmp_path, name, data)
    with pytest.raises(err_type) as info:
        read_midi(p)
    msg = str(info.value)
    assert msg.startswith(str(p) + ": ")
    assert words.lower() in msg.lower()
    assert "Traceback" not in msg and "\n" not in msg


def test_huge_file_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.mid"
    with open(p, "wb") as f:
        f.write(smf.simple_song())
        f.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    assert p.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(FileTooLargeError, match="100 MB"):
        read_midi(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(MidiImportError, match="cannot read"):
        read_midi(tmp_path / "nope.mid")
    with pytest.raises(NotMidiError, match="folder"):
        read_midi(tmp_path)


def test_random_garbage_never_escapes_as_untyped_error(tmp_path):
    """Fuzz: mutate a valid file many ways; every outcome is a melody or a MidiImportError."""
    import random

    rng = random.Random(7)
    base = bytearray(smf.simple_song())
    outcomes = {"ok": 0, "refused": 0}
    for i in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        p = _write(tmp_path, f"fuzz{i}.mid", bytes(data))
        try:
            read_midi(p)
            outcomes["ok"] += 1
        except MidiImportError:
            outcomes["refused"] += 1
    assert outcomes["ok"] > 0 and outcomes["refused"] > 0
