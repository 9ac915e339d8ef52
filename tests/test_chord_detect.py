"""The song's own chords, read from a MIDI file's accompaniment tracks; and a file with more than the
melody is never overwritten by the melody alone: Save rewrites the melody's own track, or asks for a new file."""

import numpy as np
import pretty_midi
import pytest

from mguv_app.lofi.chord_detect import best_chord, detect_chords
from mguv_app.music import Melody, Note, read_midi

Q, BAR = 480, 1920
# block chords a bar each (bass note first), then one bar played as an arpeggio, then a bar of silence
PROGRESSION = [("C", [48, 52, 55, 60]), ("Am", [45, 48, 52, 57]), ("F", [41, 45, 48, 53]),
               ("G7", [43, 47, 50, 53]), ("Dm7", [38, 50, 53, 57, 60]), ("Bm7b5", [47, 50, 53, 57])]


def song(path, arpeggio_bar=True, gap_bar=True, named=True):
    pm = pretty_midi.PrettyMIDI(resolution=480, initial_tempo=120)
    melody = pretty_midi.Instrument(0, name="Melody" if named else "")
    piano = pretty_midi.Instrument(0, name="Piano")
    bass = pretty_midi.Instrument(33, name="Bass")
    bars = PROGRESSION + ([("Em", [40, 55, 59, 64, 59, 55, 52, 55])] if arpeggio_bar else [])
    for b, (name, pitches) in enumerate(bars):
        t0 = b * 2.0
        if name == "Em":  # an arpeggio in 8ths over a low E
            bass.notes.append(pretty_midi.Note(80, 40, t0, t0 + 2.0))
            for i, p in enumerate(pitches[1:] * 1):
                piano.notes.append(pretty_midi.Note(70, p, t0 + i * 0.25, t0 + (i + 1) * 0.25))
        else:
            for p in pitches:
                piano.notes.append(pretty_midi.Note(70, p, t0, t0 + 1.95))
        for i, p in enumerate([72, 74, 76, 79]):
            melody.notes.append(pretty_midi.Note(90, p, t0 + i * 0.5, t0 + (i + 1) * 0.5))
    if gap_bar:  # the melody goes on a bar where the accompaniment rests
        t0 = len(bars) * 2.0
        melody.notes.append(pretty_midi.Note(90, 72, t0, t0 + 2.0))
    pm.instruments += [melody, piano, bass]
    pm.write(str(path))
    return path


