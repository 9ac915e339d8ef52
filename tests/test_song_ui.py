"""A song opened in the window: its own tracks play with the edited melody (the Song button), show faint
under it in the roll, and render with it; the Band takes turns with them."""

import numpy as np
import pytest

from mguv_app.music import Melody, Note, read_midi, write_midi

from .test_chord_detect import song


@pytest.fixture
def window(transport_window):
    return transport_window


def test_a_song_plays_its_own_tracks_and_shows_them_under_the_melody(window, qtbot, tmp_path):
    src = song(tmp_path / "song.mid")
    panel, canvas = window.transport, window.roll.canvas
    assert not panel.song_button.isVisibleTo(window) and not len(canvas._ghosts)
    assert window.open_path(str(src))
    accompaniment = read_midi(src).accompaniment
    assert panel.song_button.isVisibleTo(window) and panel.song_button.isChecked() and panel.song_on
    assert panel.player.has_backing and panel.player.end_tick >= accompaniment[:, 1].max()
    assert sorted(map(tuple, canvas._ghosts.tolist())) == sorted(map(tuple, accompaniment[:, :3].tolist()))
    assert "Bass" in panel.song_button.toolTip() or "bass" in panel.song_button.toolTip().lower()

    panel.band_button.setChecked(True)  # the Band plays instead of the song's tracks, and the roll shows only ours
    assert not panel.song_button.isChecked() and not len(canvas._ghosts)
    qtbot.waitUntil(lambda: window.roll.chords != [], timeout=3000)
    panel.song_button.setChecked(True)  # and back
    assert not panel.band_button.isChecked() and window.roll.chords == [] and len(canvas._ghosts)
    assert panel.player.has_backing
    menu = [a for a in panel.song_menu.actions() if a.isCheckable()]
    (piano, _), (bass, _) = window.song.parts()
    assert [a.text() for a in menu] == [f"Piano · Acoustic Grand Piano ({len(piano.notes)} notes)",
                                        f"Bass · Electric Bass (finger) ({len(bass.notes)} notes)"]
    menu[0].setChecked(False)  # the bass alone under the melody: heard, and drawn
    assert [p.program for p, _ in panel.song_parts_heard] == [33] and len(canvas._ghosts) == len(bass.notes)
    menu[0].setChecked(True)
    panel.song_button.setChecked(False)
    assert not panel.player.has_backing and not len(canvas._ghosts)

    write_midi(Melody([Note(0, 480, 60)]), tmp_path / "alone.mid")
    panel.song_button.setChecked(True)
    assert window.open_path(str(tmp_path / "alone.mid"))  # a melody alone: no Song, nothing else heard
    assert not panel.song_button.isVisibleTo(window) and not panel.player.has_backing and not len(canvas._ghosts)


def test_the_song_s_tracks_are_drawn_faint_and_never_edited(window, qtbot, tmp_path):
    src = song(tmp_path / "song.mid")
    assert window.open_path(str(src))
    window.show()
    qtbot.waitExposed(window)
    window.roll.zoom_y(0.25)  # the roll fits the melody: zoom out to the piano and bass below it
    with_song = window.roll.canvas.grab().toImage()
    window.transport.song_button.setChecked(False)
    alone = window.roll.canvas.grab().toImage()
    assert with_song != alone  # the accompaniment is drawn
    window.roll.select_all()
    assert len(window.doc.selection) == len(read_midi(src).melody.notes)  # only the melody is the document's


def test_render_with_the_song_on_renders_the_whole_song(window, qtbot, tmp_path):
    import wave

    src = song(tmp_path / "song.mid")
    assert window.open_path(str(src))
    messages = []
    window.renderFinished.connect(messages.append)
    with qtbot.waitSignal(window.renderFinished, timeout=60000):
        window.render_wav(str(tmp_path / "song.wav"))
    window.transport.song_button.setChecked(False)
    with qtbot.waitSignal(window.renderFinished, timeout=60000):
        window.render_wav(str(tmp_path / "alone.wav"))
    assert len(messages) == 2
    assert "song.wav with 2 of its parts: " in messages[0] and "alone.wav: " in messages[1]

    def low_share(path):  # the bass and the piano's low notes sit under 200 Hz; the melody (C5 up) does not
        with wave.open(str(path)) as f:
            sr, channels = f.getframerate(), f.getnchannels()
            audio = np.frombuffer(f.readframes(f.getnframes()), np.int16).reshape(-1, channels).mean(axis=1)
        spectrum = np.abs(np.fft.rfft(audio)) ** 2
        freqs = np.fft.rfftfreq(len(audio), 1 / sr)
        return spectrum[(freqs > 30) & (freqs < 200)].sum() / spectrum.sum()

    assert low_share(tmp_path / "song.wav") > 10 * low_share(tmp_path / "alone.wav")


def test_choose_which_track_is_the_melody(window, tmp_path):
    from mguv_app.music.midi_read import list_tracks

    src = song(tmp_path / "song.mid", named=False)  # three unnamed tracks: the importer's guess is their skyline
    original = src.read_bytes()
    assert window.open_path(str(src)) and window.song is None
    assert "Choose Melody Track" in window.statusBar().currentMessage()
    tracks = list_tracks(src)
    asked = []
    window.ask_track = lambda parent, labels, current: asked.append(labels) or 0  # the first: the tune on top
    assert window.choose_melody_track()
    assert len(asked[0]) == 3 and asked[0][0].startswith("1: no name · ") and "notes" in asked[0][0]
    assert window.song is not None and window.song.others == 2 and window.transport.song_on
    chosen = read_midi(src, track=tracks[0].index)
    assert window.melody.notes == chosen.melody.notes
    window.roll.select_all()
    window.roll.move_selection(dp=2)
    assert window.save() and read_midi(src, track=tracks[0].index).melody.notes == window.melody.notes
    assert src.read_bytes() != original and read_midi(src).note_tracks == 3  # the piano and bass kept
    window.load_melody(Melody())
    assert window.open_path(str(src)) and window.song is not None  # the choice is remembered for the file
    assert window.melody.notes == read_midi(src, track=tracks[0].index).melody.notes
    window.ask_track = lambda parent, labels, current: None  # cancelled: nothing changes
    assert not window.choose_melody_track() and window.song is not None


def test_a_remembered_track_is_used_only_while_the_file_still_has_it(window, tmp_path):
    import pretty_midi

    src = song(tmp_path / "song.mid", named=False)
    assert window.open_path(str(src))
    window.ask_track = lambda parent, labels, current: 1  # the piano
    assert window.choose_melody_track() and window.song is not None and window.melody.notes[0].pitch == 60
    pm = pretty_midi.PrettyMIDI(str(src))  # the file is replaced: its piano track is now called Organ
    pm.instruments[1].name = "Organ"
    pm.write(str(src))
    window.load_melody(Melody())
    assert window.open_path(str(src)) and window.melody.notes == read_midi(src).melody.notes  # the guess again


def test_a_full_disk_while_saving_a_song_loses_nothing(window, tmp_path, monkeypatch):
    src = song(tmp_path / "song.mid")
    original = src.read_bytes()
    assert window.open_path(str(src))
    window.roll.select_all()
    window.roll.move_selection(dp=1)
    errors = []
    window.show_error = lambda parent, title, text: errors.append(text)
    monkeypatch.setattr("mguv_app.fileio.os.replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space")))
    assert not window.save()
    assert src.read_bytes() == original and window.modified and "No space" in errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mid"]  # no temporary file left behind
    monkeypatch.undo()
    assert window.save() and not window.modified and read_midi(src).melody.notes == window.melody.notes


def test_a_song_changed_by_another_program_is_not_overwritten(window, tmp_path):
    import pretty_midi

    src = song(tmp_path / "song.mid")
    assert window.open_path(str(src))
    window.roll.select_all()
    window.roll.move_selection(dp=1)
    pm = pretty_midi.PrettyMIDI(str(src))  # meanwhile a DAW adds a strings track and saves
    pm.instruments.append(pretty_midi.Instrument(48, name="Strings"))
    pm.instruments[-1].notes.append(pretty_midi.Note(60, 60, 0.0, 4.0))
    pm.write(str(src))
    theirs = src.read_bytes()
    asked = []
    window.ask_save_path = lambda parent, title, suggested: asked.append(suggested) or suggested
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    assert window.save() and src.read_bytes() == theirs  # their save stays
    assert asked[0].endswith("song edited.mid") and any("changed by another program" in m for m in messages)
    ours = read_midi(tmp_path / "song edited.mid")
    assert ours.melody.notes == window.melody.notes and ours.note_tracks == 3 and window.path.endswith("edited.mid")