def test_block_chords_and_arpeggios_are_read_per_half_bar(tmp_path):
    imported = read_midi(song(tmp_path / "song.mid"))
    assert imported.track == "Melody" and imported.note_tracks == 3 and len(imported.accompaniment) > 20
    chords = detect_chords(imported.accompaniment, imported.melody)
    for b, (name, _) in enumerate(PROGRESSION + [("Em", None)]):
        assert chords[b * BAR] == chords[b * BAR + BAR // 2] == name, b
    assert 7 * BAR not in chords  # the silent bar: left to the harmoniser


def test_what_no_chord_explains_is_left_alone():
    cluster = np.zeros(12)
    cluster[[0, 1, 2, 3, 6, 8]] = 1.0  # six pitch classes at once: no triad or seventh carries 75%
    assert best_chord(cluster, 0) is None
    assert best_chord(np.eye(12)[0] * 0.2, 0) is None  # a tenth of a beat: too little to read
    c_major = np.zeros(12)
    c_major[[0, 4, 7]] = [2.0, 1.0, 1.0]
    assert best_chord(c_major, 0) == (0, "")
    assert best_chord(c_major, 4) == (0, "")  # a first inversion is still C
    c7 = c_major.copy()
    c7[10] = 1.0
    assert best_chord(c7, 0) == (0, "7")
    assert detect_chords([], Melody([Note(0, 480, 60)])) == {}
    in_waltz = detect_chords([Note(0, 1440, 57), Note(0, 1440, 60), Note(0, 1440, 64)],
                             Melody([Note(0, 480, 69)], time_signature=(3, 4)))
    assert in_waltz == {0: "Am"}  # 3/4: one chord a bar


def test_a_single_track_or_a_skyline_has_no_accompaniment(tmp_path):
    pm = pretty_midi.PrettyMIDI(resolution=480)
    inst = pretty_midi.Instrument(0)
    inst.notes.append(pretty_midi.Note(90, 60, 0, 1))
    pm.instruments.append(inst)
    pm.write(str(tmp_path / "one.mid"))
    one = read_midi(tmp_path / "one.mid")
    assert one.note_tracks == 1 and len(one.accompaniment) == 0
    skyline = read_midi(song(tmp_path / "unnamed.mid", named=False))  # no track is called Melody
    assert skyline.track.startswith("skyline") and len(skyline.accompaniment) == 0 and skyline.note_tracks == 3


def test_the_backing_cli_plays_the_files_own_chords(tmp_path, capsys):
    from mguv_app.cli import main as mguv

    src = song(tmp_path / "song.mid")
    assert mguv(["backing", str(src), "--chart", str(tmp_path / "c.txt")]) == 0
    out = capsys.readouterr().out
    assert "C* Am* F* G7* Dm7* Bm7b5* Em*" in out
    assert mguv(["backing", str(src), "--chart", str(tmp_path / "c.txt"), "--refit"]) == 0
    assert "*" not in capsys.readouterr().out


def test_opening_a_song_takes_its_chords_and_save_keeps_its_other_tracks(window, tmp_path):
    src = song(tmp_path / "song.mid")
    before = read_midi(src)
    assert window.open_path(str(src))
    assert window.doc.chords[0] == "C" and window.doc.chords[3 * BAR] == "G7"
    message = window.statusBar().currentMessage()
    assert "its own chords, read from its other tracks: C Am F G7 Dm7 Bm7b5 …" in message
    assert "Save keeps its 2 other tracks" in message
    window.roll.select_all()
    window.roll.move_selection(dp=1)
    window.ask_save_path = lambda parent, title, suggested: pytest.fail("a song saves in place")
    assert window.save() and not window.modified and window.path == str(src)
    after = read_midi(src)
    assert after.melody.notes == window.melody.notes and after.note_tracks == 3
    assert (after.accompaniment == before.accompaniment).all()  # the piano and bass, note for note
    assert after.melody.chords == window.doc.chords and "2 other tracks" in window.statusBar().currentMessage()
    assert window.save_as(str(tmp_path / "copy")) and window.path == str(tmp_path / "copy.mid")
    assert read_midi(tmp_path / "copy.mid").note_tracks == 3  # Save As takes the whole song along


def test_a_skyline_melody_is_saved_as_a_new_file(window, tmp_path):
    src = song(tmp_path / "song.mid", named=False)  # no melody track: the editor holds the skyline of three
    original = src.read_bytes()
    assert window.open_path(str(src)) and window.song is None and window.more_in_file == "2 other tracks"
    window.roll.select_all()
    window.roll.move_selection(dp=1)
    asked = []
    window.ask_save_path = lambda parent, title, suggested: asked.append(suggested) or None
    assert not window.save() and src.read_bytes() == original  # cancelled: nothing written
    assert asked[0].endswith("song melody.mid") and "2 other tracks" in window.statusBar().currentMessage()
    window.ask_save_path = lambda parent, title, suggested: suggested
    assert window.save() and src.read_bytes() == original
    new = tmp_path / "song melody.mid"
    assert window.path == str(new) and read_midi(new).melody.notes == window.melody.notes and not window.modified
    window.roll.move_selection(dp=1)
    window.ask_save_path = lambda parent, title, suggested: pytest.fail("the new file is the editor's own")
    assert window.save() and read_midi(new).melody.notes == window.melody.notes


def test_a_restored_autosave_of_a_song_saves_into_the_song(qtbot, tmp_path, make_window):
    import subprocess
    import sys

    from ui.autosave import Autosaver

    src = song(tmp_path / "song.mid")
    before = read_midi(src)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    crashed = Autosaver(pid=dead.pid)
    crashed.start_session(str(src))
    crashed.save(before.melody.transposed(2), str(src))
    w = make_window(with_transport=True)
    w.ask_restore = lambda parent, rec: True
    assert w.offer_restore() and w.path == str(src) and w.song is not None and w.song.others == 2
    w.ask_save_path = lambda parent, title, suggested: pytest.fail("a song saves in place")
    assert w.save() and w.path == str(src)
    after = read_midi(src)
    assert after.melody.notes == before.melody.transposed(2).notes and after.note_tracks == 3
    assert (after.accompaniment == before.accompaniment).all()


def test_an_inversion_is_read_as_a_slash_chord():
    c_over_e = [Note(0, 1920, 52), Note(0, 1920, 60), Note(0, 1920, 67)]  # E under C and G: C/E
    g_root = [Note(1920, 3840, 43), Note(1920, 3840, 59), Note(1920, 3840, 62)]
    melody = Melody([Note(0, 960, 72), Note(1920, 2880, 74)])
    assert detect_chords(c_over_e + g_root, melody) == {0: "C/E", 960: "C/E", 1920: "G", 2880: "G"}
